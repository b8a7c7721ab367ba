import { RecentClientIds } from '../../server/recent-client-ids';

test( 'keeps the most recent clientIds up to its capacity, dropping the oldest first', () => {
	const ids = new RecentClientIds( 3 );
	for ( let seq = 1; seq <= 5; seq++ ) ids.remember( `c${ seq }`, seq );
	expect( ids.size ).toBe( 3 );
	expect( ids.get( 'c1' ) ).toBeUndefined();
	expect( ids.get( 'c2' ) ).toBeUndefined();
	expect( [ ids.get( 'c3' ), ids.get( 'c4' ), ids.get( 'c5' ) ] ).toEqual( [ 3, 4, 5 ] );
} );

test( 'a forgotten clientId (its write failed) is unknown, and remembering it again counts as new', () => {
	const ids = new RecentClientIds( 2 );
	ids.remember( 'a', 1 );
	ids.remember( 'b', 2 );
	ids.forget( 'a' );
	expect( ids.get( 'a' ) ).toBeUndefined();
	expect( ids.size ).toBe( 1 );
	ids.remember( 'a', 3 );
	ids.remember( 'c', 4 ); // over capacity: b is now the oldest
	expect( ids.get( 'b' ) ).toBeUndefined();
	expect( [ ids.get( 'a' ), ids.get( 'c' ) ] ).toEqual( [ 3, 4 ] );
} );
