/**
 * @jest-environment jsdom
 *
 * The tracking embed and the widget's page sharing, in isolation: start sets
 * the visitor id cookie and sends exactly one page view (no query, id or title);
 * stop sends nothing more, deletes the cookie and tells the widget, which
 * tells the agent `page: null` — and shares nothing while tracking is off.
 */
import { TRACKING_EVENT, type TrackingConfig } from '../../client/contract';
import { PageShare } from '../../client/widget/page-share';

const cfg: TrackingConfig = { js: '/t.js', site: 'demo', serviceHttp: 'http://svc.test', cookie: 'consent_chat_vid', cookieDays: 180 };
const fetchMock = jest.fn( () => Promise.resolve( { ok: true, status: 204 } ) );

beforeAll( () => {
	( globalThis as unknown as { fetch: unknown } ).fetch = fetchMock;
	window.history.replaceState( null, '', '/shop/?email=a@b.c' );
	document.title = 'Shop';
	jest.isolateModules( () => {
		require( '../../client/tracking/index' );
	} );
} );

const cookies = (): string[] => document.cookie.split( '; ' ).filter( Boolean ).map( ( c ) => c.split( '=' )[ 0 ] );

test( 'start: one page view without query or id, and the id cookie; stop: nothing more, cookie gone', () => {
	const api = window.consentChatTracking!;
	const events: boolean[] = [];
	document.addEventListener( TRACKING_EVENT, ( e ) => events.push( ( e as CustomEvent ).detail.active ) );
	expect( api.active ).toBe( false );
	expect( cookies() ).toEqual( [] );

	api.start( cfg );
	api.start( cfg ); // idempotent
	expect( api.active ).toBe( true );
	expect( fetchMock ).toHaveBeenCalledTimes( 1 );
	const [ url, init ] = fetchMock.mock.calls[ 0 ] as unknown as [ string, RequestInit ];
	expect( url ).toBe( 'http://svc.test/track' );
	expect( init ).toMatchObject( { method: 'POST', credentials: 'omit' } );
	const body = JSON.parse( String( init.body ) );
	// Exactly what is kept: no title, no time, no referrer (jsdom's page has none).
	expect( body ).toStrictEqual( { site: 'demo', path: '/shop/', returning: false } );
	expect( JSON.stringify( body ) ).not.toContain( 'a@b.c' );
	const id = document.cookie.match( /consent_chat_vid=([0-9a-f]{32})/ )?.[ 1 ];
	expect( id ).toBeDefined();
	expect( JSON.stringify( body ) ).not.toContain( id );

	api.stop();
	expect( api.active ).toBe( false );
	expect( cookies() ).toEqual( [] );
	expect( fetchMock ).toHaveBeenCalledTimes( 1 );
	expect( events ).toEqual( [ true, false ] );

	// A second start (consent given again) knows nothing of the old id.
	api.start( cfg );
	expect( JSON.parse( String( ( fetchMock.mock.calls[ 1 ] as unknown as [ string, RequestInit ] )[ 1 ].body ) ).returning ).toBe( false );
	api.stop();
} );

test( 'the widget shares the current page only while tracking runs, and says null on withdrawal', () => {
	const sent: unknown[] = [];
	const share = new PageShare( ( f ) => sent.push( f ) );
	share.running( 'chat1' );
	expect( sent ).toEqual( [] ); // tracking off: nothing

	window.consentChatTracking!.start( cfg );
	expect( sent ).toEqual( [ { type: 'page', chatId: 'chat1', page: { path: '/shop/', title: 'Shop' } } ] );
	window.consentChatTracking!.stop();
	expect( sent.at( -1 ) ).toEqual( { type: 'page', chatId: 'chat1', page: null } );

	// A chat that starts while tracking runs shares at once; after it ends, nothing.
	window.consentChatTracking!.start( cfg );
	share.running( 'chat2' );
	expect( sent.at( -1 ) ).toMatchObject( { chatId: 'chat2', page: { path: '/shop/' } } );
	share.stopped();
	const count = sent.length;
	window.consentChatTracking!.stop();
	expect( sent ).toHaveLength( count );
} );

test( 'the referrer leaves the page only as a host, and only when it is another site', () => {
	const api = window.consentChatTracking!;
	const bodies: unknown[] = [];
	for ( const referrer of [ 'https://search.example/results?q=jane+doe', `${ location.origin }/cart/?order=4711`, 'android-app://com.example/' ] ) {
		Object.defineProperty( document, 'referrer', { value: referrer, configurable: true } );
		fetchMock.mockClear();
		api.start( cfg );
		bodies.push( JSON.parse( String( ( fetchMock.mock.calls[ 0 ] as unknown as [ string, RequestInit ] )[ 1 ].body ) ) );
		api.stop();
	}
	expect( bodies ).toEqual( [
		{ site: 'demo', path: '/shop/', referrerHost: 'search.example', returning: false },
		{ site: 'demo', path: '/shop/', returning: false },
		{ site: 'demo', path: '/shop/', returning: false },
	] );
} );
