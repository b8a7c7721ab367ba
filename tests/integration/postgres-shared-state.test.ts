/**
 * What the nodes of a cluster share in PostgreSQL beside the chats: the site
 * policies WordPress sent (one node gets the PUT, the others read it again,
 * a node started later applies it) and the page-view counts (every node adds
 * to the same rows, in batches, and loses nothing while PostgreSQL is away).
 * Real services on one database where the HTTP API shows it; the parts
 * themselves where a test must hold the timing. One throw-away PostgreSQL
 * 15 for the file, a fresh database per test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type SiteConfig } from '../../server/config';
import { createLogger } from '../../server/log';
import { policyOf, SitePolicies, type SitePolicy } from '../../server/site-policy';
import { StoreUnavailableError } from '../../server/store/errors';
import { PostgresPageViews, type PostgresPageViewsOptions } from '../../server/store/postgres/page-views';
import { PostgresPolicies } from '../../server/store/postgres/policies';
import { SCHEMA_1 } from '../../server/store/postgres/schema';
import { SCHEMA_VERSION } from '../../server/store/postgres/migrations';
import { capturedLog } from '../helpers/log';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { ORIGIN, SITE, startTestService, type TestService } from '../helpers/service';

let pg: TestPostgres;
const running: TestService[] = [];
const closers: Array< () => Promise< void > > = [];
const dirs: string[] = [];
beforeAll( async () => {
	pg = await startPostgres();
}, 60_000 );
afterEach( async () => {
	for ( const svc of running.splice( 0 ) ) await svc.stop();
	for ( const close of closers.splice( 0 ) ) await close();
} );
afterAll( () => {
	pg?.dispose();
	for ( const dir of dirs ) rmSync( dir, { recursive: true, force: true } );
} );

const STARTING: Partial< SitePolicy > = { defaultMode: 'stored', visitorChoosesMode: true, retentionDays: 30 };

/** A service (a node) on the database at `url`. */
async function node( url: string ): Promise< TestService > {
	const svc = await startTestService( STARTING, { service: { databaseUrl: url } } );
	running.push( svc );
	return svc;
}

/** The policy part of another node: its own store on `url` and its own configured site (as it starts). */
async function policyNode( url: string, log = createLogger( 'silent' ) ): Promise< { policies: SitePolicies; site: SiteConfig } > {
	const dir = mkdtempSync( join( tmpdir(), 'cc-shared-' ) );
	dirs.push( dir );
	const site = parseConfig( { dataDir: dir, sites: [ { ...SITE, ...STARTING } ] } ).sites[ 0 ];
	const policies = new SitePolicies( await PostgresPolicies.open( url ), new Map( [ [ site.id, site ] ] ), log );
	closers.push( () => policies.close() );
	await policies.load();
	return { policies, site };
}

async function counter( url: string, options: PostgresPageViewsOptions = {} ): Promise< PostgresPageViews > {
	const views = await PostgresPageViews.open( url, options );
	closers.push( () => views.close() );
	return views;
}

async function startedMode( svc: TestService, sub: string ): Promise< string > {
	const visitor = await svc.connect( 'visitor', sub );
	visitor.send( { type: 'start', clientId: `c-${ sub }`, text: 'hello' } );
	const { chat } = await visitor.next( 'started' );
	visitor.close();
	return chat.mode;
}

const track = ( svc: TestService, path: string, returning = false, referrerHost?: string ): Promise< Response > =>
	fetch( `http://127.0.0.1:${ svc.port }/track`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: ORIGIN },
		body: JSON.stringify( { site: SITE.id, path, returning, ...( referrerHost ? { referrerHost } : {} ) } ),
	} );

const pageViews = async ( svc: TestService ) => ( await svc.http( 'GET', '/admin/page-views', undefined, svc.token( 'site', 'wp' ) ) ).body.rows;

test( 'a policy WordPress sent to one node is in force on another after refresh, and on a node started later', async () => {
	const url = pg.createDatabase();
	const a = await node( url );
	const b = await policyNode( url );
	const saved: string[] = [];
	b.policies.onSaved( ( site ) => saved.push( site ) );

	const sent = { defaultMode: 'ephemeral', visitorChoosesMode: false, retentionDays: 7 } as const;
	expect( await a.http( 'PUT', '/admin/policy', sent, a.token( 'site', 'wordpress' ) ) ).toEqual( { status: 200, body: sent } );
	// The other node's policy changes when it reads it again (the bus tells it to), not before.
	expect( policyOf( b.site ) ).toEqual( STARTING );
	await b.policies.refresh( SITE.id );
	expect( policyOf( b.site ) ).toEqual( sent );

	// Saved through the second node: it is told (to tell the others), and the row is the policy as JSON.
	const next = { defaultMode: 'ephemeral', visitorChoosesMode: true, retentionDays: 90 } as const;
	expect( await b.policies.set( SITE.id, next ) ).toEqual( next );
	expect( saved ).toEqual( [ SITE.id ] );
	expect( pg.psql( url, 'SELECT site, policy FROM site_policies' ) ).toBe( `${ SITE.id }|{"defaultMode": "ephemeral", "retentionDays": 90, "visitorChoosesMode": true}` );

	const later = await node( url );
	const wordpress = later.token( 'site', 'wordpress' );
	expect( ( await later.http( 'GET', '/admin/policy', undefined, wordpress ) ).body ).toEqual( next );
	expect( await startedMode( later, 'v-later' ) ).toBe( 'ephemeral' );
} );

test( 'a saved policy that is not valid is logged and leaves the policy in force; an unknown site is refused', async () => {
	const url = pg.createDatabase();
	const { log, lines } = capturedLog();
	const b = await policyNode( url, log );
	const sent = { defaultMode: 'ephemeral', visitorChoosesMode: false, retentionDays: 7 } as const;
	await b.policies.set( SITE.id, sent );
	pg.psql( url, `UPDATE site_policies SET policy = '{"defaultMode": "forever", "visitorChoosesMode": true, "retentionDays": 7}'` );
	await b.policies.refresh();
	expect( policyOf( b.site ) ).toEqual( sent );
	expect( lines.map( ( l ) => ( JSON.parse( l ) as { msg: string } ).msg ) ).toEqual( [
		'the saved policy of site test is invalid (defaultMode is "stored" or "ephemeral"); using the policy in force',
	] );
	await expect( b.policies.set( 'nope', sent ) ).rejects.toThrow( /unknown site nope/ );
	expect( pg.psql( url, "SELECT count(*) FROM site_policies WHERE site = 'nope'" ) ).toBe( '0' );
} );

test( 'page views counted on two nodes are summed in the rows either returns, and the rows hold no visitor id or address', async () => {
	const url = pg.createDatabase();
	const a = await node( url );
	const b = await node( url );
	for ( let i = 0; i < 3; i++ ) expect( ( await track( a, '/shop/' ) ).status ).toBe( 204 );
	expect( ( await track( b, '/shop/', true ) ).status ).toBe( 204 );
	expect( ( await track( b, '/shop/', false, 'search.example' ) ).status ).toBe( 204 );

	const both = [
		expect.objectContaining( { site: SITE.id, path: '/shop/', referrerHost: '', views: 4, returning: 1 } ),
		expect.objectContaining( { site: SITE.id, path: '/shop/', referrerHost: 'search.example', views: 1, returning: 0 } ),
	];
	// Each node writes its own views before it reads: b's first, then a's with b's in the table.
	await pageViews( b );
	expect( await pageViews( a ) ).toEqual( both );
	expect( await pageViews( b ) ).toEqual( both );

	// What a row can hold: counts per site, hour, path and referring host, nothing of a visitor.
	expect( pg.psql( url, "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'page_views_hourly'" ) ).toBe(
		'site,hour,path,referrer_host,views,returning_views'
	);
	expect( pg.psql( url, 'SELECT string_agg(t::text, \' \') FROM page_views_hourly t' ) ).not.toContain( '127.0.0.1' );
} );

test( 'views wait in memory and are written together: one upsert per page and hour, by the timer or before a read', async () => {
	const url = pg.createDatabase();
	const now = Date.now();
	const views = await counter( url, { flushMs: 60_000 } );
	for ( let i = 0; i < 500; i++ ) views.count( { site: SITE.id, at: now, path: '/a/', referrerHost: '', returning: i % 5 === 0 } );
	// Nothing per view: the table is empty until the entries are written together.
	expect( pg.psql( url, 'SELECT count(*) FROM page_views_hourly' ) ).toBe( '0' );
	expect( await views.rows( SITE.id, now, now ) ).toEqual( [ expect.objectContaining( { path: '/a/', views: 500, returning: 100 } ) ] );
	expect( pg.psql( url, "SELECT views, returning_views FROM page_views_hourly WHERE path = '/a/'" ) ).toBe( '500|100' );

	// Without a read, the timer writes them.
	const timed = await counter( url, { flushMs: 20 } );
	timed.count( { site: SITE.id, at: now, path: '/a/', referrerHost: '', returning: false } );
	await pg.until( url, "SELECT views = 501 FROM page_views_hourly WHERE path = '/a/'" );
} );

test( 'views counted while PostgreSQL is away wait in memory and are written once it is back; the outage is logged once', async () => {
	const url = pg.createDatabase();
	const { log, lines } = capturedLog();
	const views = await counter( url, { flushMs: 60_000, connectTimeoutMs: 1_000, log } );
	const now = Date.now();
	const view = { site: SITE.id, at: now, path: '/down/', referrerHost: '', returning: false };
	views.count( view );
	await views.flush();
	pg.kill();
	try {
		views.count( view );
		await expect( views.flush() ).rejects.toBeInstanceOf( StoreUnavailableError );
		views.count( view );
		await expect( views.flush() ).rejects.toBeInstanceOf( StoreUnavailableError );
	} finally {
		pg.start();
	}
	expect( await views.rows( SITE.id, now, now ) ).toEqual( [ expect.objectContaining( { path: '/down/', views: 3 } ) ] );
	expect( lines.filter( ( l ) => l.includes( 'could not be written' ) ) ).toHaveLength( 1 );
}, 30_000 );

test( 'two nodes writing the same rows at once, met in opposite orders, never deadlock and lose no view', async () => {
	const url = pg.createDatabase();
	const nodes = [ await counter( url, { flushMs: 60_000 } ), await counter( url, { flushMs: 60_000 } ) ];
	const now = Date.now();
	const paths = Array.from( { length: 200 }, ( _, i ) => `/p${ String( i ).padStart( 3, '0' ) }/` );
	for ( let round = 0; round < 10; round++ ) {
		nodes.forEach( ( views, n ) => {
			for ( const path of n === 0 ? paths : [ ...paths ].reverse() ) views.count( { site: SITE.id, at: now, path, referrerHost: '', returning: false } );
		} );
		await Promise.all( nodes.map( ( views ) => views.flush() ) );
	}
	const rows = await nodes[ 0 ].rows( SITE.id, now, now );
	expect( rows.map( ( r ) => r.path ) ).toEqual( paths );
	expect( rows.every( ( r ) => r.views === 20 ) ).toBe( true );
} );

test( 'a database of schema 1 (as the previous version left it) gets the shared tables and keeps its rows', async () => {
	const url = pg.createDatabase();
	pg.psql(
		url,
		`CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now()); INSERT INTO schema_migrations (version) VALUES (1); ${ SCHEMA_1 }
		INSERT INTO stats_hourly (site, hour, kind, count) VALUES ('test', 0, 'chat_started', 3);`
	);
	const b = await policyNode( url );
	await b.policies.set( SITE.id, { defaultMode: 'ephemeral', visitorChoosesMode: false, retentionDays: 7 } );
	expect( pg.psql( url, 'SELECT max(version) FROM schema_migrations' ) ).toBe( String( SCHEMA_VERSION ) );
	expect( pg.psql( url, 'SELECT count FROM stats_hourly' ) ).toBe( '3' );
	expect( pg.psql( url, 'SELECT count(*) FROM site_policies' ) ).toBe( '1' );
} );
