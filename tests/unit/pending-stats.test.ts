import { PendingStats } from '../../server/store/pending-stats';
import { HOUR_MS } from '../../server/store/types';

test( 'counts per site, hour and kind, whatever order the bumps come in', () => {
	const p = new PendingStats();
	expect( p.empty ).toBe( true );
	expect( [ ...p.rows() ] ).toEqual( [] );
	const h = 1_000 * HOUR_MS;
	p.add( 'a', 'message_received', h + 5 );
	p.add( 'a', 'message_received', h + HOUR_MS - 1 );
	p.add( 'b', 'message_received', h + 7 );
	p.add( 'a', 'message_sent', h + 9 );
	p.add( 'a', 'message_received', h + HOUR_MS ); // the next hour
	p.add( 'a', 'message_received', h + 10 ); // back to the first bucket after others
	expect( p.empty ).toBe( false );
	expect( [ ...p.rows() ] ).toEqual( [
		{ site: 'a', hour: h, kind: 'message_received', count: 3 },
		{ site: 'a', hour: h, kind: 'message_sent', count: 1 },
		{ site: 'a', hour: h + HOUR_MS, kind: 'message_received', count: 1 },
		{ site: 'b', hour: h, kind: 'message_received', count: 1 },
	] );
} );

test( 'counters given back by a failed batch add to those counted since', () => {
	const h = 1_000 * HOUR_MS;
	const taken = new PendingStats();
	taken.add( 'a', 'message_received', h + 1 );
	taken.add( 'a', 'message_received', h + 2 );
	taken.add( 'b', 'chat_started', h + 3 );
	const since = new PendingStats();
	since.add( 'a', 'message_received', h + 4 );
	since.merge( taken );
	expect( [ ...since.rows() ] ).toEqual( [
		{ site: 'a', hour: h, kind: 'message_received', count: 3 },
		{ site: 'b', hour: h, kind: 'chat_started', count: 1 },
	] );
} );
