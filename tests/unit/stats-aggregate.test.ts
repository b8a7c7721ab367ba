/**
 * The Statistics page's arithmetic (admin/stats): hour rows from the service
 * become totals, days, an hour-of-week grid and top pages on the site's
 * calendar — including zones with clock changes and half-hour offsets.
 */
import { busiest, byDay, hourOfWeek, topPages, totals } from '../../admin/stats/aggregate';
import { daysBetween, shiftDay, siteClock } from '../../admin/stats/site-clock';
import { parseStats, type CounterRow, type StatsData, type VisitRow } from '../../admin/stats/stats-data';

const H = 3_600_000;
const utc = ( iso: string ): number => Date.parse( `${ iso }Z` );

function data( partial: Partial< StatsData > ): StatsData {
	return { from: '2026-11-02', to: '2026-11-08', timezone: '+00:00', chats: [], visits: [], ...partial };
}
const c = ( iso: string, kind: CounterRow[ 'kind' ], count: number ): CounterRow => ( { hour: utc( iso ), kind, count } );
const v = ( iso: string, path: string, views: number, returning = 0, referrerHost = '' ): VisitRow => ( { hour: utc( iso ), path, referrerHost, views, returning } );

describe( 'siteClock', () => {
	test( 'an IANA zone follows its clock change', () => {
		const berlin = siteClock( 'Europe/Berlin' );
		// 2026-10-25 is the last Sunday of October: 01:00 UTC is 03:00 CEST until then, 02:00 CET after.
		expect( berlin( utc( '2026-10-24T22:00:00' ) ) ).toEqual( { day: '2026-10-25', weekday: 0, hour: 0 } );
		expect( berlin( utc( '2026-10-25T00:00:00' ) ) ).toEqual( { day: '2026-10-25', weekday: 0, hour: 2 } );
		expect( berlin( utc( '2026-10-25T01:00:00' ) ) ).toEqual( { day: '2026-10-25', weekday: 0, hour: 2 } );
		expect( berlin( utc( '2026-11-02T23:00:00' ) ) ).toEqual( { day: '2026-11-03', weekday: 2, hour: 0 } );
	} );

	test( 'a plain offset (WordPress’s "UTC+5:30") is applied by hand, west of UTC too', () => {
		expect( siteClock( '+05:30' )( utc( '2026-11-02T18:00:00' ) ) ).toEqual( { day: '2026-11-02', weekday: 1, hour: 23 } );
		expect( siteClock( '+05:30' )( utc( '2026-11-02T19:00:00' ) ) ).toEqual( { day: '2026-11-03', weekday: 2, hour: 0 } );
		expect( siteClock( '-03:00' )( utc( '2026-11-02T02:00:00' ) ) ).toEqual( { day: '2026-11-01', weekday: 0, hour: 23 } );
	} );

	test( 'an unknown zone counts as UTC rather than failing the page', () => {
		expect( siteClock( 'Mars/Olympus' )( utc( '2026-11-02T05:00:00' ) ) ).toEqual( { day: '2026-11-02', weekday: 1, hour: 5 } );
		expect( siteClock( '' )( utc( '2026-11-02T05:00:00' ) ) ).toEqual( { day: '2026-11-02', weekday: 1, hour: 5 } );
	} );

	test( 'days of a range, and shifting a day', () => {
		expect( daysBetween( '2026-02-27', '2026-03-02' ) ).toEqual( [ '2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02' ] );
		expect( daysBetween( '2026-03-02', '2026-03-01' ) ).toEqual( [] );
		expect( shiftDay( '2026-03-01', 29 ) ).toBe( '2026-01-31' );
		expect( shiftDay( '2026-12-31', -1 ) ).toBe( '2027-01-01' );
	} );
} );

describe( 'aggregation', () => {
	const sample = data( {
		timezone: 'Europe/Berlin',
		chats: [
			// Monday 2026-11-02, 09:00 and 10:00 in Berlin (CET, UTC+1).
			c( '2026-11-02T08:00:00', 'chat_started', 2 ),
			c( '2026-11-02T08:00:00', 'message_received', 5 ),
			c( '2026-11-02T09:00:00', 'message_sent', 4 ),
			c( '2026-11-02T09:00:00', 'chat_ended', 2 ),
			// 23:30 UTC on Tuesday is 00:30 on Wednesday in Berlin.
			c( '2026-11-03T23:00:00', 'chat_started', 1 ),
			c( '2026-11-03T23:00:00', 'message_received', 1 ),
			// The assistant's counts: Monday, and Wednesday 00:30 in Berlin.
			c( '2026-11-02T08:00:00', 'assistant_answered', 3 ),
			c( '2026-11-02T08:00:00', 'assistant_no_answer', 2 ),
			c( '2026-11-03T23:00:00', 'assistant_no_answer', 1 ),
			c( '2026-11-03T23:00:00', 'assistant_handed_over', 1 ),
		],
		visits: [ v( '2026-11-02T08:00:00', '/shop/', 3, 1, 'search.example' ), v( '2026-11-02T08:00:00', '/shop/', 2 ), v( '2026-11-08T22:00:00', '/', 4, 4 ) ],
	} );

	test( 'totals add up each kind; visits are page views', () => {
		expect( totals( sample ) ).toEqual( {
			chats: 3,
			chatsEnded: 2,
			visitorMessages: 6,
			agentMessages: 4,
			visits: 9,
			assistantAnswered: 3,
			assistantNoAnswer: 3,
			assistantHandedOver: 1,
		} );
	} );

	test( 'every day of the range has an entry, on the site’s calendar', () => {
		const days = byDay( sample );
		expect( days.map( ( d ) => d.day ) ).toEqual( daysBetween( '2026-11-02', '2026-11-08' ) );
		expect( days[ 0 ] ).toEqual( {
			day: '2026-11-02',
			chats: 2,
			chatsEnded: 2,
			visitorMessages: 5,
			agentMessages: 4,
			visits: 5,
			assistantAnswered: 3,
			assistantNoAnswer: 2,
			assistantHandedOver: 0,
		} );
		expect( days[ 1 ].chats ).toBe( 0 );
		expect( days[ 2 ] ).toMatchObject( { day: '2026-11-04', chats: 1, visitorMessages: 1, assistantNoAnswer: 1, assistantHandedOver: 1 } );
		// 22:00 UTC on the last day is 23:00 in Berlin: still inside.
		expect( days[ 6 ].visits ).toBe( 4 );
	} );

	test( 'rows outside the range (a zone’s edge hours) are left out of the days, not put on a wrong one', () => {
		const edge = data( { from: '2026-11-02', to: '2026-11-02', chats: [ c( '2026-11-01T23:00:00', 'chat_started', 9 ), c( '2026-11-02T12:00:00', 'chat_started', 1 ) ] } );
		expect( byDay( edge ) ).toEqual( [
			{ day: '2026-11-02', chats: 1, chatsEnded: 0, visitorMessages: 0, agentMessages: 0, visits: 0, assistantAnswered: 0, assistantNoAnswer: 0, assistantHandedOver: 0 },
		] );
	} );

	test( 'the hour-of-week grid starts on the site’s first weekday and counts the chosen metric', () => {
		const chats = hourOfWeek( sample, 'chats', 1 );
		expect( chats.weekdays ).toEqual( [ 1, 2, 3, 4, 5, 6, 0 ] );
		expect( chats.cells ).toHaveLength( 7 );
		expect( chats.cells.every( ( row ) => row.length === 24 ) ).toBe( true );
		expect( chats.cells[ 0 ][ 9 ] ).toBe( 2 ); // Monday 09:00
		expect( chats.cells[ 2 ][ 0 ] ).toBe( 1 ); // Wednesday 00:00
		expect( chats.cells.flat().reduce( ( a, b ) => a + b, 0 ) ).toBe( 3 );
		expect( chats.max ).toBe( 2 );
		expect( busiest( chats ) ).toEqual( { weekday: 1, hour: 9, count: 2 } );

		const messages = hourOfWeek( sample, 'messages', 0 );
		expect( messages.weekdays[ 0 ] ).toBe( 0 );
		expect( messages.cells[ 1 ][ 9 ] ).toBe( 5 ); // Monday is the second row when weeks start on Sunday
		expect( messages.cells[ 1 ][ 10 ] ).toBe( 4 );
		expect( messages.cells.flat().reduce( ( a, b ) => a + b, 0 ) ).toBe( 10 );

		const visits = hourOfWeek( sample, 'visits', 1 );
		expect( visits.cells[ 0 ][ 9 ] ).toBe( 5 );
		expect( visits.cells[ 6 ][ 23 ] ).toBe( 4 ); // Sunday 23:00
	} );

	test( 'an empty range has an empty grid and no busiest hour', () => {
		const map = hourOfWeek( data( {} ), 'chats' );
		expect( map.max ).toBe( 0 );
		expect( busiest( map ) ).toBeNull();
	} );

	test( 'top pages sum referrers and hours, most viewed first, limited', () => {
		expect( topPages( sample ) ).toEqual( [
			{ path: '/shop/', views: 5, returning: 1 },
			{ path: '/', views: 4, returning: 4 },
		] );
		expect( topPages( sample, 1 ) ).toHaveLength( 1 );
	} );
} );

describe( 'parseStats', () => {
	test( 'keeps well-formed rows and drops the rest', () => {
		const parsed = parseStats( {
			from: '2026-11-02',
			to: '2026-11-08',
			timezone: 'UTC',
			chats: [ { hour: H, kind: 'chat_started', count: 2 }, { hour: H, kind: 'chat_deleted', count: 1 }, 'junk', { hour: H, kind: 'assistant_no_answer', count: 4 } ],
			visits: [ { hour: H, path: '/', views: 1, returning: 0, referrerHost: '' }, null ],
		} );
		expect( parsed?.chats ).toEqual( [
			{ hour: H, kind: 'chat_started', count: 2 },
			{ hour: H, kind: 'assistant_no_answer', count: 4 },
		] );
		expect( parsed?.visits ).toEqual( [ { hour: H, path: '/', views: 1, returning: 0, referrerHost: '' } ] );
	} );

	test( 'anything that is not a stats answer is null', () => {
		expect( parseStats( null ) ).toBeNull();
		expect( parseStats( { code: 'rest_forbidden' } ) ).toBeNull();
		expect( parseStats( [ 1, 2 ] ) ).toBeNull();
	} );
} );
