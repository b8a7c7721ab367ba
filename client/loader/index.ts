/**
 * The only script every page loads: draws the launcher (or, for an inline
 * chat, fetches the widget at once) and, when the visitor clicks it, fetches
 * the widget. It makes no request to the chat service, sets no cookie and
 * writes no storage: the greeting, once dismissed, stays dismissed only for
 * this page view.
 */
import { SESSION_KEY, type FrontendConfig, type WidgetApi } from '../contract';
import './launcher.css';

let widget: Promise< WidgetApi > | undefined;

function load( src: string, tag: 'script' | 'link', nonce?: string ): Promise< void > {
	return new Promise( ( resolve, reject ) => {
		const el = document.createElement( tag );
		if ( tag === 'script' ) ( el as HTMLScriptElement ).src = src;
		else Object.assign( el, { rel: 'stylesheet', href: src } );
		if ( nonce ) el.nonce = nonce;
		el.onload = () => resolve();
		el.onerror = () => reject( new Error( src ) );
		document.head.append( el );
	} );
}

function loadWidget( config: FrontendConfig ): Promise< WidgetApi > {
	widget ??= Promise.all( [
		load( config.widget.css, 'link', config.nonce ),
		load( config.widget.js, 'script', config.nonce ),
	] ).then( () => window.consentChatWidget ?? Promise.reject( new Error( 'widget' ) ) );
	widget.catch( () => widget = undefined ); // a failed load may be retried
	return widget;
}

function hasRunningChat(): boolean {
	try {
		return sessionStorage.getItem( SESSION_KEY ) !== null;
	} catch {
		return false; // storage blocked: nothing to resume
	}
}

/** WCAG relative luminance of #rrggbb. */
function luminance( hex: string ): number {
	const [ r, g, b ] = [ 1, 3, 5 ].map( ( i ) => {
		const c = parseInt( hex.slice( i, i + 2 ), 16 ) / 255;
		return c <= 0.04045 ? c / 12.92 : ( ( c + 0.055 ) / 1.055 ) ** 2.4;
	} );
	return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * The site's accent on the mount (the widget reads the same properties), set
 * through the CSSOM, which a strict style-src allows. The label colour is
 * white or #111, whichever contrasts more with the accent: ≥ 4.5:1 except
 * for a narrow band of mid-tones (luminance 0.18–0.2), where it is ≥ 4.3:1.
 */
function applyAppearance( root: HTMLElement, appearance: FrontendConfig[ 'appearance' ] | undefined ): void {
	const accent = appearance?.accent ?? '';
	if ( /^#[0-9a-f]{6}$/i.test( accent ) ) {
		const l = luminance( accent ) + 0.05;
		root.style.setProperty( '--cc-accent', accent );
		root.style.setProperty( '--cc-on-accent', 1.05 / l >= l / 0.0552 ? '#fff' : '#111' );
	}
}

function el< K extends keyof HTMLElementTagNameMap >( tag: K, className: string, text?: string ): HTMLElementTagNameMap[ K ] {
	const node = document.createElement( tag );
	node.className = className;
	if ( text ) node.textContent = text;
	return node;
}

function init( root: HTMLElement ): void {
	const config = JSON.parse( root.dataset.consentChat ?? '{}' ) as FrontendConfig;
	applyAppearance( root, config.appearance );

	// Inline (and the standalone page): the window sits in the page flow, no launcher.
	if ( config.display === 'inline' || config.standalone ) {
		loadWidget( config ).then( ( api ) => api.open( root, config, null ), () => undefined );
		return;
	}

	const left = config.appearance?.position === 'left';
	const button = el( 'button', left ? 'cc-launcher cc-launcher--left' : 'cc-launcher' );
	button.type = 'button';
	button.setAttribute( 'aria-haspopup', 'dialog' );
	button.setAttribute( 'aria-expanded', 'false' );
	button.append( el( 'span', 'cc-launcher__icon' ), config.strings.launcher );

	// The greeting's live region exists from the start (empty, so nothing shows
	// and nothing is said) so that screen readers announce the text when it comes.
	const greeting = el( 'div', left ? 'cc-greeting cc-greeting--left' : 'cc-greeting' );
	greeting.setAttribute( 'aria-live', 'polite' );
	root.append( greeting, button );

	let timer: ReturnType< typeof setTimeout > | undefined;
	const collapse = (): void => {
		clearTimeout( timer );
		greeting.replaceChildren();
	};

	const open = (): void => {
		collapse();
		button.classList.add( 'is-loading' );
		loadWidget( config )
			.then( ( api ) => api.open( root, config, button ), () => undefined )
			.finally( () => button.classList.remove( 'is-loading' ) );
	};
	button.addEventListener( 'click', open );

	if ( hasRunningChat() ) {
		open(); // a chat running in this tab (the visitor reloaded): pick it up at once
	} else if ( config.greeting?.text ) {
		timer = setTimeout( () => {
			if ( button.getAttribute( 'aria-expanded' ) === 'true' ) return;
			const close = el( 'button', 'cc-greeting__close', '×' );
			close.type = 'button';
			close.setAttribute( 'aria-label', config.strings.close );
			close.addEventListener( 'click', () => {
				collapse();
				button.focus();
			} );
			greeting.append( el( 'p', 'cc-greeting__text', config.greeting?.text ), close );
		}, Math.max( 0, config.greeting.delayMs ) );
	}
}

document.querySelectorAll< HTMLElement >( '[data-consent-chat]' ).forEach( init );
