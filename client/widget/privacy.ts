/**
 * The privacy information: a § link that opens the privacy officer's text in
 * a flyout inside the chat window, or the site's privacy page in a new tab.
 * Beside it, wherever our cookie banner runs, "Privacy settings": withdrawing
 * consent must be as easy as giving it (GDPR Art. 7(3)), and once answered
 * the banner is gone, so the chat window is where a visitor finds it again.
 */
import type { PrivacyConfig, WidgetStrings } from '../contract';
import { h } from './dom';
import { renderMarkdown } from './markdown';

export class PrivacyFlyout {
	private panel: HTMLElement | null = null;
	private opener: HTMLElement | null = null;

	constructor(
		private readonly host: HTMLElement,
		private readonly config: PrivacyConfig,
		private readonly s: WidgetStrings
	) {}

	/** The § link, or null where the site shows no privacy information. */
	link( withLabel: boolean ): HTMLElement | null {
		const { mode, url } = this.config;
		const content = [
			h( 'span', { className: 'cc-para', 'aria-hidden': 'true' }, '§' ),
			withLabel ? ` ${ this.s.privacy }` : null,
		];
		if ( mode === 'url' && url ) {
			return h(
				'a',
				{ className: 'cc-privacy', href: url, target: '_blank', rel: 'noopener noreferrer', 'aria-label': `${ this.s.privacyInfo } ${ this.s.newTab }` },
				...content
			);
		}
		if ( mode !== 'text' || ! this.config.text ) return null;
		const button = h(
			'button',
			{ type: 'button', className: 'cc-privacy', 'aria-label': this.s.privacyInfo, 'aria-expanded': 'false' },
			...content
		);
		button.addEventListener( 'click', () => this.open( button ) );
		return button;
	}

	/**
	 * The "Privacy settings" button, or null where our banner does not run
	 * (another consent manager offers its own, or the page has no banner).
	 */
	settingsButton(): HTMLElement | null {
		if ( ! window.consentChatConsent ) return null;
		return h(
			'button',
			{ type: 'button', className: 'cc-link cc-privacy-settings', 'aria-haspopup': 'dialog', onClick: () => window.consentChatConsent?.showSettings() },
			this.s.privacySettings
		);
	}

	/** The § link and the settings button as one line, or null when there is neither. */
	line( withLabel: boolean ): HTMLElement | null {
		const parts = [ this.link( withLabel ), this.settingsButton() ].filter( ( el ): el is HTMLElement => el !== null );
		return parts.length ? h( 'p', { className: 'cc-privacy-line' }, ...parts ) : null;
	}

	get isOpen(): boolean {
		return this.panel !== null;
	}

	open( opener: HTMLElement ): void {
		if ( this.panel ) return;
		this.opener = opener;
		opener.setAttribute( 'aria-expanded', 'true' );
		const headingId = `cc-privacy-${ Math.random().toString( 36 ).slice( 2, 8 ) }`;
		const close = h( 'button', { type: 'button', className: 'cc-button', onClick: () => this.close() }, this.s.privacyClose );
		this.panel = h(
			'section',
			{ className: 'cc-flyout', 'aria-labelledby': headingId, tabindex: -1 },
			h( 'h3', { id: headingId, className: 'cc-flyout__title' }, this.s.privacyInfo ),
			h( 'div', { className: 'cc-flyout__text cc-md' }, renderMarkdown( this.config.text, this.s.newTab ) ),
			h( 'div', { className: 'cc-actions' }, close, this.settingsButton() )
		);
		this.host.append( this.panel );
		this.panel.focus();
	}

	/** Returns focus to the § link it was opened from. */
	close(): void {
		if ( ! this.panel ) return;
		this.panel.remove();
		this.panel = null;
		this.opener?.setAttribute( 'aria-expanded', 'false' );
		if ( this.opener?.isConnected ) this.opener.focus();
	}
}
