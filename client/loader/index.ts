/**
 * The only script every page loads: draws the launcher (or, for an inline
 * chat, fetches the widget at once) and, when the visitor clicks it, fetches
 * the widget. It makes no request to the chat service, sets no cookie and
 * writes no storage: the greeting, once dismissed, stays dismissed only for
 * this page view.
 */
import { SESSION_KEY, type FrontendConfig, type WidgetApi } from '../contract';
import { applyAppearance, drawLauncher, showGreeting } from './launcher';
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

function init( root: HTMLElement ): void {
	const config = JSON.parse( root.dataset.consentChat ?? '{}' ) as FrontendConfig;
	applyAppearance( root, config.appearance );

	// Inline (and the standalone page): the window sits in the page flow, no launcher.
	if ( config.display === 'inline' || config.standalone ) {
		loadWidget( config ).then( ( api ) => api.open( root, config, null ), () => undefined );
		return;
	}

	const { button, greeting } = drawLauncher( root, config );

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
			if ( button.getAttribute( 'aria-expanded' ) !== 'true' ) {
				showGreeting( greeting, config.greeting?.text ?? '', config.strings.close, () => {
					collapse();
					button.focus();
				} );
			}
		}, Math.max( 0, config.greeting.delayMs ) );
	}
}

/**
 * One chat per page. A Chat block and the site-wide launcher (PHP already
 * leaves the latter out where a block rendered), two blocks, or this script
 * included twice would otherwise give two launchers and two windows fighting
 * over the same tab's running chat. A block's mount wins over the site-wide
 * one, wherever each sits, since the block carries the page's own settings;
 * every other mount stays empty.
 */
if ( ! document.querySelector( '[data-consent-chat-started]' ) ) {
	const root =
		document.querySelector< HTMLElement >( '[data-consent-chat]:not([data-consent-chat-sitewide])' ) ??
		document.querySelector< HTMLElement >( '[data-consent-chat]' );
	if ( root ) {
		root.dataset.consentChatStarted = '';
		init( root );
	}
}
