/**
 * What the service and a site's bot say to each other (docs/protocol.md,
 * "A site's own bot"): the events the service posts to the bot's URL, and
 * the reply the bot sends to `POST /bot/reply`. The one definition of both.
 */
import * as v from 'valibot';
import { LIMITS } from '../protocol/limits';
import type { ChatMode } from '../protocol';

/** The chat as the bot is told of it: its storage mode, so the bot can keep no more than the chat does. */
export interface BotChat {
	id: string;
	mode: ChatMode;
	/** The visitor's language as WordPress names it (`de_DE`); null: the site's main one. */
	lang: string | null;
	dept: string | null;
}

type Common = { id: string; at: number; site: string; chat: BotChat };

export type BotEvent = Common &
	(
		| { type: 'chat_started' }
		/** A visitor message (the `start`'s text too), with its number in the chat. */
		| { type: 'message'; message: { seq: number; text: string } }
		/** The chat went to the people's queue (the bot's hand-over, the visitor's, or the bot failing): the bot's part is over. */
		| { type: 'handed_over' }
		| { type: 'chat_ended' }
	);

/** The largest `POST /bot/reply` body (a full-length text and every option fit). */
export const MAX_BOT_REPLY_BYTES = 32 * 1024;
/** At most this much of the bot's answer to a post is read (and then dropped): the service needs only its status. */
export const MAX_BOT_RESPONSE_BYTES = 16 * 1024;

const Id = v.pipe( v.string(), v.regex( /^[A-Za-z0-9_-]{1,64}$/, 'an id is 1–64 letters, digits, - and _' ) );

/** The bot's reply: Markdown text, options (shown as buttons or a drop-down; a pick comes back as a message), and/or the hand-over. */
export const BotReply = v.pipe(
	v.strictObject( {
		site: Id,
		chatId: Id,
		text: v.optional( v.pipe( v.string( 'text is a string' ), v.minLength( 1, 'text is not empty' ) ) ),
		options: v.optional(
			v.pipe(
				v.array( v.pipe( v.string(), v.minLength( 1, 'an option is not empty' ) ) ),
				v.minLength( 1, 'options has at least one' )
			)
		),
		handover: v.optional( v.literal( true, 'handover is true or absent' ) ),
	}, 'the reply has only site, chatId, text, options and handover' ),
	v.check( ( r ) => r.text !== undefined || r.handover === true, 'a reply has a text or handover: true' ),
	v.check( ( r ) => r.options === undefined || r.text !== undefined, 'options come with a text' )
);
export type BotReply = v.InferOutput< typeof BotReply >;

/** What over a limit of the chat's messages is (a 413 to the bot), or null. */
export function overLimit( r: BotReply ): string | null {
	if ( r.text !== undefined && r.text.length > LIMITS.maxTextLength ) return `text is over ${ LIMITS.maxTextLength } characters`;
	if ( r.options && r.options.length > LIMITS.maxOptions ) return `at most ${ LIMITS.maxOptions } options`;
	if ( r.options?.some( ( o ) => o.length > LIMITS.maxOptionLength ) ) return `an option is over ${ LIMITS.maxOptionLength } characters`;
	return null;
}
