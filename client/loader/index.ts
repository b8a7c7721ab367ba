/**
 * The only script every page loads: draws the launcher and, when the
 * visitor clicks it, fetches the widget. It makes no request to the chat
 * service, sets no cookie and writes no storage.
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
	return widget;
}

function hasRunningChat(): boolean {
	try {
		return sessionStorage.getItem( SESSION_KEY ) !== null;
	} catch {
		return false; // storage blocked: nothing to resume
	}
}

function init( root: HTMLElement ): void {
	const config = JSON.parse( root.dataset.consentChat ?? '{}' ) as FrontendConfig;
	const button = document.createElement( 'button' );
	button.type = 'button';
	button.className = 'cc-launcher';
	button.setAttribute( 'aria-haspopup', 'dialog' );
	button.setAttribute( 'aria-expanded', 'false' );
	const icon = document.createElement( 'span' );
	icon.className = 'cc-launcher__icon';
	button.append( icon, config.strings.launcher );
	root.append( button );
	const open = (): void => {
		button.classList.add( 'is-loading' );
		loadWidget( config )
			.then( ( api ) => api.open( root, config, button ) )
			.catch( () => widget = undefined )
			.finally( () => button.classList.remove( 'is-loading' ) );
	};
	button.addEventListener( 'click', open );
	// A chat running in this tab (the visitor reloaded): pick it up at once.
	if ( hasRunningChat() ) open();
}

document.querySelectorAll< HTMLElement >( '[data-consent-chat]' ).forEach( init );
