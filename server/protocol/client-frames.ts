/**
 * The WebSocket protocol, client → service: the one definition of every
 * frame a client sends, as valibot schemas (the service validates with them;
 * the widget and the agent console build frames with their types). The
 * service's frames are in server-frames.ts. See docs/protocol.md.
 */
import * as v from 'valibot';
import { LIMITS, LOCALE_PATTERN } from './limits';
import type { Role } from './server-frames';

/* ------------------------------------------------------------------ */
/* Building blocks                                                      */
/* ------------------------------------------------------------------ */

const Id = v.pipe(
	v.string(),
	v.minLength( 1 ),
	v.maxLength( LIMITS.maxIdLength ),
	v.regex( /^[A-Za-z0-9_-]+$/, 'ids are letters, digits, - and _' )
);
/** Also the site id of the tracking embed's page views (./track.ts). */
export { Id as IdSchema };
const Seq = v.pipe( v.number(), v.integer(), v.minValue( 0 ) );
const Text = v.pipe(
	v.string(),
	v.minLength( 1, 'text is empty' ),
	v.maxLength( LIMITS.maxTextLength, 'text is too long' )
);
/** Chat codes are typed by people: accept any case and dashes, normalise later. */
const Code = v.pipe( v.string(), v.minLength( 1 ), v.maxLength( 32 ) );

/* ------------------------------------------------------------------ */
/* Client → service                                                     */
/* ------------------------------------------------------------------ */

/** First frame on every connection. A visitor may pick up a running chat. */
const Hello = v.object( {
	type: v.literal( 'hello' ),
	token: v.pipe( v.string(), v.minLength( 1 ), v.maxLength( 4096 ) ),
	resume: v.optional(
		v.object( { chatId: Id, code: Code, lastSeq: Seq } )
	),
} );

/** Answers to a dialog (pre-chat form, multi-step input): field id → value. */
const Fields = v.pipe(
	v.record( Id, v.pipe( v.string(), v.maxLength( LIMITS.maxFieldLength ) ) ),
	v.check( ( r ) => Object.keys( r ).length <= LIMITS.maxFields, 'too many fields' )
);

/** Visitor: open a chat, optionally with its first message. */
const Start = v.object( {
	type: v.literal( 'start' ),
	clientId: Id,
	text: v.optional( Text ),
	dept: v.optional( Id ),
	/** The visitor's choice, honoured only where the site lets visitors choose. */
	mode: v.optional( v.picklist( [ 'stored', 'ephemeral' ] ) ),
	/** The completed pre-chat form, sent once, with the start. */
	form: v.optional( Fields ),
	/** Shown to the agent: where the chat was started from (URL parameter `from`). */
	from: v.optional( v.pipe( v.string(), v.maxLength( 200 ) ) ),
	/** Version of the consent text the visitor ticked, kept as proof. */
	consentVersion: v.optional( v.pipe( v.string(), v.maxLength( 64 ) ) ),
	/**
	 * The page's language as WordPress names it (`de_DE`, `en_US`): which
	 * of the site's assistant content answers. Absent: the site's main one.
	 */
	lang: v.optional( v.pipe( v.string(), v.maxLength( 20 ), v.regex( LOCALE_PATTERN, 'lang is a locale like de_DE' ) ) ),
} );

/** Reply options an agent (or bot) offers with a message; the visitor answers with one as text. */
const Options = v.pipe(
	v.array( v.pipe( v.string(), v.minLength( 1 ), v.maxLength( LIMITS.maxOptionLength ) ) ),
	v.minLength( 2, 'offer at least two options' ),
	v.maxLength( LIMITS.maxOptions, 'too many options' )
);

/** Either side: a message. `clientId` makes a resend after a reconnect idempotent. */
const Send = v.object( {
	type: v.literal( 'send' ),
	chatId: Id,
	clientId: Id,
	text: Text,
	/** Agents only: reply options shown as buttons (< 5) or a drop-down (≥ 5). */
	options: v.optional( Options ),
} );

/** Either side: end the chat. */
const End = v.object( { type: v.literal( 'end' ), chatId: Id } );

/** Either side: "send me everything after seq N" (fills a gap). */
const Sync = v.object( {
	type: v.literal( 'sync' ),
	chatId: Id,
	afterSeq: Seq,
} );

/** Either side: typing or stopped typing. Relayed, never stored. */
const Typing = v.object( { type: v.literal( 'typing' ), chatId: Id, typing: v.boolean() } );

/** Visitor: a completed dialog (multi-step form) inside a running chat. */
const Submit = v.object( {
	type: v.literal( 'submit' ),
	chatId: Id,
	clientId: Id,
	/** Which dialog this answers (e.g. the option set's id). */
	dialog: Id,
	fields: Fields,
} );

/**
 * Visitor: "talk to a person" while the assistant serves the chat: the chat
 * goes to its department's queue (event `handed_over`), or, with nobody
 * online, the visitor is offered the contact form (`contact_offered`).
 */
const Handover = v.object( { type: v.literal( 'handover' ), chatId: Id } );

/**
 * Visitor: end this chat, delete its history, and start a new chat that
 * stores nothing. Answered by `started` for the new chat.
 */
const Restart = v.object( { type: v.literal( 'restart' ), chatId: Id, clientId: Id } );

/** Agent: go online or offline, for some or all of the departments in its token. */
const Presence = v.object( {
	type: v.literal( 'presence' ),
	online: v.boolean(),
	depts: v.optional( v.pipe( v.array( Id ), v.maxLength( 50 ) ) ),
} );

/**
 * Agent: a fresh token for this open connection, fetched before the current
 * one expires (agent tokens live minutes). Answered by `renewed`; without it
 * the service closes the connection when the token expires (4011).
 */
const Renew = v.object( {
	type: v.literal( 'renew' ),
	token: v.pipe( v.string(), v.minLength( 1 ), v.maxLength( 4096 ) ),
} );

/** Agent: take a waiting chat. */
const Take = v.object( { type: v.literal( 'take' ), chatId: Id } );

/** Agent: hand a chat to another agent (by subject) or back to a department's queue. */
const Transfer = v.pipe(
	v.object( {
		type: v.literal( 'transfer' ),
		chatId: Id,
		toAgent: v.optional( v.pipe( v.string(), v.minLength( 1 ), v.maxLength( 128 ) ) ),
		toDept: v.optional( Id ),
	} ),
	v.check( ( f ) => ( f.toAgent === undefined ) !== ( f.toDept === undefined ), 'give exactly one of toAgent, toDept' )
);

/** Agent: exempt a chat from automatic deletion (e.g. a contract was agreed), or undo that. */
const Keep = v.object( { type: v.literal( 'keep' ), chatId: Id, keep: v.boolean() } );

/** A page the visitor is on: a path on the site and its title. */
const PageInfo = v.object( {
	path: v.pipe( v.string(), v.minLength( 1 ), v.maxLength( LIMITS.maxPathLength ), v.regex( /^\//, 'path starts with /' ) ),
	title: v.pipe( v.string(), v.maxLength( LIMITS.maxTitleLength ) ),
} );

/**
 * Visitor, only while the visitor consents to tracking: the page they are on
 * now, shown to the agent; `page: null` when consent is withdrawn (the agent
 * stops seeing it). Held in memory for the chat's life, never stored.
 */
const Page = v.object( { type: v.literal( 'page' ), chatId: Id, page: v.nullable( PageInfo ) } );

export const ClientFrameSchema = v.variant( 'type', [
	Hello,
	Start,
	Send,
	End,
	Sync,
	Typing,
	Submit,
	Handover,
	Restart,
	Presence,
	Take,
	Transfer,
	Keep,
	Page,
	Renew,
] );

export type ClientFrame = v.InferOutput< typeof ClientFrameSchema >;
export type HelloFrame = v.InferOutput< typeof Hello >;
export type StartFrame = v.InferOutput< typeof Start >;
export type SendFrame = v.InferOutput< typeof Send >;
export type ClientFrameType = ClientFrame[ 'type' ];
export type FieldValues = v.InferOutput< typeof Fields >;
export type PageView = v.InferOutput< typeof PageInfo >;
/** Every client frame type, read from the definitions above (never listed by hand). */
export const CLIENT_FRAME_TYPES: readonly ClientFrameType[] = ClientFrameSchema.options.map( ( o ) => o.entries.type.literal );

/** Which role may send which frame (hello is checked before roles exist). */
export const FRAMES_BY_ROLE: Record< Role, readonly ClientFrameType[] > = {
	visitor: [ 'start', 'send', 'end', 'sync', 'typing', 'submit', 'handover', 'restart', 'page' ],
	agent: [ 'presence', 'take', 'transfer', 'keep', 'send', 'end', 'sync', 'typing', 'renew' ],
};
