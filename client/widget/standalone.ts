/**
 * The standalone page's top bar (native apps' WebViews and direct links):
 * language and close, large enough to hit with a thumb.
 */
import type { FrontendConfig } from '../contract';
import { h } from './dom';

export function standaloneBar( config: FrontendConfig, onClose: () => void ): HTMLElement {
	const s = config.strings;
	const languages = config.standalone?.languages ?? {};
	const id = `cc-lang-${ Math.random().toString( 36 ).slice( 2, 8 ) }`;
	const select = h(
		'select',
		{ id, className: 'cc-lang' },
		...Object.entries( languages ).map( ( [ locale, name ] ) =>
			h( 'option', { value: locale, selected: locale === config.lang }, name )
		)
	);
	select.addEventListener( 'change', () => {
		// The texts come from WordPress in the chosen language: load the page in it.
		// A running chat survives (sessionStorage), so nothing is lost.
		const url = new URL( location.href );
		url.searchParams.set( 'lang', select.value );
		location.assign( url );
	} );
	return h(
		'div',
		{ className: 'cc-topbar' },
		Object.keys( languages ).length > 1
			? h( 'div', { className: 'cc-topbar__lang' }, h( 'label', { for: id, className: 'cc-visually-hidden' }, s.language ), select )
			: null,
		h( 'button', { type: 'button', className: 'cc-topbar__close', onClick: onClose }, s.close )
	);
}

/** Standalone page: the app closes the WebView; tell it (and a parent frame), so it can come back to a sleeping chat. */
export function tellAppClosed( chatWindow: HTMLElement ): void {
	chatWindow.dispatchEvent( new CustomEvent( 'consent-chat:close', { bubbles: true } ) );
	if ( window.parent !== window ) window.parent.postMessage( { type: 'consent-chat:close' }, '*' );
}
