/**
 * What PHP hands the loader (the block's data-consent-chat attribute, built
 * by ConsentChat\Assets::frontend_config) and what the loader hands the
 * widget once it has fetched it.
 */
export interface FrontendConfig {
	widget: { js: string; css: string };
	/** POST here for a visitor ticket: { token, expires, service }. */
	tokenUrl: string;
	/** The site's id at the chat service, and the service's HTTP base URL (availability, delete, contact). */
	site: string;
	serviceHttp: string;
	dept: string;
	direct: boolean;
	lang: string;
	strings: WidgetStrings;
	/** CSP nonce for the script and style the loader adds, where the site uses one. */
	nonce?: string;
	/** Shown to the agent with the incoming chat (the standalone page's `from`). */
	from?: string;
	privacy: PrivacyConfig;
	/** The mandatory consent checkbox; null where the site set no consent text. */
	consent: { text: string; version: string } | null;
	prechat: FormField[];
	storage: { defaultMode: 'stored' | 'ephemeral'; visitorChooses: boolean };
	/** The offline contact form's fields (labels already in the page's language). */
	contact: FormField[];
	/** Launcher greeting that expands after a delay; null: none. */
	greeting: { text: string; delayMs: number } | null;
	/** Home screen before the start window; null: straight to the start window. */
	home: { welcome: string; suggestions: string[] } | null;
}

export interface PrivacyConfig {
	/** `text`: shown in a flyout inside the window; `url`: the privacy page, in a new tab. */
	mode: 'text' | 'url' | 'none';
	/** Markdown (rendered sanitised) for `text`. */
	text: string;
	url: string;
	/** Also link it in the running chat, not only in the start window. */
	inChat: boolean;
}

export interface FormField {
	id: string;
	label: string;
	type: 'text' | 'email' | 'textarea' | 'checkbox';
	required: boolean;
	/** An opt-in checkbox: its label and version are stored with the submission as proof. */
	optIn?: boolean;
	version?: string;
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
