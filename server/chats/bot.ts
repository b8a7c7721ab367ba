/**
 * A site's own bot in the chats it serves (instead of the built-in
 * answers; chats/assistant.ts decides when, with the same modes): it posts
 * each chat's events to the bot (bot/post.ts), holds per chat only what it
 * needs to keep the visitor from waiting (a deadline for the bot's reply, a
 * flood limit), and takes the bot's replies in (`POST /bot/reply`), which
 * reach the chat as the assistant's messages, so the widget and console know
 * them already.
 *
 * A bot that fails (no 2xx, unreachable, too slow to answer the post or to
 * reply after a visitor message) never leaves the visitor waiting: the
 * chat gets the system event `bot_unavailable` and then the assistant's
 * hand-over (a person, or the contact form).
 *
 * Memory only; nothing here writes what was said anywhere but through the
 * chat stream (kept or buffered by the chat's mode). A failure is logged
 * with the site and its reason only (no chat id, no text).
 */
import { randomUUID } from 'node:crypto';
import type { BotSettings } from '../assistant/settings';
import { postEvent } from '../bot/post';
import type { BotEvent, BotReply } from '../bot/wire';
import { TokenBucket } from '../rate-limit';
import type { Core } from './core';
import type { LiveChat } from './live-chat';

/** What a bot's reply came to (the route turns it into the HTTP answer). */
export type BotReplyOutcome = 'delivered' | 'not_found' | 'conflict' | 'rate_limited';

/** The bot's replies to one chat: a few at once, then one a second. */
const REPLY_BURST = 5;
const REPLIES_PER_SECOND = 1;

interface BotChatState {
	/** Posts go out in order (a chat's `chat_started` before its first message). */
	posting: Promise< void >;
	/** Armed by a visitor message, cleared by the bot's reply: when it fires, the visitor is told. */
	deadline: ReturnType< typeof setTimeout > | null;
	replies: TokenBucket;
}

type EventBody = { type: 'chat_started' } | { type: 'message'; message: { seq: number; text: string } } | { type: 'handed_over' } | { type: 'chat_ended' };

export class ChatBot {
	/** Chats the bot was told of, by id, while they are open on this node. */
	private readonly told = new Map< string, BotChatState >();

	constructor(
		private readonly core: Core,
		/** The assistant's hand-over (one path for the bot's, the visitor's and a failing bot's). */
		private readonly handover: ( chat: LiveChat ) => Promise< void >
	) {}

	/** A visitor message in a chat the bot serves: posted, and the bot has until its timeout to reply. */
	message( chat: LiveChat, bot: BotSettings, seq: number, text: string ): void {
		const state = this.started( chat, bot );
		if ( state.deadline === null ) {
			state.deadline = setTimeout( () => this.failed( chat ), bot.timeoutSeconds * 1000 );
			state.deadline.unref?.();
		}
		this.post( chat, bot, state, { type: 'message', message: { seq, text } }, true );
	}

	/** The chat left the bot (hand-over) or ended: the bot is told, and the chat is forgotten here. */
	left( chat: LiveChat, bot: BotSettings | undefined, type: 'handed_over' | 'chat_ended' ): void {
		const state = this.told.get( chat.record.id );
		if ( ! state ) return;
		this.forget( chat.record.id );
		if ( bot ) this.post( chat, bot, state, { type }, false );
	}

	/** The bot's reply (signature checked by the route, for `site`). */
	async reply( site: string, reply: BotReply ): Promise< BotReplyOutcome > {
		const chat = this.core.chats.get( reply.chatId );
		// Another site's chat is as unknown as none: nothing tells the bot it exists.
		if ( ! chat || chat.record.site !== site ) return 'not_found';
		const state = this.told.get( chat.record.id );
		// Not told of it, or no longer its chat (handed over, ended): the bot has nothing to say there.
		if ( ! state ) return 'not_found';
		if ( chat.record.status !== 'assistant' || chat.assistant?.handingOver ) return 'conflict';
		if ( ! state.replies.take() ) return 'rate_limited';
		this.clearDeadline( state );
		if ( chat.assistant ) chat.assistant.offers = new Map();
		if ( reply.text !== undefined ) await this.core.stream.assistant( chat, reply.text, reply.options ? { options: reply.options } : {} );
		if ( reply.handover ) await this.handover( chat );
		return 'delivered';
	}

	/** The bot's state of the chat, telling the bot of the chat first if it was not (a new chat, or one it serves since a restart or a change of settings). */
	started( chat: LiveChat, bot: BotSettings ): BotChatState {
		let state = this.told.get( chat.record.id );
		if ( ! state ) {
			state = { posting: Promise.resolve(), deadline: null, replies: new TokenBucket( REPLIES_PER_SECOND, REPLY_BURST, this.core.now ) };
			this.told.set( chat.record.id, state );
			this.post( chat, bot, state, { type: 'chat_started' }, true );
		}
		return state;
	}

	private post( chat: LiveChat, bot: BotSettings, state: BotChatState, body: EventBody, visitorWaits: boolean ): void {
		const { record } = chat;
		const event = {
			id: randomUUID(),
			at: this.core.now(),
			site: record.site,
			chat: { id: record.id, mode: record.mode, lang: chat.assistant?.lang ?? null, dept: record.dept },
			...body,
		} as BotEvent;
		state.posting = state.posting.then( async () => {
			const outcome = await postEvent( bot, event, this.core.now() );
			if ( outcome.ok ) return;
			this.core.log.warn( { site: record.site }, `the bot of site ${ record.site } failed: ${ outcome.reason }` );
			if ( visitorWaits ) this.failed( chat );
		} );
	}

	/** The bot cannot answer while the visitor waits for it: the visitor is told, and the chat goes on to a person (or the contact form). */
	private failed( chat: LiveChat ): void {
		const state = this.told.get( chat.record.id );
		// Once per visitor turn: the first of the deadline and a failed post (of this turn or one before it) tells the visitor.
		if ( ! state || state.deadline === null || chat.record.status !== 'assistant' || chat.assistant?.handingOver ) return;
		this.clearDeadline( state );
		void ( async () => {
			await this.core.stream.system( chat, 'bot_unavailable' );
			await this.handover( chat );
		} )().catch( ( e ) => this.core.fail( e ) );
	}

	private clearDeadline( state: BotChatState ): void {
		if ( state.deadline !== null ) clearTimeout( state.deadline );
		state.deadline = null;
	}

	private forget( chatId: string ): void {
		const state = this.told.get( chatId );
		if ( state ) this.clearDeadline( state );
		this.told.delete( chatId );
	}
}
