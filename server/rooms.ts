/**
 * Chats as rooms: their lifecycle (waiting → active ⇄ away → closed), who may
 * see them, and the numbered message stream. Every status change is recorded
 * with its time; message text reaches the store only in stored mode.
 */
import { randomUUID } from 'node:crypto';
import { codeFromUuid, formatCode, hashCode, normaliseCode } from './chat-code';
import type { Logger } from './log';
import type { Peer } from './peer';
import type {
	Author,
	ChatMessage,
	ChatMode,
	ChatStatus,
	ChatView,
	ClientFrame,
	ErrorCode,
	HelloFrame,
	QueueEntry,
	ServerFrame,
	StartFrame,
	SystemEvent,
} from './protocol';
import type { ChatRecord, ChatStore } from './store/types';

interface LiveChat {
	record: ChatRecord;
	lastSeq: number;
	/** Ephemeral mode only: the messages, in memory for the chat's life. */
	buffer: ChatMessage[];
	/** clientId → seq, so a resend after a reconnect is acknowledged, not doubled. */
	clientSeqs: Map< string, number >;
	visitor: Peer | null;
	/** First visitor message, shown in the agents' queue. */
	preview: string | null;
}

interface AgentState {
	key: string;
	site: string;
	sub: string;
	name: string;
	peers: Set< Peer >;
	online: boolean;
	/** For routing: when the agent last became free (end of last chat). */
	idleSince: number;
}

/** Thrown inside handlers; turned into a typed `error` frame for the sender. */
export class ChatError extends Error {
	constructor(
		readonly code: ErrorCode,
		message: string
	) {
		super( message );
	}
}

const agentKey = ( site: string, sub: string ): string => `${ site }\u0000${ sub }`;

export class ChatRooms {
	private readonly live = new Map< string, LiveChat >();
	private readonly agents = new Map< string, AgentState >();
	private readonly visitorChat = new Map< Peer, string >();

	constructor(
		private readonly store: ChatStore,
		private readonly log: Logger,
		private readonly defaultMode: ( site: string ) => ChatMode,
		private readonly now: () => number = Date.now
	) {}

	/**
	 * After a restart: stored-mode chats carry on from the database (their
	 * visitor is away until they reconnect); ephemeral ones lost their
	 * messages with the process, so they are closed rather than resumed with
	 * a hole in them.
	 */
	async recover(): Promise< void > {
		const at = this.now();
		for ( const record of this.store.openChats() ) {
			if ( record.mode === 'ephemeral' ) {
				await this.store.setStatus( record.id, 'closed', at );
				this.store.bumpStat( 'chat_ended', at );
				continue;
			}
			const chat: LiveChat = {
				record,
				lastSeq: this.store.lastSeq( record.id ),
				buffer: [],
				clientSeqs: new Map(),
				visitor: null,
				preview: this.store.messagesAfter( record.id, 0 ).find( ( m ) => m.from === 'visitor' )?.text ?? null,
			};
			this.live.set( record.id, chat );
			if ( record.status === 'active' ) {
				await this.setStatus( chat, 'away' );
			}
		}
		this.log.info( { recovered: this.live.size }, 'chats recovered' );
	}

	/* -------------------------------------------------------------- */
	/* Connections                                                     */
	/* -------------------------------------------------------------- */

	async connect( peer: Peer, hello: HelloFrame ): Promise< void > {
		if ( peer.identity.role === 'agent' ) {
			this.connectAgent( peer );
		} else {
			await this.connectVisitor( peer, hello.resume );
		}
	}

	disconnect( peer: Peer ): void {
		const { identity } = peer;
		if ( identity.role === 'agent' ) {
			const agent = this.agents.get( agentKey( identity.site.id, identity.subject ) );
			agent?.peers.delete( peer );
			return;
		}
		const chatId = this.visitorChat.get( peer );
		this.visitorChat.delete( peer );
		const chat = chatId ? this.live.get( chatId ) : undefined;
		if ( ! chat || chat.visitor !== peer ) return;
		chat.visitor = null;
		if ( chat.record.status === 'active' ) {
			void this.setStatus( chat, 'away' ).catch( ( e ) => this.fail( e ) );
		}
	}

	private connectAgent( peer: Peer ): void {
		const { identity } = peer;
		const key = agentKey( identity.site.id, identity.subject );
		let agent = this.agents.get( key );
		if ( ! agent ) {
			agent = {
				key,
				site: identity.site.id,
				sub: identity.subject,
				name: identity.name,
				peers: new Set(),
				online: false,
				idleSince: this.now(),
			};
			this.agents.set( key, agent );
		}
		agent.name = identity.name || agent.name;
		agent.peers.add( peer );
		peer.send( {
			type: 'welcome',
			role: 'agent',
			name: agent.name,
			online: agent.online,
			chats: this.chatsOf( agent ).map( ( c ) => this.view( c ) ),
		} );
		peer.send( this.queueFrame( agent.site ) );
	}

	private async connectVisitor( peer: Peer, resume: HelloFrame[ 'resume' ] ): Promise< void > {
		if ( ! resume ) {
			peer.send( { type: 'welcome', role: 'visitor', name: peer.identity.name, chats: [] } );
			return;
		}
		const code = normaliseCode( resume.code );
		const chat = this.live.get( resume.chatId );
		const record = chat?.record ?? this.store.getChat( resume.chatId );
		if ( ! code || ! record || record.site !== peer.identity.site.id || record.codeHash !== hashCode( code ) ) {
			throw new ChatError( 'not_found', 'no such chat to resume' );
		}
		if ( ! chat ) {
			// Closed: show how it ended (stored mode has the transcript), nothing more.
			peer.send( { type: 'welcome', role: 'visitor', name: peer.identity.name, chats: [ this.viewOf( record, this.store.lastSeq( record.id ) ) ] } );
			this.sendBacklog( peer, record, resume.lastSeq, [] );
			return;
		}
		if ( chat.visitor && chat.visitor !== peer ) {
			// A reload or a second tab: the newest connection wins.
			this.visitorChat.delete( chat.visitor );
			chat.visitor.close( 4009, 'replaced by a newer connection' );
		}
		chat.visitor = peer;
		this.visitorChat.set( peer, chat.record.id );
		peer.send( { type: 'welcome', role: 'visitor', name: peer.identity.name, chats: [ this.view( chat ) ] } );
		this.sendBacklog( peer, chat.record, resume.lastSeq, chat.buffer );
		if ( chat.record.status === 'away' ) {
			await this.setStatus( chat, 'active' );
		}
	}

	/* -------------------------------------------------------------- */
	/* Frames                                                          */
	/* -------------------------------------------------------------- */

	async handle( peer: Peer, frame: Exclude< ClientFrame, HelloFrame > ): Promise< void > {
		switch ( frame.type ) {
			case 'start':
				return this.start( peer, frame );
			case 'send':
				return this.send( peer, frame.chatId, frame.clientId, frame.text );
			case 'end':
				return this.end( this.participantChat( peer, frame.chatId ) );
			case 'sync': {
				const chat = this.participantChat( peer, frame.chatId );
				this.sendBacklog( peer, chat.record, frame.afterSeq, chat.buffer );
				return;
			}
			case 'presence':
				return this.presence( peer, frame.online );
			case 'take':
				return this.take( peer, frame.chatId );
		}
	}

	private async start( peer: Peer, f: StartFrame ): Promise< void > {
		const current = this.visitorChat.get( peer );
		if ( current && this.live.has( current ) ) {
			throw new ChatError( 'conflict', 'this connection already has an open chat' );
		}
		const at = this.now();
		const site = peer.identity.site.id;
		const mode = this.defaultMode( site );
		const code = codeFromUuid( randomUUID() );
		const record: ChatRecord = {
			id: randomUUID(),
			site,
			codeHash: hashCode( code ),
			mode,
			dept: f.dept ?? null,
			status: 'waiting',
			createdAt: at,
			closedAt: null,
			keep: false,
			visitorSub: peer.identity.subject,
			// Pre-chat input is written only where the transcript is kept.
			visitorName: mode === 'stored' ? ( f.name ?? null ) : null,
			agentSub: null,
			agentName: null,
			from: f.from ?? null,
			consentVersion: f.consentVersion ?? null,
		};
		const chat: LiveChat = {
			record,
			lastSeq: 0,
			buffer: [],
			clientSeqs: new Map(),
			visitor: peer,
			preview: null,
		};
		if ( mode === 'ephemeral' && f.name ) {
			// Held in memory only, for the agent to address the visitor.
			chat.record = { ...record, visitorName: f.name };
		}
		// Registered before the write resolves so that frames right behind this
		// one find the chat; the store commits in order, so they follow it to disk.
		this.live.set( record.id, chat );
		this.visitorChat.set( peer, record.id );
		this.store.bumpStat( 'chat_started', at );
		await this.store.insertChat( record );
		peer.send( { type: 'started', chat: this.view( chat ), code: formatCode( code ) } );
		this.log.info( { chat: record.id, mode, site }, 'chat started' );
		if ( f.text ) {
			await this.send( peer, record.id, f.clientId, f.text );
		} else {
			this.broadcastQueue( site );
		}
	}

	private async send( peer: Peer, chatId: string, clientId: string, text: string ): Promise< void > {
		const chat = this.participantChat( peer, chatId );
		if ( chat.record.status === 'closed' ) {
			throw new ChatError( 'conflict', 'the chat has ended' );
		}
		const known = this.knownClientMessage( chat, clientId );
		if ( known !== undefined ) {
			peer.send( { type: 'ack', chatId, clientId, seq: known } );
			return;
		}
		const from: Author = peer.identity.role;
		const message = this.nextMessage( chat, from, text, {
			clientId,
			name: from === 'agent' ? peer.identity.name : undefined,
		} );
		this.store.bumpStat( from === 'visitor' ? 'message_received' : 'message_sent', message.at );
		if ( from === 'visitor' && chat.preview === null ) {
			chat.preview = text.slice( 0, 200 );
		}
		await this.commit( chat, message );
		peer.send( { type: 'ack', chatId, clientId, seq: message.seq } );
		if ( chat.record.status === 'waiting' && from === 'visitor' ) {
			this.broadcastQueue( chat.record.site );
		}
	}

	private async take( peer: Peer, chatId: string ): Promise< void > {
		const chat = this.live.get( chatId );
		if ( ! chat || chat.record.site !== peer.identity.site.id ) {
			throw new ChatError( 'not_found', 'no such chat' );
		}
		if ( chat.record.status !== 'waiting' ) {
			throw new ChatError( 'conflict', 'the chat is no longer waiting' );
		}
		const agent = this.agentOf( peer );
		await this.setStatus( chat, chat.visitor ? 'active' : 'away', { sub: agent.sub, name: agent.name } );
		// The agent has seen nothing of this chat yet: hand over what was said so far.
		agent.peers.forEach( ( p ) => this.sendBacklog( p, chat.record, 0, chat.buffer ) );
		await this.systemMessage( chat, 'agent_joined', agent.name );
		this.broadcastQueue( chat.record.site );
	}

	private async end( chat: LiveChat ): Promise< void > {
		if ( chat.record.status === 'closed' ) return;
		const wasWaiting = chat.record.status === 'waiting';
		await this.systemMessage( chat, 'ended' );
		await this.setStatus( chat, 'closed' );
		this.store.bumpStat( 'chat_ended', this.now() );
		const agent = chat.record.agentSub ? this.agents.get( agentKey( chat.record.site, chat.record.agentSub ) ) : undefined;
		if ( agent && this.chatsOf( agent ).length === 1 ) {
			agent.idleSince = this.now();
		}
		this.live.delete( chat.record.id );
		if ( chat.visitor ) this.visitorChat.delete( chat.visitor );
		chat.buffer = [];
		this.log.info( { chat: chat.record.id }, 'chat closed' );
		if ( wasWaiting ) this.broadcastQueue( chat.record.site );
	}

	private presence( peer: Peer, online: boolean ): void {
		const agent = this.agentOf( peer );
		if ( online && ! agent.online ) agent.idleSince = this.now();
		agent.online = online;
		for ( const p of agent.peers ) {
			p.send( { type: 'welcome', role: 'agent', name: agent.name, online, chats: this.chatsOf( agent ).map( ( c ) => this.view( c ) ) } );
		}
	}

	/* -------------------------------------------------------------- */
	/* Helpers                                                         */
	/* -------------------------------------------------------------- */

	private agentOf( peer: Peer ): AgentState {
		const agent = this.agents.get( agentKey( peer.identity.site.id, peer.identity.subject ) );
		if ( ! agent ) throw new ChatError( 'forbidden', 'agents only' );
		return agent;
	}

	/** The chat, if this peer takes part in it; the same answer for "absent" and "not yours". */
	private participantChat( peer: Peer, chatId: string ): LiveChat {
		const chat = this.live.get( chatId );
		const { identity } = peer;
		const mine =
			chat &&
			chat.record.site === identity.site.id &&
			( identity.role === 'visitor'
				? chat.visitor === peer
				: chat.record.agentSub === identity.subject );
		if ( ! chat || ! mine ) {
			throw new ChatError( 'not_found', 'no such chat on this connection' );
		}
		return chat;
	}

	private knownClientMessage( chat: LiveChat, clientId: string ): number | undefined {
		const seq = chat.clientSeqs.get( clientId );
		if ( seq !== undefined || chat.record.mode !== 'stored' ) return seq;
		// After a restart the map is empty; the database remembers.
		return this.store.findClientMessage( chat.record.id, clientId )?.seq;
	}

	private nextMessage(
		chat: LiveChat,
		from: Author,
		text: string,
		extra: { clientId?: string; name?: string; event?: SystemEvent }
	): ChatMessage {
		const message: ChatMessage = { chatId: chat.record.id, seq: ++chat.lastSeq, from, text, at: this.now() };
		if ( extra.clientId ) {
			message.clientId = extra.clientId;
			chat.clientSeqs.set( extra.clientId, message.seq );
		}
		if ( extra.name ) message.name = extra.name;
		if ( extra.event ) message.event = extra.event;
		return message;
	}

	/** Durable first (stored) or buffered (ephemeral), then handed to everyone in the chat. */
	private async commit( chat: LiveChat, message: ChatMessage ): Promise< void > {
		if ( chat.record.mode === 'stored' ) {
			await this.store.appendMessage( message );
		} else {
			chat.buffer.push( message );
		}
		this.toChat( chat, { type: 'message', ...message } );
	}

	private async systemMessage( chat: LiveChat, event: SystemEvent, name?: string ): Promise< void > {
		await this.commit( chat, this.nextMessage( chat, 'system', '', { event, name } ) );
	}

	private async setStatus(
		chat: LiveChat,
		status: ChatStatus,
		agent?: { sub: string; name: string }
	): Promise< void > {
		const at = this.now();
		chat.record = {
			...chat.record,
			status,
			closedAt: status === 'closed' ? at : chat.record.closedAt,
			...( agent ? { agentSub: agent.sub, agentName: agent.name } : {} ),
		};
		await this.store.setStatus( chat.record.id, status, at, agent );
		this.toChat( chat, { type: 'chat', chat: this.view( chat ) } );
	}

	private sendBacklog( peer: Peer, record: ChatRecord, afterSeq: number, buffer: ChatMessage[] ): void {
		const messages =
			record.mode === 'stored'
				? this.store.messagesAfter( record.id, afterSeq )
				: buffer.filter( ( m ) => m.seq > afterSeq );
		for ( const m of messages ) peer.send( { type: 'message', ...m } );
	}

	private toChat( chat: LiveChat, frame: ServerFrame ): void {
		chat.visitor?.send( frame );
		if ( chat.record.agentSub ) {
			const agent = this.agents.get( agentKey( chat.record.site, chat.record.agentSub ) );
			agent?.peers.forEach( ( p ) => p.send( frame ) );
		}
	}

	private chatsOf( agent: AgentState ): LiveChat[] {
		return [ ...this.live.values() ].filter(
			( c ) => c.record.site === agent.site && c.record.agentSub === agent.sub
		);
	}

	private queueFrame( site: string ): ServerFrame {
		const waiting: QueueEntry[] = [ ...this.live.values() ]
			.filter( ( c ) => c.record.site === site && c.record.status === 'waiting' )
			.map( ( c ) => ( { chat: this.view( c ), preview: c.preview } ) );
		return { type: 'queue', waiting };
	}

	private broadcastQueue( site: string ): void {
		const frame = this.queueFrame( site );
		for ( const agent of this.agents.values() ) {
			if ( agent.site === site ) agent.peers.forEach( ( p ) => p.send( frame ) );
		}
	}

	private view( chat: LiveChat ): ChatView {
		return this.viewOf( chat.record, chat.lastSeq );
	}

	private viewOf( r: ChatRecord, lastSeq: number ): ChatView {
		return {
			id: r.id,
			status: r.status,
			mode: r.mode,
			dept: r.dept,
			createdAt: r.createdAt,
			lastSeq,
			visitorName: r.visitorName,
			agentName: r.agentName,
			from: r.from,
		};
	}

	private fail( e: unknown ): void {
		this.log.error( { err: e }, 'chat state update failed' );
	}

	/** For tests and the health endpoint. */
	counts(): { open: number; agents: number } {
		return { open: this.live.size, agents: this.agents.size };
	}
}
