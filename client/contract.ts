/**
 * What PHP hands the loader (the block's data-consent-chat attribute, built
 * by ConsentChat\Assets::frontend_config) and what the loader hands the
 * widget once it has fetched it.
 */
export interface FrontendConfig {
	widget: { js: string; css: string };
	/** POST here for a visitor ticket: { token, expires, service }. */
	tokenUrl: string;
	dept: string;
	direct: boolean;
	lang: string;
	strings: WidgetStrings;
	/** CSP nonce for the script and style the loader adds, where the site uses one. */
	nonce?: string;
}

export interface WidgetStrings {
	launcher: string;
	title: string;
	close: string;
	intro: string;
	messageLabel: string;
	start: string;
	send: string;
	waiting: string;
	/** Contains %s for the agent's name. */
	joined: string;
	left: string;
	ended: string;
	you: string;
	agent: string;
	connecting: string;
	reconnecting: string;
	failed: string;
	code: string;
	endChat: string;
	newChat: string;
	sending: string;
}

/** The widget bundle sets `window.consentChatWidget` to this when it loads. */
export interface WidgetApi {
	open( root: HTMLElement, config: FrontendConfig, launcher: HTMLButtonElement ): void;
}

/** sessionStorage key of a running chat (per tab; written only once a chat starts). */
export const SESSION_KEY = 'consent-chat';

declare global {
	interface Window {
		consentChatWidget?: WidgetApi;
	}
}
