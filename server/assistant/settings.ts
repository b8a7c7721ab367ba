/**
 * How a site uses its built-in assistant, and what WordPress sends the
 * service for it (`PUT /admin/assistant`): these settings and the content
 * (./answers.ts) travel together, so a node never runs one site's settings
 * with another version of its answers.
 *
 * Modes, per site and overridable per department:
 * - `off`: chats go to people only (the default: the assistant is opt-in);
 * - `first`: the assistant answers every new chat first and hands over when
 *   asked, or after `handoverAfter` messages it could not answer;
 * - `when_offline`: the assistant answers only when no agent who could take
 *   the chat is online; otherwise the chat goes to the queue as today.
 */
import * as v from 'valibot';
import { LIMITS } from '../protocol/limits';
import { AssistantContent, parseAssistantContent, type ContentErrorCode } from './answers';

export const AssistantMode = v.picklist( [ 'off', 'first', 'when_offline' ], 'the mode is "off", "first" or "when_offline"' );
export type AssistantMode = v.InferOutput< typeof AssistantMode >;

/** A department's id, as the protocol's `dept` (client-frames.ts). */
const Dept = v.pipe(
	v.string( 'a department id is a string' ),
	v.minLength( 1, 'a department id is not empty' ),
	v.maxLength( LIMITS.maxIdLength, `a department id has at most ${ LIMITS.maxIdLength } characters` ),
	v.regex( /^[A-Za-z0-9_-]+$/, 'a department id is letters, digits, - and _' )
);

export const ASSISTANT_SETTINGS_LIMITS = { maxDepartments: 50, maxHandoverAfter: 10, maxBotTimeoutSeconds: 30 } as const;

/**
 * A site's own bot, answering instead of the built-in answers (absent: the
 * built-in assistant). The modes below apply to it as they would to the
 * built-in one. `secret` signs what the service posts and what the bot sends
 * back (assistant/bot-signature.ts); WordPress makes it, and it is never
 * answered back (GET /admin/assistant) nor logged.
 */
export const BotSettings = v.strictObject( {
	url: v.pipe(
		v.string( 'the bot url is a string' ),
		v.maxLength( 2000, 'the bot url has at most 2000 characters' ),
		v.regex( /^https?:\/\/[^\s/?#]+[^\s]*$/, 'the bot url is an http(s) URL' )
	),
	/** Shown to visitors: the service their messages go to. */
	name: v.pipe(
		v.string( 'the bot name is a string' ),
		v.minLength( 1, 'the bot name is not empty' ),
		v.maxLength( 80, 'the bot name has at most 80 characters' )
	),
	secret: v.pipe(
		v.string( 'the bot secret is a string' ),
		v.minLength( 32, 'the bot secret has at least 32 characters' ),
		v.maxLength( 128, 'the bot secret has at most 128 characters' ),
		v.regex( /^[A-Za-z0-9_-]+$/, 'the bot secret is letters, digits, - and _' )
	),
	/** How long a post may take, and how long after a visitor message the bot has to reply, before the visitor is told. */
	timeoutSeconds: v.optional(
		v.pipe(
			v.number( 'timeoutSeconds is a number' ),
			v.integer( 'timeoutSeconds is a whole number' ),
			v.minValue( 1, 'timeoutSeconds is at least 1' ),
			v.maxValue( ASSISTANT_SETTINGS_LIMITS.maxBotTimeoutSeconds, `timeoutSeconds is at most ${ ASSISTANT_SETTINGS_LIMITS.maxBotTimeoutSeconds }` )
		),
		8
	),
}, 'the bot has only url, name, secret and timeoutSeconds' );
export type BotSettings = v.InferOutput< typeof BotSettings >;

export const AssistantSettings = v.strictObject( {
	mode: v.optional( AssistantMode, 'off' ),
	/** Departments whose mode differs from the site's. */
	departments: v.optional(
		v.pipe(
			v.record( Dept, AssistantMode, 'departments is an object of department → mode' ),
			v.check( ( r ) => Object.keys( r ).length <= ASSISTANT_SETTINGS_LIMITS.maxDepartments, `at most ${ ASSISTANT_SETTINGS_LIMITS.maxDepartments } departments` )
		),
		{}
	),
	/** After this many messages in a row the assistant could not answer, the chat goes to a person (or the contact form). */
	handoverAfter: v.optional(
		v.pipe(
			v.number( 'handoverAfter is a number' ),
			v.integer( 'handoverAfter is a whole number' ),
			v.minValue( 1, 'handoverAfter is at least 1' ),
			v.maxValue( ASSISTANT_SETTINGS_LIMITS.maxHandoverAfter, `handoverAfter is at most ${ ASSISTANT_SETTINGS_LIMITS.maxHandoverAfter }` )
		),
		2
	),
	/** The site's own bot instead of the built-in answers (absent: off). */
	bot: v.optional( BotSettings ),
}, 'the settings have only mode, departments, handoverAfter and bot' );
export type AssistantSettings = v.InferOutput< typeof AssistantSettings >;

/** The body of `PUT /admin/assistant`. */
export const AssistantPush = v.strictObject( {
	settings: AssistantSettings,
	content: AssistantContent,
}, 'the body has only settings and content' );
export type AssistantPush = v.InferOutput< typeof AssistantPush >;

/** The push as it may be shown back: everything but the bot's secret. */
export type ShownAssistantPush = Omit< AssistantPush, 'settings' > & { settings: Omit< AssistantSettings, 'bot' > & { bot?: Omit< BotSettings, 'secret' > } };

/** What GET /admin/assistant (and the PUT's answer) show: the push without the bot's secret, which only WordPress and the bot hold. */
export function withoutSecret( push: AssistantPush ): ShownAssistantPush {
	const { bot, ...settings } = push.settings;
	if ( ! bot ) return push;
	const { secret: _secret, ...shown } = bot;
	return { ...push, settings: { ...settings, bot: shown } };
}

/** The mode that applies to a chat of `dept` (none: the site's). */
export function modeFor( settings: AssistantSettings, dept: string | null | undefined ): AssistantMode {
	return ( dept ? settings.departments[ dept ] : undefined ) ?? settings.mode;
}

export type ParsePushResult =
	| { ok: true; push: AssistantPush }
	| { ok: false; code: ContentErrorCode; message: string; path: string };

/** Checks a `PUT /admin/assistant` body: the first problem, with the dotted path of its field (`content.locales.de_DE.answers.3.id`). */
export function parseAssistantPush( json: unknown ): ParsePushResult {
	if ( typeof json !== 'object' || json === null || Array.isArray( json ) ) return { ok: false, code: 'invalid', message: 'the body is an object with settings and content', path: '' };
	const extra = Object.keys( json ).find( ( k ) => k !== 'settings' && k !== 'content' );
	if ( extra !== undefined ) return { ok: false, code: 'invalid', message: 'the body has only settings and content', path: extra };
	const body = json as { settings?: unknown; content?: unknown };
	const settings = v.safeParse( AssistantSettings, body.settings ?? {} );
	if ( ! settings.success ) {
		const issue = settings.issues[ 0 ];
		return { ok: false, code: 'invalid', message: issue.message, path: [ 'settings', v.getDotPath( issue ) ].filter( Boolean ).join( '.' ) };
	}
	const content = parseAssistantContent( body.content );
	if ( ! content.ok ) return { ...content, path: [ 'content', content.path ].filter( Boolean ).join( '.' ) };
	return { ok: true, push: { settings: settings.output, content: content.content } };
}
