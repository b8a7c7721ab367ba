/**
 * The tracking embed. Never on a page by itself: the consent bundle fetches
 * it once the visitor accepts chat tracking (or the site's consent manager
 * reports that consent), and calls start(); on withdrawal it calls stop(),
 * which ends everything at once in the open page.
 *
 * While running: a first-party cookie with a random visitor id (only to
 * tell a returning visitor; the id is never sent), one page view per page
 * to the chat service's `/track` holding only what the service keeps (path
 * without query, the referring host where it is another site, whether the
 * visitor came before), and the widget may tell the agent the visitor's
 * current page.
 */
import type { TrackBody } from '../../server/protocol';
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

/**
 * The referring page's host where it is another site's; undefined for none,
 * this site itself, or a non-web referrer. The service counts nothing finer,
 * so the full address (path, query: often a search term) never leaves.
 */
function externalReferrerHost(): string | undefined {
	if ( ! document.referrer ) return undefined;
	try {
		const url = new URL( document.referrer );
		if ( url.protocol !== 'http:' && url.protocol !== 'https:' ) return undefined;
		return url.origin === location.origin ? undefined : url.hostname.slice( 0, 253 ) || undefined;
	} catch {
		return undefined;
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
		// Exactly the protocol's page view: the type refuses any extra key at compile time, the service at run time.
		const view: TrackBody = {
			site: c.site,
			path: location.pathname.slice( 0, 500 ),
			referrerHost: externalReferrerHost(),
			returning,
		};
		// text/plain keeps it a simple request (no preflight); no credentials, no cookie goes along.
		void fetch( `${ c.serviceHttp }/track`, {
			method: 'POST',
			credentials: 'omit',
			keepalive: true,
			signal: inflight.signal,
			headers: { 'content-type': 'text/plain' },
			body: JSON.stringify( view ),
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
