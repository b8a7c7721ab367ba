/**
 * What PHP hands the loader (the block's data-consent-chat attribute, built
 * by ConsentChat\Assets::frontend_config) and what the loader hands the
 * widget once it has fetched it. PHP builds exactly this shape; every text
 * in it is already in the page's language.
 */
export interface FrontendConfig {
	widget: { js: string; css: string };
	/** POST here for a visitor ticket: { token, expires, service }. */
	tokenUrl: string;
	/** The site's id at the chat service. */
	site: string;
	/** The service's HTTP base URL (availability, delete, contact), e.g. http://host:8787. */
	serviceHttp: string;
	dept: string;
	/** Skip the pre-chat form (URL parameter `direct=1`, or the block's "start directly"). */
	direct: boolean;
	/** BCP 47-ish locale of the texts, e.g. `de_DE`; the window's `lang` attribute. */
	lang: string;
	strings: WidgetStrings;
	/** CSP nonce for the script and style the loader adds, where the site uses one. */
	nonce?: string;
	/** Shown to the agent with the incoming chat (the standalone page's `from`). */
	from?: string;
	privacy: PrivacyConfig;
	/** The mandatory consent checkbox; null where the site set no consent text. */
	consent: { text: string; version: string } | null;
	/** Pre-chat form fields (empty: none). The input stays in the browser until "Start chat". */
	prechat: FormField[];
	storage: {
		defaultMode: 'stored' | 'ephemeral';
		/** The visitor may pick "store nothing" for this chat. */
		visitorChooses: boolean;
		/** Retention of stored chats, for the notice. */
		retentionDays: number;
	};
	/** The offline contact form's extra fields (labels already in the page's language). */
	contact: FormField[];
	/** Launcher greeting that expands after a delay; null: none. */
	greeting: { text: string; delayMs: number } | null;
	/** Home screen before the start window; null: straight to the start window. */
	home: { welcome: string; suggestions: string[] } | null;
	appearance: {
		/** CSS colour of the launcher, header and buttons (#rrggbb). */
		accent: string;
		position: 'right' | 'left';
	};
	/** `launcher`: a corner button; `inline`: the window sits in the page ("tab on the page"). */
	display: 'launcher' | 'inline';
	/** The standalone page (native apps' WebViews): full-screen, with a top bar. */
	standalone?: StandaloneConfig;
}

export interface StandaloneConfig {
	/** Pick up a running chat (URL parameters `chat` and `code`). */
	resume?: { chatId: string; code: string };
	/** Languages offered in the top bar: locale → native name; the URL to switch is built with `lang`. */
	languages: Record< string, string >;
}

export interface PrivacyConfig {
	/** `text`: shown in a flyout inside the window; `url`: the privacy page, in a new tab; `none`: no link. */
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

/** Every fixed text the visitor sees; translated by PHP (English source, German shipped). */
export interface WidgetStrings {
	launcher: string;
	title: string;
	close: string;
	intro: string;
	messageLabel: string;
	start: string;
	send: string;
	waiting: string;
	/** The chat's agent lost its connection for now (ChatView.agentAway). */
	agentAway: string;
	/** Contains %d for the place in the queue. */
	position: string;
	/** Contains %s for the agent's name. */
	joined: string;
	left: string;
	/** Contains %s for the new agent's name. */
	transferred: string;
	ended: string;
	/** The chat ended after inactivity. */
	timeout: string;
	memoryLost: string;
	you: string;
	agent: string;
	/** Contains %s for the agent's name. */
	typing: string;
	connecting: string;
	reconnecting: string;
	reconnect: string;
	failed: string;
	code: string;
	/** Why the code matters: with it the visitor can delete the chat later. */
	codeHelp: string;
	copy: string;
	copied: string;
	endChat: string;
	newChat: string;
	/** End this chat, delete its history, go on in a chat that stores nothing. */
	forget: string;
	forgotten: string;
	download: string;
	sending: string;
	/** Short label of the § link, e.g. "Privacy". */
	privacy: string;
	/** Accessible name of the § link and the flyout's heading. */
	privacyInfo: string;
	privacyClose: string;
	/** Opens the cookie banner's settings (give or withdraw chat-tracking consent). */
	privacySettings: string;
	/** Appended to links that open a new tab. */
	newTab: string;
	consentRequired: string;
	/** A required checkbox (e.g. an opt-in of the contact form) left unticked. */
	tickRequired: string;
	/** Contains %s for a field's label. */
	fieldRequired: string;
	/** Contains %d for the retention days. */
	storedNotice: string;
	ephemeralNotice: string;
	chooseEphemeral: string;
	chooseOption: string;
	/** Who the site's built-in assistant is in the log. */
	assistant: string;
	/** The start window, when the assistant answers first: says so, and that a person can be asked for. */
	assistantIntro: string;
	/** The status line while the assistant serves the chat. */
	assistantStatus: string;
	/** The button that asks for a person (the `handover` frame). */
	talkToPerson: string;
	/** Event handed_over: the chat went to the people's queue. */
	handedOver: string;
	/** Event contact_offered: nobody is online; the contact form follows. */
	contactOffered: string;
	/** Event suggestions: no sure answer, the closest ones follow as options. */
	didYouMean: string;
	/** Event no_answer. */
	noAnswer: string;
	/** A dialog's progress; contains %1$d (this step) and %2$d (how many). */
	stepOf: string;
	back: string;
	next: string;
	/** The last step's button: the dialog's answers leave the browser only now. */
	sendAnswers: string;
	/** An optional choice step's way on without picking (its buttons or drop-down always pick one). */
	skip: string;
	invalidEmail: string;
	/** A date step left without a date. */
	chooseDate: string;
	/** Contains %s for the chosen date, written out in the page's language. */
	dateChosen: string;
	previousMonth: string;
	nextMonth: string;
	home: string;
	suggestions: string;
	contactIntro: string;
	contactSend: string;
	contactSent: string;
	/** The marker after a required field's label, with its own brackets: "(required)". */
	required: string;
	error: string;
	tooLong: string;
	language: string;
	deleteTitle: string;
	deleteIntro: string;
	deleteLabel: string;
	deleteButton: string;
	deleted: string;
	deleteNotFound: string;
	deleteKept: string;
	deleteLimited: string;
	/** The start window, while the site's own bot would answer: contains %s for its name. */
	botNotice: string;
	/** The site's own bot could not answer (a hand-over follows). */
	botUnavailable: string;
}

/**
 * The "delete my chat" form (shortcode `[consent_chat_delete]`, or the block's
 * delete variant): its own small script, `[data-consent-chat-delete]` carries this.
 */
export interface DeleteFormConfig {
	site: string;
	serviceHttp: string;
	lang: string;
	strings: Pick<
		WidgetStrings,
		'deleteTitle' | 'deleteIntro' | 'deleteLabel' | 'deleteButton' | 'deleted' | 'deleteNotFound' | 'deleteKept' | 'deleteLimited' | 'error'
	>;
}

/** The widget bundle sets `window.consentChatWidget` to this when it loads. */
export interface WidgetApi {
	open( root: HTMLElement, config: FrontendConfig, launcher: HTMLButtonElement | null ): void;
}

/**
 * The chat-tracking consent (client/consent), from the hidden
 * `[data-consent-chat-banner]` element PHP prints once where the chat is
 * (ConsentChat\Consent::config). `banner`: our vanilla-cookieconsent banner;
 * `wpconsent`: another consent manager is active, we follow the WP Consent API.
 */
export interface ConsentConfig {
	mode: 'banner' | 'wpconsent';
	lang: string;
	/** Raised whenever a banner or consent text changes: visitors are asked again. */
	revision: number;
	/** Version of the banner texts shown (logged with each decision). */
	textVersion: string;
	texts: BannerTexts;
	/** POST each decision here (proof of consent). */
	logUrl: string;
	/** cookieconsent's category and service of the tracking embed. */
	category: string;
	service: string;
	/** The WP Consent API category followed in `wpconsent` mode. */
	wpCategory: string;
	tracking: TrackingConfig;
	nonce?: string;
}

export interface BannerTexts {
	title: string;
	description: string;
	acceptAll: string;
	rejectAll: string;
	preferences: string;
	preferencesTitle: string;
	save: string;
	close: string;
	categoryLabel: string;
	categoryDescription: string;
	/** Shown instead of the question when the browser sends Global Privacy Control. */
	gpc: string;
	gpcOk: string;
}

/** The tracking embed (client/tracking), fetched only once the visitor consents. */
export interface TrackingConfig {
	js: string;
	site: string;
	serviceHttp: string;
	/** Name and lifetime of the first-party visitor id cookie. */
	cookie: string;
	cookieDays: number;
}

/** The tracking bundle sets `window.consentChatTracking` to this. */
export interface TrackingApi {
	/** Starts at once in the open page: the id cookie, a page view, the widget may share the page. */
	start( config: TrackingConfig ): void;
	/** Stops at once: no further event, cookie and storage cleared. */
	stop(): void;
	readonly active: boolean;
}

/** Dispatched on `document` when tracking starts or stops; detail: `{ active: boolean }`. */
export const TRACKING_EVENT = 'consent-chat:tracking';

/** sessionStorage key of a running chat (per tab; written only once a chat starts). */
export const SESSION_KEY = 'consent-chat';

/**
 * Set as `window.consentChatConsent` where our cookie banner runs (not with
 * another consent manager): the widget's "Privacy settings" control and a
 * theme's own link call it. Documented for themes in the README.
 */
export interface ConsentApi {
	/** Opens the banner's settings, where a visitor gives or withdraws consent to chat tracking. */
	showSettings(): void;
}

/** The CSS custom property (on `<html>`) with the height the open banner takes at the top of the viewport. */
export const BANNER_OFFSET_PROPERTY = '--consent-chat-banner-offset';

declare global {
	interface Window {
		consentChatWidget?: WidgetApi;
		consentChatTracking?: TrackingApi;
		consentChatConsent?: ConsentApi;
	}
}
