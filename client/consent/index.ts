/**
 * The chat-tracking consent, loaded only where the chat is on the page (not
 * by the loader, and not counted in its budget).
 *
 * `banner` mode: vanilla-cookieconsent v3, bundled here, with one category
 * and one service for the tracking embed. The service's onAccept fetches the
 * tracking embed and starts it in the open page; its onReject stops it at
 * once. No `type="text/plain"` script tags and no reload in either
 * direction. Each decision (first choice, and every change) is logged in
 * WordPress as proof of consent, with the revision and the version of the
 * texts shown. A browser that sends Global Privacy Control is treated as
 * having declined: the banner says so, and tracking never starts.
 *
 * `wpconsent` mode: another consent manager is active; our banner stands
 * down and we follow the WP Consent API (wp_has_consent, and the
 * wp_listen_for_consent_change event) for our category.
 */
import * as CookieConsent from 'vanilla-cookieconsent';
import 'vanilla-cookieconsent/dist/cookieconsent.css';
import { type BannerTexts, type ConsentConfig, type TrackingApi } from '../contract';
import { asHtml } from './as-html';
import { dockBelow, undock } from './dock';
import './consent.css';

declare global {
	interface Navigator {
		globalPrivacyControl?: boolean;
	}
	interface Window {
		wp_has_consent?: ( category: string ) => boolean;
	}
}

/** Name of the cookie that holds the decision itself (essential: it records a refusal too). */
const DECISION_COOKIE = 'consent_chat_consent';

let tracker: Promise< TrackingApi > | undefined;
let wanted = false;

function loadTracking( cfg: ConsentConfig ): Promise< TrackingApi > {
	tracker ??= new Promise< TrackingApi >( ( resolve, reject ) => {
		if ( window.consentChatTracking ) return resolve( window.consentChatTracking );
		const script = document.createElement( 'script' );
		script.src = cfg.tracking.js;
		if ( cfg.nonce ) script.nonce = cfg.nonce;
		script.onload = () => ( window.consentChatTracking ? resolve( window.consentChatTracking ) : reject( new Error( 'tracking' ) ) );
		script.onerror = () => reject( new Error( 'tracking' ) );
		document.head.append( script );
	} );
	tracker.catch( () => ( tracker = undefined ) );
	return tracker;
}

/** Starts or stops the tracking embed; a withdrawal also clears its cookie when it never ran on this page. */
function setTracking( cfg: ConsentConfig, on: boolean ): void {
	wanted = on;
	if ( on ) {
		loadTracking( cfg ).then( ( api ) => wanted && api.start( cfg.tracking ), () => undefined );
		return;
	}
	if ( window.consentChatTracking ) window.consentChatTracking.stop();
	else if ( document.cookie.split( '; ' ).some( ( c ) => c.startsWith( `${ cfg.tracking.cookie }=` ) ) ) {
		document.cookie = `${ cfg.tracking.cookie }=; Max-Age=0; path=/; SameSite=Lax`;
	}
}

/**
 * Logs what the decision means: with Global Privacy Control, tracking is
 * refused whatever the cookie holds (the banner offers no way to tick it, and
 * an old acceptance from before the signal does not count).
 */
function logDecision( cfg: ConsentConfig, action: 'accept' | 'reject' | 'change', gpc: boolean ): void {
	const cookie = CookieConsent.getCookie();
	const body = {
		consentId: cookie.consentId,
		revision: cookie.revision ?? cfg.revision,
		action,
		categories: gpc ? [] : cookie.categories ?? [],
		services: gpc ? [] : cookie.services?.[ cfg.category ] ?? [],
		textVersion: cfg.textVersion,
		lang: cfg.lang,
		gpc,
	};
	void fetch( cfg.logUrl, {
		method: 'POST',
		credentials: 'omit',
		keepalive: true,
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify( body ),
	} ).catch( () => undefined );
}

/**
 * cookieconsent focuses its banner 100 ms after showing it. A visitor who is
 * already working in the page (say, typing in the chat) keeps their focus:
 * the banner takes it only from nowhere.
 */
function keepFocus(): void {
	const until = Date.now() + 1000;
	const guard = ( e: FocusEvent ): void => {
		const from = e.relatedTarget as HTMLElement | null;
		const main = document.getElementById( 'cc-main' );
		if ( Date.now() > until ) {
			document.removeEventListener( 'focusin', guard, true );
		} else if ( from && main?.contains( e.target as Node ) && ! main.contains( from ) ) {
			from.focus();
		}
	};
	document.addEventListener( 'focusin', guard, true );
}

function runBanner( cfg: ConsentConfig, gpc: boolean ): void {
	const plain = cfg.texts;
	// Every text goes in as escaped HTML, except the close button's label: cookieconsent sets that as an attribute.
	const t = Object.fromEntries( Object.entries( plain ).map( ( [ k, v ] ) => [ k, asHtml( v ) ] ) ) as unknown as BannerTexts;
	t.close = plain.close;
	const accepted = (): boolean => ! gpc && CookieConsent.acceptedService( cfg.service, cfg.category );
	void CookieConsent.run( {
		revision: cfg.revision,
		cookie: { name: DECISION_COOKIE, expiresAfterDays: 182 },
		manageScriptTags: false,
		hideFromBots: false,
		disablePageInteraction: false,
		// A bar at the top: it never covers the chat's launcher or window in the bottom corner.
		guiOptions: {
			consentModal: { layout: 'bar inline', position: 'top', equalWeightButtons: true },
			preferencesModal: { layout: 'box', equalWeightButtons: true },
		},
		categories: {
			[ cfg.category ]: {
				enabled: false,
				readOnly: false,
				services: {
					[ cfg.service ]: {
						label: t.categoryLabel,
						onAccept: () => setTracking( cfg, accepted() ),
						onReject: () => setTracking( cfg, false ),
					},
				},
				autoClear: { cookies: [ { name: cfg.tracking.cookie } ], reloadPage: false },
			},
		},
		onFirstConsent: () => logDecision( cfg, accepted() ? 'accept' : 'reject', gpc ),
		onChange: () => logDecision( cfg, 'change', gpc ),
		onModalShow: ( { modalName } ) => {
			if ( modalName !== 'consentModal' ) return;
			keepFocus();
			const bar = document.querySelector< HTMLElement >( '#cc-main .cm' );
			if ( bar ) dockBelow( bar );
		},
		onModalHide: ( { modalName } ) => modalName === 'consentModal' && undock(),
		// The toggle's accessible name is the category title's textContent, taken from our escaped
		// HTML: give it the plain text, as typed.
		onModalReady: ( { modalName, modal } ) => {
			if ( modalName !== 'preferencesModal' ) return;
			modal.querySelectorAll( '.toggle__label' ).forEach( ( label ) => ( label.textContent = plain.categoryLabel ) );
		},
		language: {
			default: cfg.lang,
			translations: {
				[ cfg.lang ]: {
					consentModal: gpc
						? { title: t.title, description: t.gpc, acceptNecessaryBtn: t.gpcOk, showPreferencesBtn: t.preferences }
						: { title: t.title, description: t.description, acceptAllBtn: t.acceptAll, acceptNecessaryBtn: t.rejectAll, showPreferencesBtn: t.preferences },
					preferencesModal: {
						title: t.preferencesTitle,
						acceptAllBtn: gpc ? undefined : t.acceptAll,
						acceptNecessaryBtn: gpc ? t.gpcOk : t.rejectAll,
						savePreferencesBtn: gpc ? undefined : t.save,
						closeIconLabel: t.close,
						// With Global Privacy Control the category is described but has no toggle: the signal
						// is the visitor's answer, and the sentence above says so.
						sections: [
							{ description: gpc ? t.gpc : t.description },
							{ title: t.categoryLabel, description: t.categoryDescription, linkedCategory: gpc ? undefined : cfg.category },
						],
					},
				},
			},
		},
	} ).then( () => {
		document.documentElement.dataset.consentChatConsent = 'ready';
	} );
	window.consentChatConsent = { showSettings: () => CookieConsent.showPreferences() };
	// Not consented (now, or any more after a new revision): nothing of the tracking embed may linger.
	if ( ! accepted() ) setTracking( cfg, false );
}

function runWpConsent( cfg: ConsentConfig, gpc: boolean ): void {
	const has = (): boolean => typeof window.wp_has_consent === 'function' && window.wp_has_consent( cfg.wpCategory );
	setTracking( cfg, ! gpc && has() );
	document.addEventListener( 'wp_listen_for_consent_change', ( e ) => {
		const changed = ( ( e as CustomEvent ).detail ?? {} ) as Record< string, string >;
		if ( cfg.wpCategory in changed ) setTracking( cfg, ! gpc && changed[ cfg.wpCategory ] === 'allow' );
	} );
	document.documentElement.dataset.consentChatConsent = 'ready';
}

const mount = document.querySelector< HTMLElement >( '[data-consent-chat-banner]' );
if ( mount ) {
	const cfg = JSON.parse( mount.dataset.consentChatBanner ?? '{}' ) as ConsentConfig;
	const gpc = navigator.globalPrivacyControl === true;
	if ( cfg.mode === 'wpconsent' ) runWpConsent( cfg, gpc );
	else runBanner( cfg, gpc );
}
