/**
 * Previews in wp-admin (the block editor, Settings → Consent Chat), drawn
 * with the visitors' own code: the loader's
 * launcher and greeting bubble, and the widget's home screen or start window
 * (title, § privacy link, consent checkbox, start button), styled by the same
 * CSS. Nothing here opens a connection or fetches anything: those are the
 * loader's click handler and the chat window's open(), neither used here.
 */
import type { FrontendConfig } from '../contract';
import { applyAppearance, drawLauncher, showGreeting } from '../loader/launcher';
import { h } from '../widget/dom';
import { PrivacyFlyout } from '../widget/privacy';
import { homeView, startView } from '../widget/start-view';
import '../loader/launcher.css';
import '../widget/window.css';
import './preview.css';

let uid = 0;

/** Draws the preview of `config` into `root`, replacing what was there. */
export function renderPreview( root: HTMLElement, config: FrontendConfig ): void {
	root.replaceChildren();
	root.style.removeProperty( '--cc-accent' );
	root.style.removeProperty( '--cc-on-accent' );
	applyAppearance( root, config.appearance );
	if ( config.display === 'inline' ) {
		root.append( windowPreview( config ) );
		return;
	}
	// A small stand-in for the visitor's screen: the launcher sits in its corner.
	const stage = h( 'div', { className: 'consent-chat-preview__stage' } );
	root.append( stage );
	const { greeting } = drawLauncher( stage, config );
	// Shown at once here: the editor is looking at the text, not waiting for it.
	if ( config.greeting ) showGreeting( greeting, config.greeting.text, config.strings.close, () => undefined );
}

/** The inline window as it first shows: the home screen where the site has one, else the start window. */
function windowPreview( config: FrontendConfig ): HTMLElement {
	const s = config.strings;
	const titleId = `cc-preview-title-${ ++uid }`;
	const body = h( 'div', { className: 'cc-body' } );
	const win = h(
		'div',
		{ className: 'cc-window cc-window--inline', role: 'region', 'aria-labelledby': titleId, lang: config.lang.replace( '_', '-' ) },
		h( 'div', { className: 'cc-header' }, h( 'h2', { id: titleId, className: 'cc-title' }, s.title ) ),
		body
	);
	const privacy = new PrivacyFlyout( win, config.privacy, s );
	body.append( config.home ? homeView( config, () => undefined ) : startView( config, privacy, () => undefined ).form );
	return win;
}
