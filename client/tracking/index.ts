/**
 * The tracking embed. Never on a page by itself: the consent bundle fetches
 * it once the visitor accepts chat tracking (or the site's consent manager
 * reports that consent), and calls start(); on withdrawal it calls stop(),
 * which ends everything at once in the open page.
 *
 * While running: a first-party cookie with a random visitor id (only to
 * tell a returning visitor; the id is never sent), one page view per page
 * (path without query, title, referrer, time) to the chat service's
 * `/track`, and the widget may tell the agent the visitor's current page.
 */
import { TRACKING_EVENT, type TrackingApi, type TrackingConfig } from '../contract';

let config: TrackingConfig | null = null;
let inflight: AbortController | null = null;

function readCookie( name: string ): string | null {
	const hit = document.cookie.split( '; ' ).find( ( c ) => c.startsWith( `${ name }=` ) );
	return hit ? hit.slice( name.length + 1 ) : null;
}

function randomId(): string {
	const bytes = crypto.getRandomValues( new Uint8Array( 16 ) );
	return [ ...bytes ].map( ( b ) => b.toString( 16 ).padStart( 2, '0' ) ).join( '' );
}

/** Deletes the cookie for this path and the site's root, on this host and its parent domain. */
function deleteCookie( name: string ): void {
	const host = location.hostname;
	const domains = [ '', `; domain=${ host }`, `; domain=.${ host.split( '.' ).slice( -2 ).join( '.' ) }` ];
	for ( const domain of domains ) {
		for ( const path of [ '/', location.pathname ] ) {
			document.cookie = `${ name }=; Max-Age=0; path=${ path }${ domain }; SameSite=Lax`;
		}
	}
}

function announce( active: boolean ): void {
	document.dispatchEvent( new CustomEvent( TRACKING_EVENT, { detail: { active } } ) );
}

const api: TrackingApi = {
	get active() {
		return config !== null;
	},
	start( c ) {
		if ( config ) return;
		config = c;
		const returning = readCookie( c.cookie ) !== null;
		const secure = location.protocol === 'https:' ? '; Secure' : '';
		document.cookie = `${ c.cookie }=${ returning ? readCookie( c.cookie ) : randomId() }; Max-Age=${ c.cookieDays * 86400 }; path=/; SameSite=Lax${ secure }`;
		inflight = new AbortController();
		// text/plain keeps it a simple request (no preflight); no credentials, no cookie goes along.
		void fetch( `${ c.serviceHttp }/track`, {
			method: 'POST',
			credentials: 'omit',
			keepalive: true,
			signal: inflight.signal,
			headers: { 'content-type': 'text/plain' },
			body: JSON.stringify( {
				site: c.site,
				path: location.pathname.slice( 0, 500 ),
				title: document.title.slice( 0, 200 ),
				referrer: document.referrer.slice( 0, 2000 ) || undefined,
				returning,
				at: Date.now(),
			} ),
		} ).catch( () => undefined );
		announce( true );
	},
	stop() {
		const c = config;
		config = null;
		inflight?.abort();
		inflight = null;
		if ( c ) deleteCookie( c.cookie );
		announce( false );
	},
};

window.consentChatTracking = api;
