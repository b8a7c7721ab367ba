/**
 * The settings as the REST route consent-chat/v1/settings sends and takes
 * them (includes/class-settings-rest.php). The per-language texts have the
 * shape of the `consent_chat_texts` option (includes/class-settings.php).
 */

import type { FrontendConfig } from '../../client/contract';
import type { AssistantBody, AssistantDraft } from './assistant-draft';

export type FieldType = 'text' | 'email' | 'textarea' | 'checkbox';

export interface FormField {
	id: string;
	type: FieldType;
	label: string;
	required: boolean;
	optIn: boolean;
}

export type BannerTexts = Record< string, string >;

export interface LanguageTexts {
	privacy: { mode: 'text' | 'url' | 'none'; text: string; url: string; inChat: boolean };
	consent: string;
	prechat: FormField[];
	contact: FormField[];
	greeting: { text: string; delay: number } | null;
	home: { welcome: string; suggestions: string[] } | null;
	banner: BannerTexts | null;
}

export type Texts = Record< string, LanguageTexts >;

export interface Storage {
	defaultMode: 'stored' | 'ephemeral';
	visitorChooses: boolean;
	retentionDays: number;
}

export interface Appearance {
	accent: string;
	position: 'left' | 'right';
}

export interface Department {
	id: string;
	name: string;
}

export interface Connection {
	serviceUrl: string;
	defaultUrl: string;
	siteId: string;
	secretSet: boolean;
	policySync: { ok: boolean; message: string; time: number } | null;
}

/** What the screen edits and sends back; the secret travels only this way. */
export interface Draft {
	connection?: { serviceUrl: string; siteId: string; secret: string };
	storage: Storage;
	appearance?: Appearance;
	texts: Texts;
	departments?: Department[];
	/** The launcher on every page (option consent_chat_sitewide). */
	sitewide?: boolean;
	/** The built-in assistant (option consent_chat_assistant; administrators only). */
	assistant?: AssistantDraft;
}

export interface SettingsData {
	can: { manage: boolean; privacy: boolean };
	texts: Texts;
	storage: Storage;
	bannerDefaults: Record< string, BannerTexts >;
	/** Locale → version of its consent text as last saved. */
	versions: Record< string, string >;
	siteLocale: string;
	languages: string[];
	connection?: Connection;
	appearance?: Appearance;
	departments?: Department[];
	sitewide?: boolean;
	/** Locale → the configuration visitors of that language get (admins only). */
	previews?: Record< string, FrontendConfig >;
	snippets?: { plain: string; tracking: string };
	assistant?: AssistantBody;
	/** The outcome of the last `PUT /admin/assistant`; `path` names the field the service refused. */
	assistantSync?: { ok: boolean; message: string; path: string; time: number } | null;
	warnings?: string[];
}

export interface Agent {
	id: number;
	name: string;
	login: string;
	admin: boolean;
	role: boolean;
	depts: string[];
	maxChats: number | null;
}

/** Field path (e.g. `texts.de_DE.privacy.url`) → message. */
export type FieldErrors = Record< string, string >;
