/**
 * Draws the launcher and its greeting bubble. Shared by the loader (visitors'
 * pages) and the Chat block's editor preview, so the editor shows the very
 * elements visitors get. No network, no storage.
 */
import type { FrontendConfig } from '../contract';

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
export function applyAppearance( root: HTMLElement, appearance: FrontendConfig[ 'appearance' ] | undefined ): void {
	const accent = appearance?.accent ?? '';
	if ( /^#[0-9a-f]{6}$/i.test( accent ) ) {
		const l = luminance( accent ) + 0.05;
		root.style.setProperty( '--cc-accent', accent );
		root.style.setProperty( '--cc-on-accent', 1.05 / l >= l / 0.0552 ? '#fff' : '#111' );
	}
}

export function el< K extends keyof HTMLElementTagNameMap >( tag: K, className: string, text?: string ): HTMLElementTagNameMap[ K ] {
	const node = document.createElement( tag );
	node.className = className;
	if ( text ) node.textContent = text;
	return node;
}

/**
 * The launcher button and, before it, the greeting's live region. The region
 * exists from the start (empty, so nothing shows and nothing is said) so that
 * screen readers announce the text when it comes.
 */
export function drawLauncher( root: HTMLElement, config: FrontendConfig ): { button: HTMLButtonElement; greeting: HTMLElement } {
	const side = config.appearance?.position === 'left' ? ' cc-launcher--left' : '';
	const button = el( 'button', 'cc-launcher' + side );
	button.type = 'button';
	button.setAttribute( 'aria-haspopup', 'dialog' );
	button.setAttribute( 'aria-expanded', 'false' );
	button.append( el( 'span', 'cc-launcher__icon' ), config.strings.launcher );
	const greeting = el( 'div', 'cc-greeting' + ( side ? ' cc-greeting--left' : '' ) );
	greeting.setAttribute( 'aria-live', 'polite' );
	root.append( greeting, button );
	return { button, greeting };
}

/** Fills the greeting bubble: its text and a close button. */
export function showGreeting( region: HTMLElement, text: string, closeLabel: string, onClose: () => void ): void {
	const close = el( 'button', 'cc-greeting__close', '×' );
	close.type = 'button';
	close.setAttribute( 'aria-label', closeLabel );
	close.addEventListener( 'click', onClose );
	region.replaceChildren( el( 'p', 'cc-greeting__text', text ), close );
}
