/**
 * A chat's life: opened by a visitor (waiting), active ⇄ away as the
 * visitor's connection comes and goes, closed by either side, the
 * inactivity timeout or a deletion. Every status change is recorded in the
 * store with its time; the chat in memory follows the write, and a write
 * that fails is rolled back in memory, so memory and disk never part.
 */
import { randomUUID } from 'node:crypto';
import type { Peer } from '../peer';
import { codeFromUuid, formatCode, hashCode } from '../chat-code';
import type { ChatMode, ChatStatus, FieldValues, StartFrame, SystemEvent } from '../protocol';
import type { AssignOutcome, ChatChanges, ChatRecord } from '../store/types';
import type { Core } from './core';
import { ChatError, newLiveChat, type LiveChat } from './live-chat';
import { chatView } from './views';

export interface OpenOptions {
	clientId: string;
	mode: ChatMode;
	dept: string | null;
	from: string | null;
	consentVersion: string | null;
	form?: FieldValues;
	text?: string;
	/** The visitor's language, for the assistant. */
	lang: string | null;
}

/** The record fields a status change may set. */
const CHANGED = [ 'status', 'closedAt', 'agentSub', 'agentName', 'dept' ] as const;

export class Lifecycle {
	/**
	 * Chats started and ended since the last activity line (see
	 * takeActivity). The log never gets a line per chat: its id would
	 * outlive the chat's deletion, and the line's own millisecond time would
	 * record the chat's start or end far finer than the hourly counters the
	 * service keeps.
	 */
	private activity = { started: 0, ended: 0 };

	constructor( private readonly core: Core ) {}

	/** The visitor's `start`: a new chat, in the mode the site allows. */
	async start( peer: Peer, f: StartFrame ): Promise< void > {
		if ( this.core.chats.chatOfVisitor( peer ) ) throw new ChatError( 'conflict', 'this connection already has an open chat' );
		const site = peer.identity.site;
		const mode: ChatMode = f.mode && site.visitorChoosesMode ? f.mode : site.defaultMode;
		await this.open( peer, {
			clientId: f.clientId,
			mode,
			dept: f.dept ?? null,
			from: f.from ?? null,
			consentVersion: f.consentVersion ?? null,
			form: f.form,
			text: f.text,
			lang: f.lang ?? null,
		} );
	}

	/**
	 * The visitor's "forget this chat": end it, delete its history, and go on
	 * in a new chat that stores nothing.
	 */
	async restart( peer: Peer, chat: LiveChat, clientId: string ): Promise< void > {
		if ( chat.record.keep ) {
			throw new ChatError( 'conflict', 'the site keeps this chat as a record; ask the site to delete it' );
		}
		const { dept, from, consentVersion } = chat.record;
		const lang = chat.assistant?.lang ?? null;
		await this.end( chat );
		await this.core.store.deleteChat( chat.record.id );
		await this.open( peer, { clientId, mode: 'ephemeral', dept, from, consentVersion, lang } );
	}

	/** A new chat for this visitor connection: waiting for an agent, or served by the site's assistant first. */
	private async open( peer: Peer, o: OpenOptions ): Promise< void > {
		const { core } = this;
		const at = core.now();
		const site = peer.identity.site.id;
		const assisted = core.assistant.serves( site, o.dept );
		const code = codeFromUuid( randomUUID() );
		const name = o.form?.name?.slice( 0, 80 ) || null;
		const record: ChatRecord = {
			id: randomUUID(),
			site,
			codeHash: hashCode( code ),
			mode: o.mode,
			dept: o.dept,
			status: assisted ? 'assistant' : 'waiting',
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
		// In memory (also for ephemeral chats), for the agent to address the visitor.
		const chat = newLiveChat( name ? { ...record, visitorName: name } : record, at );
		if ( assisted ) core.assistant.begin( chat, o.lang );
		// Registered before the write resolves so that frames right behind this
		// one find the chat; the store applies writes in call order, so they follow it to disk.
		core.chats.add( chat );
		core.chats.attachVisitor( chat, peer );
		core.store.bumpStat( site, 'chat_started', at );
		await core.store.insertChat( record );
		peer.send( { type: 'started', chat: chatView( core, chat ), code: formatCode( code ) } );
		// No log line here (see `activity`): counted, and logged once an hour.
		this.activity.started++;
		if ( o.form && Object.keys( o.form ).length > 0 ) await core.stream.form( chat, o.form );
		const first = o.text ? await core.stream.send( peer, chat, o.clientId, { text: o.text } ) : null;
		if ( assisted ) {
			if ( o.text && first ) await core.assistant.reply( chat, o.text, first.seq );
			return;
		}
		// Also sends the queue, with this chat's first message as its preview.
		core.dispatcher.dispatch( site );
	}

	/**
	 * Changes the chat's status (and agent or department) in memory at once —
	 * routing reads it, so a chat is never handed out twice — and records the
	 * change. If the write fails, the fields it set are put back (those no
	 * later change has set meanwhile) and the failure is rethrown.
	 */
	async setStatus( chat: LiveChat, status: ChatStatus, changes: ChatChanges = {} ): Promise< void > {
		const { core } = this;
		const at = core.now();
		const before = chat.record;
		const after: ChatRecord = {
			...before,
			status,
			closedAt: status === 'closed' ? at : before.closedAt,
			...( changes.agent !== undefined ? { agentSub: changes.agent?.sub ?? null, agentName: changes.agent?.name ?? null } : {} ),
			...( changes.dept !== undefined ? { dept: changes.dept } : {} ),
		};
		chat.lastActivity = at;
		core.chats.setRecord( chat, after );
		try {
			await core.store.setStatus( before.id, status, at, changes );
		} catch ( e ) {
			this.rollBack( chat, before, after );
			throw e;
		}
		core.fanout.toChat( chat, { type: 'chat', chat: chatView( core, chat ) } );
	}

	/**
	 * Gives the chat to the agent through the store's compare-and-set
	 * (store/types.ts `assign`): only if it is still waiting (or, with
	 * `from`, still that agent's) and the agent holds fewer than its limit
	 * of open chats in the store — on every node. Memory takes the change at
	 * once, as setStatus does, and gives it back on any answer but
	 * 'assigned'; memory may be behind the store (another node's chats), so
	 * the store's answer is the one that counts.
	 */
	async assign( chat: LiveChat, agent: { sub: string; name: string; maxChats: number }, from?: string ): Promise< AssignOutcome > {
		const { core } = this;
		const at = core.now();
		const before = chat.record;
		const status = chat.visitor ? 'active' : 'away';
		const after: ChatRecord = { ...before, status, agentSub: agent.sub, agentName: agent.name };
		chat.lastActivity = at;
		core.chats.setRecord( chat, after );
		let outcome: AssignOutcome;
		try {
			outcome = await core.store.assign( before.id, { agent: { sub: agent.sub, name: agent.name }, maxChats: agent.maxChats, status, at, from } );
		} catch ( e ) {
			this.rollBack( chat, before, after );
			throw e;
		}
		if ( outcome !== 'assigned' ) this.rollBack( chat, before, after );
		else core.fanout.toChat( chat, { type: 'chat', chat: chatView( core, chat ) } );
		return outcome;
	}

	/** Ends a chat (by either side, the inactivity timeout or a deletion). */
	async end( chat: LiveChat, event: SystemEvent = 'ended' ): Promise< void > {
		const { core } = this;
		if ( chat.record.status === 'closed' ) return;
		const wasWaiting = chat.record.status === 'waiting';
		const { site, agentSub } = chat.record;
		await core.stream.system( chat, event );
		await this.setStatus( chat, 'closed' );
		core.assistant.ended( chat );
		core.store.bumpStat( site, 'chat_ended', core.now() );
		core.chats.remove( chat );
		chat.buffer = [];
		this.activity.ended++;
		if ( wasWaiting ) core.dispatcher.afterQueueChange( site );
		if ( agentSub ) {
			core.dispatcher.broadcastAgents( site );
			core.dispatcher.dispatch( site );
		}
	}

	async keep( chat: LiveChat, keep: boolean ): Promise< void > {
		await this.core.store.setKeep( chat.record.id, keep );
		this.core.chats.setRecord( chat, { ...chat.record, keep } );
		this.core.fanout.toChat( chat, { type: 'chat', chat: chatView( this.core, chat ) } );
	}

	/** Ends open chats idle longer than their site's timeout; returns how many. */
	async sweepInactive(): Promise< number > {
		const now = this.core.now();
		const due = [ ...this.core.chats.all() ].filter( ( c ) => {
			const site = this.core.sites.get( c.record.site );
			return site !== undefined && now - c.lastActivity >= site.inactivityMinutes * 60_000;
		} );
		for ( const chat of due ) await this.end( chat, 'timeout' );
		return due.length;
	}

	/** How many chats started and ended since the last call; resets both. For the hourly activity line. */
	takeActivity(): { started: number; ended: number } {
		const taken = this.activity;
		this.activity = { started: 0, ended: 0 };
		return taken;
	}

	private rollBack( chat: LiveChat, before: ChatRecord, after: ChatRecord ): void {
		const now = chat.record;
		const restored = { ...now };
		let changed = false;
		for ( const field of CHANGED ) {
			if ( before[ field ] !== after[ field ] && now[ field ] === after[ field ] ) {
				( restored as Record< string, unknown > )[ field ] = before[ field ];
				changed = true;
			}
		}
		if ( ! changed ) return;
		this.core.chats.setRecord( chat, restored );
		if ( restored.agentSub === null && ( restored.status === 'active' || restored.status === 'away' ) && after.status !== 'waiting' ) {
			// The failed change gave the chat its agent, and a later one (the visitor left or came back) set
			// the status on that ground and was written: with the agent undone, no one has the chat and it
			// is in no queue. Back to the queue, recorded (not retried if that write fails too: after is waiting).
			this.setStatus( chat, 'waiting' ).then( () => this.core.dispatcher.dispatch( restored.site ), ( e ) => this.core.fail( e ) );
			return;
		}
		// Back in the queue if it had left it: the agents' queues show it again.
		if ( restored.status === 'waiting' && after.status !== 'waiting' ) this.core.dispatcher.afterQueueChange( restored.site );
	}
}
