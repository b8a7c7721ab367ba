import { Revocations } from '../../server/revocations';

const LIFE = 600_000;
let now = 1_800_000_000_500;
const revocations = new Revocations( LIFE, () => now );

test( 'tokens of the agent issued before the revocation are refused; later ones and other agents’ are not', () => {
	const before = Math.floor( now / 1000 ) * 1000 - 1000;
	revocations.revoke( 'site', 'wp:1' );
	expect( revocations.isRevoked( 'site', 'wp:1', before ) ).toBe( true );
	// Issued in the same second: it may be older than the revocation, so it is refused too.
	expect( revocations.isRevoked( 'site', 'wp:1', Math.floor( now / 1000 ) * 1000 ) ).toBe( true );
	expect( revocations.isRevoked( 'site', 'wp:1', Math.floor( now / 1000 ) * 1000 + 1000 ) ).toBe( false );
	expect( revocations.isRevoked( 'site', 'wp:2', before ) ).toBe( false );
	expect( revocations.isRevoked( 'other', 'wp:1', before ) ).toBe( false );
} );

test( 'a later revocation moves the time on', () => {
	revocations.revoke( 'site', 'wp:3' );
	const first = Math.floor( now / 1000 ) * 1000 + 1000;
	expect( revocations.isRevoked( 'site', 'wp:3', first ) ).toBe( false );
	now += 5000;
	revocations.revoke( 'site', 'wp:3' );
	expect( revocations.isRevoked( 'site', 'wp:3', first ) ).toBe( true );
} );

test( 'an entry goes once no token it could refuse is still alive', () => {
	revocations.revoke( 'site', 'wp:4' );
	const old = Math.floor( now / 1000 ) * 1000;
	now += LIFE + 2000;
	revocations.revoke( 'site', 'wp:5' ); // prunes
	expect( revocations.isRevoked( 'site', 'wp:4', old ) ).toBe( false );
} );
