/**
 * The tracking embed's side of the service (sent only after consent): page
 * views over plain HTTP (`POST /track`, counted per hour and path, no visitor
 * id or address written) and the visitor's current page during a chat
 * (`page` frame, memory only, shown to the chat's agent). On both engines.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { externalHost } from '../../server/http-api';
import { POSTGRES_URL } from '../helpers/engine';
import { ORIGIN, startTestService, type TestService } from '../helpers/service';

let svc: TestService;
beforeAll( async () => {
	svc = await startTestService();
} );
afterAll( () => svc.stop() );

/**
 * What the engine keeps of page views: the bytes of the SQLite file (and its
 * WAL), or every page-view row in PostgreSQL as text (postgres-privacy.test.ts
 * greps PostgreSQL's files for the address).
 */
async function keptPageViews(): Promise< string > {
	const files = readdirSync( svc.config.dataDir ).filter( ( f ) => f.startsWith( 'page-views' ) );
	// Each engine keeps them in one place only.
	expect( files.length > 0 ).toBe( ! POSTGRES_URL );
	if ( ! svc.config.databaseUrl ) return files.map( ( f ) => readFileSync( join( svc.config.dataDir, f ) ).toString( 'latin1' ) ).join( '' );
	const db = new Client( { connectionString: svc.config.databaseUrl } );
	await db.connect();
	try {
		const { rows } = await db.query< { row: string } >( 'SELECT t::text AS row FROM page_views_hourly t' );
		return rows.map( ( r ) => r.row ).join( '\n' );
	} finally {
		await db.end();
	}
}

const track = ( body: unknown, origin: string | null = ORIGIN ) =>
	fetch( `http://127.0.0.1:${ svc.port }/track`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...( origin ? { origin } : {} ) },
		body: typeof body === 'string' ? body : JSON.stringify( body ),
	} );

test( 'page views are counted per hour and path, without query, visitor id or address', async () => {
	const view = { site: 'test', path: '/shop/', referrerHost: 'search.example', returning: false };
	expect( ( await track( view ) ).status ).toBe( 204 );
	// The site's own host is not an external referrer, should an embed send it.
	expect( ( await track( { ...view, returning: true, referrerHost: 'site.test' } ) ).status ).toBe( 204 );
	// A query never reaches the counts: it is refused, not trimmed.
	expect( ( await track( { ...view, path: '/shop/?email=a@b.c#x' } ) ).status ).toBe( 400 );
	const { status, body } = await svc.http( 'GET', '/admin/page-views', undefined, svc.token( 'site', 'wp' ) );
	expect( status ).toBe( 200 );
	expect( body.rows ).toEqual( [
		expect.objectContaining( { path: '/shop/', referrerHost: '', views: 1, returning: 1 } ),
		expect.objectContaining( { path: '/shop/', referrerHost: 'search.example', views: 1, returning: 0 } ),
	] );
	const kept = await keptPageViews();
	expect( kept ).toContain( 'search.example' ); // the control: the search finds what is kept
	expect( kept ).not.toContain( 'a@b.c' );
	expect( kept ).not.toContain( '127.0.0.1' );
} );

test( 'bad page views get typed errors and count nothing', async () => {
	const before = ( await svc.http( 'GET', '/admin/page-views', undefined, svc.token( 'site', 'wp' ) ) ).body.rows;
	const cases: Array< [ unknown, string | null, number, string ] > = [
		[ '{nope', ORIGIN, 400, 'bad_json' ],
		[ { site: 'test', path: 'no-slash', returning: false }, ORIGIN, 400, 'bad_request' ],
		[ { site: 'test', path: '/x', returning: 'yes' }, ORIGIN, 400, 'bad_request' ],
		[ { site: 'test', path: '/x', referrerHost: 'x'.repeat( 254 ), returning: false }, ORIGIN, 400, 'bad_request' ],
		[ { site: 'nope', path: '/x', returning: false }, ORIGIN, 404, 'not_found' ],
		[ { site: 'test', path: '/x', returning: false }, 'https://evil.example', 403, 'bad_origin' ],
		[ { site: 'test', path: '/x', returning: false }, null, 403, 'bad_origin' ],
		[ { site: 'test', path: '/x', returning: false, pad: 'x'.repeat( 20_000 ) }, ORIGIN, 413, 'too_large' ],
	];
	for ( const [ body, origin, status, error ] of cases ) {
		const res = await track( body, origin );
		expect( { status: res.status, error: ( ( await res.json() ) as { error: string } ).error } ).toEqual( { status, error } );
	}
	expect( ( await svc.http( 'GET', '/admin/page-views', undefined, svc.token( 'site', 'wp' ) ) ).body.rows ).toEqual( before );
	expect( ( await svc.http( 'GET', '/admin/page-views', undefined, svc.token( 'visitor', 'v' ) ) ).status ).toBe( 403 );
} );

/*
 * The body holds exactly what is kept. Anything more is refused rather than
 * dropped: an embed that sends a title, a full referrer or its clock is a
 * privacy bug (or outdated), and a 400 shows it where silence would hide it.
 */
test( 'a page view with more than is kept (title, full referrer, client time, query, any other key) is refused and counts nothing', async () => {
	const before = ( await svc.http( 'GET', '/admin/page-views', undefined, svc.token( 'site', 'wp' ) ) ).body.rows;
	const view = { site: 'test', path: '/more/', returning: false };
	expect( ( await track( view ) ).status ).toBe( 204 );
	const refused: Array< [ Record< string, unknown >, string ] > = [
		[ { ...view, title: 'Order 4711 for Jane Doe' }, 'title' ],
		[ { ...view, referrer: 'https://search.example/?q=jane+doe' }, 'referrer' ],
		[ { ...view, at: Date.now() }, 'at' ],
		[ { ...view, visitorId: 'abc' }, 'visitorId' ],
		[ { ...view, referrerHost: 'https://search.example/?q=jane' }, 'referrerHost' ],
		[ { ...view, path: '/more/?q=jane' }, 'path' ],
		[ { ...view, path: '/more/#jane' }, 'path' ],
	];
	for ( const [ body, key ] of refused ) {
		const res = await track( body );
		const raw = await res.text(); // empty for a 204
		const answer = ( raw ? JSON.parse( raw ) : {} ) as { error?: string; message?: string };
		expect( { key, status: res.status, error: answer.error } ).toEqual( { key, status: 400, error: 'bad_request' } );
		expect( answer.message?.startsWith( `${ key }: ` ) ).toBe( true );
	}
	const after = ( await svc.http( 'GET', '/admin/page-views', undefined, svc.token( 'site', 'wp' ) ) ).body.rows as Array< { path: string; views: number } >;
	// Only the one good view was counted.
	const views = ( rows: Array< { path: string; views: number } > ) => rows.filter( ( r ) => r.path === '/more/' ).reduce( ( n, r ) => n + r.views, 0 );
	expect( views( after ) - views( before ) ).toBe( 1 );
} );

test( 'externalHost keeps only a host that is not one of the site’s own', () => {
	expect( externalHost( undefined, [ ORIGIN ] ) ).toBe( '' );
	expect( externalHost( 'a.example', [ ORIGIN ] ) ).toBe( 'a.example' );
	expect( externalHost( 'site.test', [ ORIGIN ] ) ).toBe( '' );
	expect( externalHost( 'site.test.', [ ORIGIN ] ) ).toBe( '' );
	expect( externalHost( 'www.site.test', [ ORIGIN, 'https://www.site.test' ] ) ).toBe( '' );
} );

test( 'the visitor’s current page reaches the chat’s agent, only from the visitor, and is cleared on withdrawal', async () => {
	const agent = await svc.connect( 'agent', 'wp:7', 'Pia' );
	agent.send( { type: 'presence', online: true } );
	await agent.next( 'presence', ( p ) => p.online );
	const visitor = await svc.connect( 'visitor', 'v_page' );
	visitor.send( { type: 'start', clientId: 'p1', text: 'Where is the shop?' } );
	const { chat } = await visitor.next( 'started' );
	await agent.next( 'chat', ( c ) => c.chat.id === chat.id && c.chat.status === 'active' );

	visitor.send( { type: 'page', chatId: chat.id, page: { path: '/shop/', title: 'Shop' } } );
	const seen = await agent.next( 'chat', ( c ) => c.chat.id === chat.id && c.chat.page !== undefined );
	expect( seen.chat.page ).toEqual( { path: '/shop/', title: 'Shop' } );

	// The pages of this visit, in order, the same page not twice in a row.
	visitor.send( { type: 'page', chatId: chat.id, page: { path: '/shop/', title: 'Shop' } } );
	visitor.send( { type: 'page', chatId: chat.id, page: { path: '/shop/shoes/', title: 'Shoes' } } );
	const walked = await agent.next( 'chat', ( c ) => c.chat.id === chat.id && c.chat.page?.path === '/shop/shoes/' );
	expect( walked.chat.pages?.map( ( p ) => p.path ) ).toEqual( [ '/shop/', '/shop/shoes/' ] );

	visitor.send( { type: 'page', chatId: chat.id, page: null } );
	const withdrawn = await agent.next( 'chat', ( c ) => c.chat.id === chat.id && c.chat.page === undefined );
	expect( withdrawn.chat.pages ).toBeUndefined();

	// Typed errors: a bad path, an agent sending it, another chat.
	visitor.send( { type: 'page', chatId: chat.id, page: { path: 'shop', title: '' } } as never );
	expect( await visitor.next( 'error' ) ).toMatchObject( { code: 'bad_frame' } );
	agent.send( { type: 'page', chatId: chat.id, page: { path: '/x', title: '' } } );
	expect( await agent.next( 'error' ) ).toMatchObject( { code: 'forbidden' } );
	visitor.send( { type: 'page', chatId: 'someone-else', page: { path: '/x', title: '' } } );
	expect( await visitor.next( 'error' ) ).toMatchObject( { code: 'not_found' } );

	// Never written: the chat's record has no trace of the page.
	expect( JSON.stringify( await svc.store.getChat( chat.id ) ) ).not.toContain( '/shop/' );
	agent.send( { type: 'end', chatId: chat.id } );
	agent.close();
	visitor.close();
} );
