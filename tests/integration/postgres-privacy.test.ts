/**
 * The privacy rules on PostgreSQL, checked on the bytes PostgreSQL keeps: its
 * whole data folder (tables under base/, the write-ahead log under pg_wal/,
 * everything else) after a checkpoint, so what was written is in the data
 * files as well as in the WAL. A no-storage chat's text and the visitor's
 * address must be nowhere, also not beside the page views the visitor's
 * tracking embed sent; a stored chat's text and the page's path are found by
 * the same search (the control), so the search would find a leak.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { spawnService, type ChildService } from '../helpers/child-service';
import { converse } from '../helpers/conversation';
import { filesUnder } from '../helpers/disk';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { ORIGIN, SITE } from '../helpers/service';

/** The visitor's socket comes from here: an address nothing else on this machine uses. */
const VISITOR_ADDRESS = '127.0.0.57';

let pg: TestPostgres;
let svc: ChildService;
beforeAll( async () => {
	pg = await startPostgres();
	svc = await spawnService( {
		databaseUrl: pg.createDatabase(),
		sites: [
			{ ...SITE, id: 'eph', defaultMode: 'ephemeral' as const, visitorChoosesMode: false },
			{ ...SITE, id: 'sto', defaultMode: 'stored' as const },
		],
	} );
}, 30_000 );
afterAll( async () => {
	await svc?.remove();
	pg?.dispose();
} );

/** A page view as the tracking embed sends it, from the visitor's address; resolves to the status. */
function track( site: string, path: string, from: string ): Promise< number > {
	return new Promise( ( resolve, reject ) => {
		const req = request(
			{ host: '127.0.0.1', port: svc.port, path: '/track', method: 'POST', localAddress: from, headers: { 'content-type': 'application/json', origin: ORIGIN } },
			( res ) => {
				res.resume();
				resolve( res.statusCode ?? 0 );
			}
		);
		req.on( 'error', reject );
		req.end( JSON.stringify( { site, path, returning: true } ) );
	} );
}

test( 'PostgreSQL’s data folder and WAL hold no text of a no-storage chat and no visitor address; a stored chat’s text and a counted page are there (control)', async () => {
	const ephemeral = await converse( svc, 'eph', VISITOR_ADDRESS );
	const stored = await converse( svc, 'sto', VISITOR_ADDRESS );
	const page = `/visited-${ randomUUID() }/`;
	expect( await track( 'sto', page, VISITOR_ADDRESS ) ).toBe( 204 );
	// The view is written with the others at the latest when the service stops.
	svc.process.kill( 'SIGTERM' );
	expect( await svc.exited ).toBe( 0 );
	// Everything written goes to the data files too, not only to the WAL.
	pg.psql( pg.url, 'CHECKPOINT' );

	const files = filesUnder( pg.dataDir );
	expect( files.some( ( f ) => f.includes( '/pg_wal/' ) ) ).toBe( true );
	const disk = files.map( ( f ) => readFileSync( f ).toString( 'latin1' ) ).join( '\n' );
	for ( const secret of ephemeral ) expect( disk.includes( secret ) ).toBe( false );
	expect( disk.includes( VISITOR_ADDRESS ) ).toBe( false );
	expect( stored.filter( ( s ) => disk.includes( s ) ).length ).toBeGreaterThanOrEqual( 4 );
	expect( disk.includes( page ) ).toBe( true );
	// Nor in the service's own log.
	for ( const secret of [ ...ephemeral, ...stored, VISITOR_ADDRESS ] ) expect( svc.log().includes( secret ) ).toBe( false );
} );
