/**
 * The privacy rules, checked on the bytes a real service process leaves
 * behind: its database files (main, WAL, journal) and its log.
 */
import { spawnService, type ChildService } from '../helpers/child-service';
import { converse } from '../helpers/conversation';
import { SITE } from '../helpers/service';

const sites = [
	{ ...SITE, id: 'eph', defaultMode: 'ephemeral' as const, visitorChoosesMode: false },
	{ ...SITE, id: 'sto', defaultMode: 'stored' as const },
];

let svc: ChildService;
beforeAll( async () => {
	svc = await spawnService( { sites } );
} );
afterAll( () => svc.remove() );

test( 'no message text of an ephemeral chat reaches disk or the log; a stored chat’s does (control)', async () => {
	const ephemeral = await converse( svc, 'eph' );
	const stored = await converse( svc, 'sto' );
	// Wrong codes are counted per address, in memory.
	const res = await fetch( `http://127.0.0.1:${ svc.port }/chats/delete`, { method: 'POST', body: JSON.stringify( { site: 'eph', code: 'AAAA-AAAA-AAAA' } ) } );
	expect( res.status ).toBe( 404 );

	// While running, the WAL holds the recent writes; after a graceful stop SQLite folds it into the
	// main file. Both states are searched.
	const running = svc.diskBytes().toString( 'latin1' );
	svc.process.kill( 'SIGTERM' );
	expect( await svc.exited ).toBe( 0 );
	const stopped = svc.diskBytes().toString( 'latin1' );
	const log = svc.log();
	// The log is real and complete (debug level; no line per chat: log-privacy.test.ts).
	expect( log ).toContain( 'consent chat service listening' );

	for ( const disk of [ running, stopped ] ) {
		for ( const secret of ephemeral ) expect( disk.includes( secret ) ).toBe( false );
		// The same search finds a stored chat's text, so it would find a leak.
		expect( stored.filter( ( s ) => disk.includes( s ) ).length ).toBeGreaterThanOrEqual( 4 );
	}
	for ( const secret of [ ...ephemeral, ...stored ] ) expect( log.includes( secret ) ).toBe( false );
} );

test( 'no IP address is written anywhere: not in the database files, not in the log', () => {
	// The service process has stopped (previous test); everything it wrote is there.
	const disk = svc.diskBytes().toString( 'latin1' );
	const log = svc.log();
	for ( const ip of [ '127.0.0.1', '::ffff:127.0.0.1', '::1', '7f00:1' ] ) {
		expect( disk.includes( ip ) ).toBe( false );
		expect( log.includes( ip ) ).toBe( false );
	}
	expect( log ).not.toMatch( /remoteAddress|"ip"/ );
} );
