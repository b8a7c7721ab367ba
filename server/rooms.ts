/**
 * The chat core's front door: connection.ts hands it connections and
 * frames, http-api.ts and service.ts its requests and timers. It routes
 * each to the part whose job it is (server/chats/, wired in core.ts) and
 * holds no state of its own.
 */
import type { SiteConfig } from './config';
import type { Logger } from './log';
import type { Peer } from './peer';
import { LIMITS } from './protocol';
import type { ClientFrame, HelloFrame } from './protocol';
import type { Timers } from './presence';
import type { AssistantsInForce } from './assistant/site-assistants';
import type { ChatStore } from './store/types';
import type { ChatCounts, ErasedByEmail, FrontDoor } from './front-door';
import { createCore, type Core } from './chats/core';
import { Erasure, type DeleteResult } from './chats/erasure';
import { ChatError } from './chats/live-chat';
import { recover, type RecoveryOptions } from './chats/recovery';
import { Sessions } from './chats/sessions';
import type { BotReplyOutcome } from './chats/bot';
import type { BotReply } from './bot/wire';
import { chatView } from './chats/views';

export { ChatError, type DeleteResult };

type Frame< T extends ClientFrame[ 'type' ] > = Extract< ClientFrame, { type: T } >;

export class ChatRooms implements FrontDoor {
	private readonly core: Core;
	private readonly sessions: Sessions;
	private readonly erasure: Erasure;

	constructor(
		store: ChatStore,
		log: Logger,
		sites: ReadonlyMap< string, SiteConfig >,
		now: () => number = Date.now,
		presence: { graceMs: number; timers?: Timers } = { graceMs: 30_000 },
		assistants?: AssistantsInForce
	) {
		this.core = createCore( { store, log, sites, now, presence, assistants } );
		this.sessions = new Sessions( this.core );
		this.erasure = new Erasure( this.core );
	}

	/** After a restart, or (several nodes) when this node takes a site over: see chats/recovery.ts. */
	recover( options?: RecoveryOptions ): Promise< void > {
		return recover( this.core, options );
	}

	/**
	 * This node no longer serves these chats (another node took the site
	 * over): no timer of theirs may fire and write. The connections are the
	 * caller's to close.
	 */
	dispose(): void {
		this.core.agents.presence.dispose();
	}

	connect( peer: Peer, hello: HelloFrame ): Promise< void > {
		return this.sessions.connect( peer, hello );
	}

	disconnect( peer: Peer ): void {
		this.sessions.disconnect( peer );
	}

	/** A connection renewed its token (connection.ts). */
	renewed( peer: Peer ): void {
		this.sessions.renewed( peer );
	}

	async handle( peer: Peer, frame: Exclude< ClientFrame, HelloFrame > ): Promise< void > {
		const { chats, stream, lifecycle, dispatcher } = this.core;
		switch ( frame.type ) {
			case 'start':
				return lifecycle.start( peer, frame );
			case 'send':
				if ( frame.options && peer.identity.role !== 'agent' ) {
					throw new ChatError( 'forbidden', 'only agents offer reply options' );
				}
				return this.send( peer, frame.chatId, frame.clientId, { text: frame.text, options: frame.options } );
			case 'submit':
				return this.submit( peer, frame );
			case 'handover':
				return this.core.assistant.handover( chats.participantChat( peer, frame.chatId ) );
			case 'end':
				return lifecycle.end( chats.participantChat( peer, frame.chatId ) );
			case 'sync': {
				const chat = chats.participantChat( peer, frame.chatId );
				stream.carryOn( chat, frame.afterSeq );
				return stream.backlog( peer, chat.record, frame.afterSeq, chat.buffer );
			}
			case 'typing':
				return this.typing( peer, frame );
			case 'restart':
				return lifecycle.restart( peer, chats.participantChat( peer, frame.chatId ), frame.clientId );
			case 'presence':
				return this.sessions.presence( peer, frame );
			case 'take':
				return dispatcher.take( peer, frame.chatId );
			case 'transfer':
				return dispatcher.transfer( peer, chats.participantChat( peer, frame.chatId ), frame );
			case 'keep':
				return lifecycle.keep( chats.participantChat( peer, frame.chatId ), frame.keep );
			case 'page':
				return this.page( peer, frame );
		}
	}

	/** WordPress withdrew or changed the agent's access: see chats/sessions.ts. */
	dropAgent( site: string, sub: string ): number {
		return this.sessions.dropAgent( site, sub );
	}

	sweepInactive(): Promise< number > {
		return this.core.lifecycle.sweepInactive();
	}

	purgeExpired( onlySite?: string ): Promise< number > {
		return this.erasure.purgeExpired( onlySite );
	}

	deleteByCode( site: string, code: string ): Promise< DeleteResult > {
		return this.erasure.deleteByCode( site, code );
	}

	eraseByEmail( site: string, email: string ): Promise< ErasedByEmail > {
		return this.erasure.eraseByEmail( site, email );
	}

	botReply( site: string, reply: BotReply ): Promise< BotReplyOutcome > {
		return this.core.assistant.botReply( site, reply );
	}

	takeActivity(): { started: number; ended: number } {
		return this.core.lifecycle.takeActivity();
	}

	/** Is an agent online (for that department)? For the availability endpoint. */
	available( site: string, dept: string | null ): boolean {
		return this.core.agents.available( site, dept );
	}

	counts( site?: string ): ChatCounts {
		const open = [ ...this.core.chats.all() ].filter( ( c ) => ! site || c.record.site === site );
		return {
			open: open.length,
			waiting: open.filter( ( c ) => c.record.status === 'waiting' ).length,
			agentsOnline: [ ...this.core.agents.ofSite( site ) ].filter( ( a ) => this.core.agents.isOnline( a ) ).length,
		};
	}

	private async send( peer: Peer, chatId: string, clientId: string, content: Parameters< Core[ 'stream' ][ 'send' ] >[ 3 ] ): Promise< void > {
		const chat = this.core.chats.participantChat( peer, chatId );
		const { fresh, newPreview, seq } = await this.core.stream.send( peer, chat, clientId, content );
		// The queue shows a waiting chat's first visitor message.
		if ( newPreview && chat.record.status === 'waiting' ) this.core.dispatcher.broadcastQueue( chat.record.site );
		// While the assistant serves the chat, it answers each new visitor message (a resend was answered before).
		if ( fresh && peer.identity.role === 'visitor' && chat.record.status === 'assistant' ) await this.core.assistant.reply( chat, content.text, seq );
	}

	/** A completed dialog: kept like a message; if the assistant asked for it, its action follows. */
	private async submit( peer: Peer, f: Frame< 'submit' > ): Promise< void > {
		const chat = this.core.chats.participantChat( peer, f.chatId );
		const dialog = this.core.assistant.submitted( chat, f.dialog, f.fields );
		const { fresh } = await this.core.stream.send( peer, chat, f.clientId, { text: '', dialog: f.dialog, fields: f.fields } );
		if ( dialog && fresh ) await this.core.assistant.complete( chat, dialog );
	}

	private typing( peer: Peer, f: Frame< 'typing' > ): void {
		const chat = this.core.chats.participantChat( peer, f.chatId );
		const frame = { type: 'typing', chatId: f.chatId, from: peer.identity.role, typing: f.typing } as const;
		if ( peer.identity.role === 'visitor' ) this.core.fanout.toChatAgent( chat, frame );
		else this.core.fanout.toVisitor( chat, frame );
	}

	/**
	 * The visitor's current page (sent only while they consent to tracking;
	 * null once they withdraw). Kept in memory, shown to the chat's agent.
	 */
	private page( peer: Peer, f: Frame< 'page' > ): void {
		const chat = this.core.chats.participantChat( peer, f.chatId );
		chat.page = f.page;
		if ( ! f.page ) {
			chat.pages = []; // withdrawn: the agent keeps nothing of it
		} else {
			const last = chat.pages[ chat.pages.length - 1 ];
			if ( last?.path !== f.page.path || last.title !== f.page.title ) chat.pages = [ ...chat.pages, f.page ].slice( -LIMITS.maxVisitPages );
		}
		this.core.fanout.toChatAgent( chat, { type: 'chat', chat: chatView( this.core, chat ) } );
	}
}
