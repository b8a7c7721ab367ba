/**
 * Chats as rooms: their lifecycle (waiting → active ⇄ away → closed), routing
 * to agents, who may see them, and the numbered message stream. Every status
 * change is recorded with its time; message text reaches the store only in
 * stored mode.
 */
import { randomUUID } from 'node:crypto';
import { codeFromUuid, formatCode, hashCode, normaliseCode } from './chat-code';
import type { SiteConfig } from './config';
import type { Logger } from './log';
import type { Peer } from './peer';
import { LIMITS } from './protocol';
import type {
	AgentView,
	Author,
	ChatMessage,
	ChatMode,
	ChatStatus,
	ChatView,
	ClientFrame,
	ErrorCode,
	FieldValues,
	HelloFrame,
	PageView,
	QueueEntry,
	ServerFrame,
	StartFrame,
	SystemEvent,
} from './protocol';
import { RecentClientIds } from './recent-client-ids';
import { pickAgent, serves, type Candidate } from './routing';
import type { ChatChanges, ChatRecord, ChatStore } from './store/types';

interface LiveChat {
	record: ChatRecord;
	lastSeq: number;
	/** Ephemeral mode only: the messages, in memory for the chat's life. */
	buffer: ChatMessage[];
	/** clientId → seq of recent messages, so a resend after a reconnect is acknowledged, not doubled. */
	clientSeqs: RecentClientIds;
	visitor: Peer | null;
	/** First visitor message, shown in the agents' queue. */
	preview: string | null;
	/** The visitor's current page while they consent to tracking; memory only. */
	page: PageView | null;
	/** The pages of this visit since consent, oldest first; memory only, emptied on withdrawal. */
	pages: PageView[];
	/** Last message or status change: the inactivity timeout counts from here. */
	lastActivity: number;
	/** Queue position last sent to the visitor (0: none sent). */
	position: number;
}

interface AgentState {
	key: string;
	site: string;
	sub: string;
	name: string;
	peers: Set< Peer >;
	online: boolean;
	/** Departments from the agent's token (empty: all). */
	tokenDepts: string[];
	/** Departments the agent is online for now (empty: all). */
	depts: string[];
	maxChats: number;
	/** Open chats assigned to this agent. */
	chats: Set< string >;
	/** End of the agent's last chat: the routing's "idle since" (null: the store has not answered yet). */
	idleSince: number | null;
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

export type DeleteResult = 'deleted' | 'not_found' | 'kept';

type Frame< T extends ClientFrame[ 'type' ] > = Extract< ClientFrame, { type: T } >;

const agentKey = ( site: string, sub: string ): string => `${ site }\u0000${ sub }`;
/** Messages an ephemeral chat keeps in memory for resumes. */
const EPHEMERAL_BUFFER = 500;
/** Recent clientIds a chat recognises in a resend (see RecentClientIds). */
const REMEMBERED_CLIENT_IDS = 1024;

export class ChatRooms {
	private readonly live = new Map< string, LiveChat >();
	private readonly agents = new Map< string, AgentState >();
	private readonly visitorChat = new Map< Peer, string >();
	/**
	 * Chats started and ended since the last activity line (see
	 * takeActivity). The log never gets a line per chat: its id would
	 * outlive the chat's deletion, and the line's own millisecond time would
	 * record the chat's start or end far finer than the hourly counters the
	 * service keeps.
	 */
	private activity = { started: 0, ended: 0 };

	constructor(
		private readonly store: ChatStore,
		private readonly log: Logger,
		private readonly sites: ReadonlyMap< string, SiteConfig >,
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
		for ( const record of await this.store.openChats() ) {
			if ( record.mode === 'ephemeral' || ! this.sites.has( record.site ) ) {
				await this.store.setStatus( record.id, 'closed', at );
				this.store.bumpStat( record.site, 'chat_ended', at );
				continue;
			}
			const chat = this.liveChat( record, null );
			const history = await this.store.messagesAfter( record.id, 0 );
			chat.lastSeq = history.length ? history[ history.length - 1 ].seq : 0;
			chat.preview = history.find( ( m ) => m.from === 'visitor' && m.text )?.text ?? null;
			// Resends after the restart must be recognised without asking the database each time.
			for ( const m of history ) if ( m.clientId ) chat.clientSeqs.remember( m.clientId, m.seq );
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
			if ( agent?.peers.delete( peer ) && agent.peers.size === 0 ) {
				this.broadcastAgents( agent.site );
			}
			return;
		}
		const chatId = this.visitorChat.get( peer );
		this.visitorChat.delete( peer );
		const chat = chatId ? this.live.get( chatId ) : undefined;
		if ( ! chat || chat.visitor !== peer ) return;
		chat.visitor = null;
		this.toAgents( chat, { type: 'typing', chatId: chat.record.id, from: 'visitor', typing: false } );
		if ( chat.page ) {
			// The visitor left that page (or closed the window): the agent no longer sees it.
			chat.page = null;
			if ( chat.record.status !== 'active' ) this.toAgents( chat, { type: 'chat', chat: this.view( chat ) } );
		}
		if ( chat.record.status === 'active' ) {
			this.setStatus( chat, 'away' ).catch( ( e ) => this.fail( e ) );
		}
	}

	private connectAgent( peer: Peer ): void {
		const { identity } = peer;
		const site = identity.site.id;
		const key = agentKey( site, identity.subject );
		let agent = this.agents.get( key );
		if ( ! agent ) {
			agent = {
				key,
				site,
				sub: identity.subject,
				name: identity.name,
				peers: new Set(),
				online: false,
				tokenDepts: identity.depts,
				depts: identity.depts,
				maxChats: identity.maxChats,
				chats: new Set(
					[ ...this.live.values() ]
						.filter( ( c ) => c.record.site === site && c.record.agentSub === identity.subject )
						.map( ( c ) => c.record.id )
				),
				idleSince: null,
			};
			this.agents.set( key, agent );
			this.loadIdleSince( agent );
		}
		// The newest token carries the current name, departments and limit.
		agent.name = identity.name || agent.name;
		agent.tokenDepts = identity.depts;
		agent.depts = this.allowedDepts( agent, agent.depts );
		agent.maxChats = identity.maxChats;
		agent.peers.add( peer );
		peer.send( {
			type: 'welcome',
			role: 'agent',
			name: agent.name,
			online: agent.online,
			chats: this.chatsOf( agent ).map( ( c ) => this.view( c ) ),
		} );
		peer.send( { type: 'presence', online: agent.online, depts: agent.depts } );
		peer.send( this.queueFrame( site ) );
		if ( agent.peers.size === 1 ) {
			this.broadcastAgents( site );
			this.dispatch( site );
		} else {
			peer.send( this.agentsFrame( site ) );
		}
	}

	private async connectVisitor( peer: Peer, resume: HelloFrame[ 'resume' ] ): Promise< void > {
		if ( ! resume ) {
			peer.send( { type: 'welcome', role: 'visitor', name: peer.identity.name, chats: [] } );
			return;
		}
		const code = normaliseCode( resume.code );
		const chat = this.live.get( resume.chatId );
		const record = chat?.record ?? ( await this.store.getChat( resume.chatId ) );
		if ( ! code || ! record || record.site !== peer.identity.site.id || record.codeHash !== hashCode( code ) ) {
			throw new ChatError( 'not_found', 'no such chat to resume' );
		}
		if ( ! chat ) {
			// Closed: show how it ended (stored mode has the transcript), nothing more.
			peer.send( { type: 'welcome', role: 'visitor', name: peer.identity.name, chats: [ this.viewOf( record, await this.store.lastSeq( record.id ) ) ] } );
			await this.sendBacklog( peer, record, resume.lastSeq, [] );
			return;
		}
		if ( chat.visitor && chat.visitor !== peer ) {
			// A reload or a second tab: the newest connection wins.
			this.visitorChat.delete( chat.visitor );
			chat.visitor.close( 4009, 'replaced by a newer connection' );
		}
		chat.visitor = peer;
		chat.position = 0;
		this.visitorChat.set( peer, chat.record.id );
		// setStatus changes the chat in memory at once, so the welcome already says "active".
		const back = chat.record.status === 'away' ? this.setStatus( chat, 'active' ) : null;
		peer.send( { type: 'welcome', role: 'visitor', name: peer.identity.name, chats: [ this.view( chat ) ] } );
		await this.sendBacklog( peer, chat.record, resume.lastSeq, chat.buffer );
		if ( back ) await back;
		else if ( chat.record.status === 'waiting' ) this.sendPositions( chat.record.site );
	}

	/* -------------------------------------------------------------- */
	/* Frames                                                          */
	/* -------------------------------------------------------------- */

	async handle( peer: Peer, frame: Exclude< ClientFrame, HelloFrame > ): Promise< void > {
		switch ( frame.type ) {
			case 'start':
				return this.start( peer, frame );
			case 'send':
				if ( frame.options && peer.identity.role !== 'agent' ) {
					throw new ChatError( 'forbidden', 'only agents offer reply options' );
				}
				return this.send( peer, frame.chatId, frame.clientId, { text: frame.text, options: frame.options } );
			case 'submit':
				return this.send( peer, frame.chatId, frame.clientId, { text: '', dialog: frame.dialog, fields: frame.fields } );
			case 'end':
				return this.end( this.participantChat( peer, frame.chatId ) );
			case 'sync': {
				const chat = this.participantChat( peer, frame.chatId );
				return this.sendBacklog( peer, chat.record, frame.afterSeq, chat.buffer );
			}
			case 'typing':
				return this.typing( peer, frame );
			case 'restart':
				return this.restart( peer, frame );
			case 'presence':
				return this.presence( peer, frame );
			case 'take':
				return this.take( peer, frame.chatId );
			case 'transfer':
				return this.transfer( peer, frame );
			case 'keep':
				return this.keep( peer, frame );
			case 'page':
				return this.page( peer, frame );
		}
	}

	private async start( peer: Peer, f: StartFrame ): Promise< void > {
		const current = this.visitorChat.get( peer );
		if ( current && this.live.has( current ) ) {
			throw new ChatError( 'conflict', 'this connection already has an open chat' );
		}
		const site = peer.identity.site;
		const mode: ChatMode = f.mode && site.visitorChoosesMode ? f.mode : site.defaultMode;
		await this.openChat( peer, {
			clientId: f.clientId,
			mode,
			dept: f.dept ?? null,
			from: f.from ?? null,
			consentVersion: f.consentVersion ?? null,
			form: f.form,
			text: f.text,
		} );
	}

	private async openChat(
		peer: Peer,
		o: {
			clientId: string;
			mode: ChatMode;
			dept: string | null;
			from: string | null;
			consentVersion: string | null;
			form?: FieldValues;
			text?: string;
		}
	): Promise< void > {
		const at = this.now();
		const site = peer.identity.site.id;
		const code = codeFromUuid( randomUUID() );
		const name = o.form?.name?.slice( 0, 80 ) || null;
		const record: ChatRecord = {
			id: randomUUID(),
			site,
			codeHash: hashCode( code ),
			mode: o.mode,
			dept: o.dept,
			status: 'waiting',
			createdAt: at,
			closedAt: null,
			keep: false,
			visitorSub: peer.identity.subject,
			// Pre-chat input is written only where the transcript is kept.
			visitorName: o.mode === 'stored' ? name : null,
			agentSub: null,
			agentName: null,
			from: o.from,
			consentVersion: o.consentVersion,
		};
		const chat = this.liveChat( record, peer );
		// In memory only (ephemeral), for the agent to address the visitor.
		if ( name ) chat.record = { ...record, visitorName: name };
		// Registered before the write resolves so that frames right behind this
		// one find the chat; the store commits in order, so they follow it to disk.
		this.live.set( record.id, chat );
		this.visitorChat.set( peer, record.id );
		this.store.bumpStat( site, 'chat_started', at );
		await this.store.insertChat( record );
		peer.send( { type: 'started', chat: this.view( chat ), code: formatCode( code ) } );
		// No log line here (see `activity`): counted, and logged once an hour.
		this.activity.started++;
		if ( o.form && Object.keys( o.form ).length > 0 ) {
			// The completed pre-chat form, processed now that it is complete.
			await this.commit( chat, this.nextMessage( chat, 'visitor', '', { dialog: 'prechat', fields: o.form } ) );
		}
		if ( o.text ) {
			await this.send( peer, record.id, o.clientId, { text: o.text } );
		}
		this.dispatch( site );
	}

	private async send(
		peer: Peer,
		chatId: string,
		clientId: string,
		content: { text: string; dialog?: string; fields?: FieldValues; options?: string[] }
	): Promise< void > {
		const chat = this.participantChat( peer, chatId );
		if ( chat.record.status === 'closed' ) {
			throw new ChatError( 'conflict', 'the chat has ended' );
		}
		const known = chat.clientSeqs.get( clientId );
		if ( known !== undefined ) {
			// A resend: acknowledged with the number the first copy got (once it is durable), not written twice.
			peer.send( { type: 'ack', chatId, clientId, seq: await known } );
			return;
		}
		const from: Author = peer.identity.role;
		const message = this.nextMessage( chat, from, content.text, {
			clientId,
			name: from === 'agent' ? peer.identity.name : undefined,
			dialog: content.dialog,
			fields: content.fields,
			options: content.options,
		} );
		this.store.bumpStat( chat.record.site, from === 'visitor' ? 'message_received' : 'message_sent', message.at );
		const newPreview = from === 'visitor' && chat.preview === null && content.text !== '';
		if ( newPreview ) chat.preview = content.text.slice( 0, 200 );
		const numbered = this.number( chat, message );
		// While the write is in flight, a resend waits for its number.
		chat.clientSeqs.remember( clientId, numbered );
		let delivered: boolean;
		try {
			delivered = await this.commit( chat, message, peer, numbered );
		} catch ( e ) {
			// Not durable: a resend must be written again, not answered with a number.
			chat.clientSeqs.forget( clientId );
			throw e;
		}
		if ( typeof numbered !== 'number' ) chat.clientSeqs.remember( clientId, message.seq );
		// The message's own copy, with its clientId, is the sender's acknowledgement;
		// an `ack` only where that copy did not reach the sending connection.
		if ( ! delivered ) peer.send( { type: 'ack', chatId, clientId, seq: message.seq } );
		if ( newPreview && chat.record.status === 'waiting' ) {
			this.broadcastQueue( chat.record.site );
		}
	}

	private typing( peer: Peer, f: Frame< 'typing' > ): void {
		const chat = this.participantChat( peer, f.chatId );
		const frame: ServerFrame = { type: 'typing', chatId: f.chatId, from: peer.identity.role, typing: f.typing };
		if ( peer.identity.role === 'visitor' ) this.toAgents( chat, frame );
		else chat.visitor?.send( frame );
	}

	/**
	 * The visitor's current page (sent only while they consent to tracking;
	 * null once they withdraw). Kept in memory, shown to the chat's agent.
	 */
	private page( peer: Peer, f: Frame< 'page' > ): void {
		const chat = this.participantChat( peer, f.chatId );
		chat.page = f.page;
		if ( ! f.page ) {
			chat.pages = []; // withdrawn: the agent keeps nothing of it
		} else {
			const last = chat.pages[ chat.pages.length - 1 ];
			if ( last?.path !== f.page.path || last.title !== f.page.title ) chat.pages = [ ...chat.pages, f.page ].slice( -LIMITS.maxVisitPages );
		}
		this.toAgents( chat, { type: 'chat', chat: this.view( chat ) } );
	}

	/**
	 * The visitor's "forget this chat": end it, delete its history, and go on
	 * in a new chat that stores nothing.
	 */
	private async restart( peer: Peer, f: Frame< 'restart' > ): Promise< void > {
		const chat = this.participantChat( peer, f.chatId );
		if ( chat.record.keep ) {
			throw new ChatError( 'conflict', 'the site keeps this chat as a record; ask the site to delete it' );
		}
		const { dept, from, consentVersion } = chat.record;
		await this.end( chat );
		await this.store.deleteChat( chat.record.id );
		await this.openChat( peer, { clientId: f.clientId, mode: 'ephemeral', dept, from, consentVersion } );
	}

	private presence( peer: Peer, f: Frame< 'presence' > ): void {
		const agent = this.agentOf( peer );
		agent.online = f.online;
		agent.depts = this.allowedDepts( agent, f.depts ?? agent.tokenDepts );
		for ( const p of agent.peers ) p.send( { type: 'presence', online: agent.online, depts: agent.depts } );
		this.broadcastAgents( agent.site );
		this.dispatch( agent.site );
	}

	private async take( peer: Peer, chatId: string ): Promise< void > {
		const chat = this.live.get( chatId );
		if ( ! chat || chat.record.site !== peer.identity.site.id ) {
			throw new ChatError( 'not_found', 'no such chat' );
		}
		if ( chat.record.status !== 'waiting' ) {
			throw new ChatError( 'conflict', 'the chat is no longer waiting' );
		}
		await this.assign( chat, this.agentOf( peer ) );
		this.afterQueueChange( chat.record.site );
	}

	private async transfer( peer: Peer, f: Frame< 'transfer' > ): Promise< void > {
		const chat = this.participantChat( peer, f.chatId );
		const from = this.agentOf( peer );
		if ( chat.record.status === 'closed' ) throw new ChatError( 'conflict', 'the chat has ended' );
		if ( f.toAgent !== undefined ) {
			const to = this.agents.get( agentKey( from.site, f.toAgent ) );
			if ( ! to || to === from || ! to.online || to.peers.size === 0 ) {
				throw new ChatError( 'not_found', 'that agent is not online' );
			}
			this.release( from, chat );
			await this.assign( chat, to, 'transferred' );
		} else {
			this.release( from, chat );
			await this.setStatus( chat, 'waiting', { agent: null, dept: f.toDept ?? null } );
			await this.systemMessage( chat, 'transferred' );
			chat.position = 0;
			this.dispatch( from.site );
		}
		// The chat has left this agent's hands: its console shows it as someone else's.
		from.peers.forEach( ( p ) => p.send( { type: 'chat', chat: this.view( chat ) } ) );
		this.broadcastAgents( from.site );
	}

	private async keep( peer: Peer, f: Frame< 'keep' > ): Promise< void > {
		const chat = this.participantChat( peer, f.chatId );
		chat.record = { ...chat.record, keep: f.keep };
		await this.store.setKeep( chat.record.id, f.keep );
		this.toChat( chat, { type: 'chat', chat: this.view( chat ) } );
	}

	/** Ends a chat (by either side, the inactivity timeout or a deletion). */
	private async end( chat: LiveChat, event: SystemEvent = 'ended' ): Promise< void > {
		if ( chat.record.status === 'closed' ) return;
		const wasWaiting = chat.record.status === 'waiting';
		await this.systemMessage( chat, event );
		await this.setStatus( chat, 'closed' );
		this.store.bumpStat( chat.record.site, 'chat_ended', this.now() );
		const agent = chat.record.agentSub ? this.agents.get( agentKey( chat.record.site, chat.record.agentSub ) ) : undefined;
		if ( agent ) this.release( agent, chat );
		this.live.delete( chat.record.id );
		if ( chat.visitor ) this.visitorChat.delete( chat.visitor );
		chat.buffer = [];
		this.activity.ended++;
		if ( wasWaiting ) this.afterQueueChange( chat.record.site );
		if ( agent ) {
			this.broadcastAgents( chat.record.site );
			this.dispatch( chat.record.site );
		}
	}

	/* -------------------------------------------------------------- */
	/* Routing                                                         */
	/* -------------------------------------------------------------- */

	/** Hands waiting chats (oldest first) to available agents, then updates queue and positions. */
	private dispatch( site: string ): void {
		const waiting = this.waitingChats( site );
		for ( const chat of waiting ) {
			const agent = pickAgent( this.candidates( site ), chat.record.dept );
			if ( ! agent ) continue;
			// assign() marks the chat taken before its first await, so overlapping
			// dispatches cannot hand the same chat out twice.
			this.assign( chat, agent.state ).catch( ( e ) => this.fail( e ) );
		}
		this.afterQueueChange( site );
	}

	private candidates( site: string ): Array< Candidate & { state: AgentState } > {
		const out: Array< Candidate & { state: AgentState } > = [];
		for ( const a of this.agents.values() ) {
			if ( a.site !== site || a.idleSince === null ) continue;
			out.push( {
				key: a.key,
				online: a.online,
				connected: a.peers.size > 0,
				depts: a.depts,
				maxChats: a.maxChats,
				load: a.chats.size,
				idleSince: a.idleSince,
				state: a,
			} );
		}
		return out;
	}

	private async assign( chat: LiveChat, agent: AgentState, event: SystemEvent = 'agent_joined' ): Promise< void > {
		agent.chats.add( chat.record.id );
		chat.position = 0;
		await this.setStatus( chat, chat.visitor ? 'active' : 'away', { agent: { sub: agent.sub, name: agent.name } } );
		// The agent has seen nothing of this chat yet: hand over what was said so far.
		await Promise.all( [ ...agent.peers ].map( ( p ) => this.sendBacklog( p, chat.record, 0, chat.buffer ) ) );
		await this.systemMessage( chat, event, agent.name );
	}

	/**
	 * The store's answer for a newly seen agent. Until it comes the agent gets
	 * no chat by routing (see candidates), so the longest-idle rule holds.
	 */
	private loadIdleSince( agent: AgentState ): void {
		const known = ( since: number ): void => {
			// A chat of its own that ended meanwhile is later than anything the store knew.
			agent.idleSince = Math.max( since, agent.idleSince ?? 0 );
			// Online already (a presence frame came first): what routing passed over.
			if ( agent.online ) this.dispatch( agent.site );
		};
		this.store.lastChatEnd( agent.site, agent.sub ).then( known, ( e: unknown ) => {
			this.fail( e );
			known( 0 );
		} );
	}

	private release( agent: AgentState, chat: LiveChat ): void {
		if ( agent.chats.delete( chat.record.id ) && agent.chats.size === 0 ) {
			agent.idleSince = this.now();
		}
	}

	private allowedDepts( agent: AgentState, wanted: readonly string[] ): string[] {
		// An agent limited by its token to some departments cannot widen that.
		return agent.tokenDepts.length === 0 ? [ ...wanted ] : wanted.filter( ( d ) => agent.tokenDepts.includes( d ) );
	}

	/* -------------------------------------------------------------- */
	/* Timers and the HTTP API                                          */
	/* -------------------------------------------------------------- */

	/** Ends open chats idle longer than their site's timeout; returns how many. */
	async sweepInactive(): Promise< number > {
		const now = this.now();
		const due = [ ...this.live.values() ].filter( ( c ) => {
			const site = this.sites.get( c.record.site );
			return site !== undefined && now - c.lastActivity >= site.inactivityMinutes * 60_000;
		} );
		for ( const chat of due ) await this.end( chat, 'timeout' );
		return due.length;
	}

	/**
	 * Deletes closed chats past their site's retention period (except kept
	 * ones): every site's on the periodic run, one site's when that site asks.
	 */
	async purgeExpired( onlySite?: string ): Promise< number > {
		let total = 0;
		for ( const site of this.sites.values() ) {
			if ( onlySite !== undefined && site.id !== onlySite ) continue;
			total += await this.store.purgeClosedBefore( site.id, this.now() - site.retentionDays * 86_400_000 );
		}
		if ( total > 0 ) this.log.info( { deleted: total }, 'retention: chats deleted' );
		return total;
	}

	/** The visitor's "delete my chat" with its code: ends it if running, then deletes it. */
	async deleteByCode( site: string, rawCode: string ): Promise< DeleteResult > {
		const code = normaliseCode( rawCode );
		const record = code ? await this.store.findByCode( site, hashCode( code ) ) : undefined;
		if ( ! record ) return 'not_found';
		if ( record.keep ) return 'kept';
		const chat = this.live.get( record.id );
		if ( chat ) await this.end( chat );
		await this.store.deleteChat( record.id );
		return 'deleted';
	}

	/**
	 * WordPress's personal data eraser: every contact-form submission and
	 * stored chat tied to this e-mail address goes, except chats the site keeps
	 * as records (counted, so WordPress can tell the admin why).
	 */
	async eraseByEmail( site: string, email: string ): Promise< { contacts: number; chats: number; retained: number } > {
		const found = await this.store.findByEmail( site, email );
		let chats = 0;
		let retained = 0;
		for ( const record of found.chats ) {
			if ( record.keep ) {
				retained++;
				continue;
			}
			const chat = this.live.get( record.id );
			if ( chat ) await this.end( chat );
			await this.store.deleteChat( record.id );
			chats++;
		}
		for ( const contact of found.contacts ) await this.store.deleteContact( contact.id );
		if ( chats + found.contacts.length > 0 ) this.log.info( { chats, contacts: found.contacts.length }, 'personal data erased' );
		return { contacts: found.contacts.length, chats, retained };
	}

	/** How many chats started and ended since the last call; resets both. For the hourly activity line. */
	takeActivity(): { started: number; ended: number } {
		const taken = this.activity;
		this.activity = { started: 0, ended: 0 };
		return taken;
	}

	/** Is an agent online (for that department)? For the availability endpoint. */
	available( site: string, dept: string | null ): boolean {
		for ( const a of this.agents.values() ) {
			if ( a.site === site && a.online && a.peers.size > 0 && serves( a, dept ) ) return true;
		}
		return false;
	}

	counts( site?: string ): { open: number; waiting: number; agentsOnline: number } {
		const chats = [ ...this.live.values() ].filter( ( c ) => ! site || c.record.site === site );
		return {
			open: chats.length,
			waiting: chats.filter( ( c ) => c.record.status === 'waiting' ).length,
			agentsOnline: [ ...this.agents.values() ].filter( ( a ) => ( ! site || a.site === site ) && a.online && a.peers.size > 0 ).length,
		};
	}

	/* -------------------------------------------------------------- */
	/* Helpers                                                         */
	/* -------------------------------------------------------------- */

	private liveChat( record: ChatRecord, visitor: Peer | null ): LiveChat {
		return {
			record,
			lastSeq: 0,
			buffer: [],
			clientSeqs: new RecentClientIds( REMEMBERED_CLIENT_IDS ),
			visitor,
			preview: null,
			page: null,
			pages: [],
			lastActivity: this.now(),
			position: 0,
		};
	}

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

	private nextMessage(
		chat: LiveChat,
		from: Author,
		text: string,
		extra: { clientId?: string; name?: string; event?: SystemEvent; dialog?: string; fields?: FieldValues; options?: string[] }
	): ChatMessage {
		// Numbered when it is committed (see number()).
		const message: ChatMessage = { chatId: chat.record.id, seq: 0, from, text, at: this.now() };
		if ( extra.clientId ) message.clientId = extra.clientId;
		if ( extra.name ) message.name = extra.name;
		if ( extra.event ) message.event = extra.event;
		if ( extra.dialog ) message.dialog = extra.dialog;
		if ( extra.fields ) message.fields = extra.fields;
		if ( extra.options ) message.options = extra.options;
		chat.lastActivity = message.at;
		return message;
	}

	/**
	 * Gives the message its number. Stored: the store numbers it inside the
	 * write (a failed write takes no number, so there is no hole), and the
	 * promise resolves once it is durable. Ephemeral: numbered here, in
	 * memory, and buffered for resumes; its text never reaches the store.
	 */
	private number( chat: LiveChat, message: ChatMessage ): Promise< number > | number {
		if ( chat.record.mode === 'stored' ) return this.store.appendMessage( message );
		message.seq = ++chat.lastSeq;
		chat.buffer.push( message );
		// Enough to fill any reconnect gap a person would have; memory stays bounded.
		// Trimmed in halves, so the cost is not paid on every message.
		if ( chat.buffer.length >= 2 * EPHEMERAL_BUFFER ) chat.buffer.splice( 0, EPHEMERAL_BUFFER );
		return message.seq;
	}

	/**
	 * Numbered and durable (stored) or buffered (ephemeral), then handed to
	 * everyone in the chat. Resolves to whether `sender` was among them.
	 * The store settles writes in call order, so a chat's messages go out in
	 * number order.
	 */
	private async commit( chat: LiveChat, message: ChatMessage, sender?: Peer, numbered = this.number( chat, message ) ): Promise< boolean > {
		if ( typeof numbered !== 'number' ) {
			message.seq = await numbered;
			chat.lastSeq = message.seq;
		}
		return this.toChat( chat, { type: 'message', ...message }, sender );
	}

	private async systemMessage( chat: LiveChat, event: SystemEvent, name?: string ): Promise< void > {
		await this.commit( chat, this.nextMessage( chat, 'system', '', { event, name } ) );
	}

	/** Updates the chat in memory at once (routing reads it), then records the change. */
	private async setStatus( chat: LiveChat, status: ChatStatus, changes: ChatChanges = {} ): Promise< void > {
		const at = this.now();
		chat.lastActivity = at;
		chat.record = {
			...chat.record,
			status,
			closedAt: status === 'closed' ? at : chat.record.closedAt,
			...( changes.agent !== undefined ? { agentSub: changes.agent?.sub ?? null, agentName: changes.agent?.name ?? null } : {} ),
			...( changes.dept !== undefined ? { dept: changes.dept } : {} ),
		};
		await this.store.setStatus( chat.record.id, status, at, changes );
		this.toChat( chat, { type: 'chat', chat: this.view( chat ) } );
	}

	private async sendBacklog( peer: Peer, record: ChatRecord, afterSeq: number, buffer: ChatMessage[] ): Promise< void > {
		const messages =
			record.mode === 'stored'
				? await this.store.messagesAfter( record.id, afterSeq )
				: buffer.filter( ( m ) => m.seq > afterSeq );
		for ( const m of messages ) peer.send( { type: 'message', ...m } );
	}

	/**
	 * Everyone in the chat; the frame is serialised once, however many sockets
	 * get it. Returns whether `peer` was one of them.
	 */
	private toChat( chat: LiveChat, frame: ServerFrame, peer?: Peer ): boolean {
		const json = JSON.stringify( frame );
		chat.visitor?.sendJson( json );
		return this.toAgents( chat, json, peer ) || ( peer !== undefined && peer === chat.visitor );
	}

	private toAgents( chat: LiveChat, frame: ServerFrame | string, peer?: Peer ): boolean {
		if ( ! chat.record.agentSub ) return false;
		const peers = this.agents.get( agentKey( chat.record.site, chat.record.agentSub ) )?.peers;
		if ( ! peers?.size ) return false;
		const json = typeof frame === 'string' ? frame : JSON.stringify( frame );
		peers.forEach( ( p ) => p.sendJson( json ) );
		return peer !== undefined && peers.has( peer );
	}

	private chatsOf( agent: AgentState ): LiveChat[] {
		return [ ...agent.chats ].map( ( id ) => this.live.get( id ) ).filter( ( c ): c is LiveChat => c !== undefined );
	}

	private waitingChats( site: string ): LiveChat[] {
		return [ ...this.live.values() ]
			.filter( ( c ) => c.record.site === site && c.record.status === 'waiting' )
			.sort( ( a, b ) => a.record.createdAt - b.record.createdAt );
	}

	private queueFrame( site: string ): ServerFrame {
		const waiting: QueueEntry[] = this.waitingChats( site ).map( ( c ) => ( { chat: this.view( c ), preview: c.preview } ) );
		return { type: 'queue', waiting };
	}

	private afterQueueChange( site: string ): void {
		this.broadcastQueue( site );
		this.sendPositions( site );
	}

	private broadcastQueue( site: string ): void {
		this.toSiteAgents( site, this.queueFrame( site ) );
	}

	private toSiteAgents( site: string, frame: ServerFrame ): void {
		const json = JSON.stringify( frame );
		for ( const agent of this.agents.values() ) {
			if ( agent.site === site ) agent.peers.forEach( ( p ) => p.sendJson( json ) );
		}
	}

	/** Tells each waiting visitor its place among the chats waiting for the same department. */
	private sendPositions( site: string ): void {
		const ahead = new Map< string, number >();
		for ( const chat of this.waitingChats( site ) ) {
			const dept = chat.record.dept ?? '';
			const position = ( ahead.get( dept ) ?? 0 ) + 1;
			ahead.set( dept, position );
			if ( chat.visitor && chat.position !== position ) {
				chat.position = position;
				chat.visitor.send( { type: 'position', chatId: chat.record.id, position } );
			}
		}
	}

	private agentsFrame( site: string ): ServerFrame {
		const agents: AgentView[] = [];
		for ( const a of this.agents.values() ) {
			if ( a.site === site && a.online && a.peers.size > 0 ) {
				agents.push( { sub: a.sub, name: a.name, depts: a.depts, chats: a.chats.size } );
			}
		}
		return { type: 'agents', agents };
	}

	private broadcastAgents( site: string ): void {
		this.toSiteAgents( site, this.agentsFrame( site ) );
	}

	private view( chat: LiveChat ): ChatView {
		const view = this.viewOf( chat.record, chat.lastSeq );
		if ( chat.page ) view.page = chat.page;
		if ( chat.pages.length ) view.pages = chat.pages;
		return view;
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
			agent: r.agentSub,
			from: r.from,
			keep: r.keep,
		};
	}

	private fail( e: unknown ): void {
		this.log.error( { err: e }, 'chat state update failed' );
	}
}
