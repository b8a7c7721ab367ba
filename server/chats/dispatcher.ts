/**
 * The queue: which waiting chat goes to which agent (routing.ts picks, the
 * access rule in agent-access.ts decides who may have it, on every path:
 * dispatch, take, transfer and what each agent's queue shows), the queue
 * each agent sees, each waiting visitor's position, and chats handed back
 * when their agent is gone or may no longer have them.
 */
import { maySee, refusal, refusalError } from '../agent-access';
import type { Peer } from '../peer';
import type { ClientFrame, QueueEntry, ServerFrame, SystemEvent } from '../protocol';
import { pickAgent } from '../routing';
import type { AssignOutcome } from '../store/types';
import type { AgentState } from './agents';
import type { Core } from './core';
import { ChatError, type LiveChat } from './live-chat';
import { chatView } from './views';

type TransferFrame = Extract< ClientFrame, { type: 'transfer' } >;

export class Dispatcher {
	constructor( private readonly core: Core ) {}

	/** Hands waiting chats (oldest first) to available agents, then updates queue and positions. */
	dispatch( site: string ): void {
		for ( const chat of this.core.chats.waiting( site ) ) {
			const agent = pickAgent( this.core.agents.candidates( site ), chat.record.dept );
			if ( ! agent ) continue;
			// assign() marks the chat taken before its first await, so overlapping
			// dispatches cannot hand the same chat out twice.
			this.assign( chat, agent.state ).catch( ( e ) => this.core.fail( e ) );
		}
		this.afterQueueChange( site );
	}

	/** The agent's `take` of a waiting chat from its queue. */
	async take( peer: Peer, chatId: string ): Promise< void > {
		const chat = this.core.chats.get( chatId );
		if ( ! chat || chat.record.site !== peer.identity.site.id ) throw new ChatError( 'not_found', 'no such chat' );
		if ( chat.record.status !== 'waiting' ) throw new ChatError( 'conflict', 'the chat is no longer waiting' );
		const agent = this.core.agents.of( peer );
		this.check( agent, chat, 'take' );
		this.refuseUnless( await this.assign( chat, agent ), 'self' );
		this.afterQueueChange( chat.record.site );
	}

	/** The agent hands its chat to a colleague, or back to a department's queue. */
	async transfer( peer: Peer, chat: LiveChat, f: TransferFrame ): Promise< void > {
		const { core } = this;
		const from = core.agents.of( peer );
		if ( chat.record.status === 'closed' ) throw new ChatError( 'conflict', 'the chat has ended' );
		if ( f.toAgent !== undefined ) {
			const to = core.agents.get( from.site, f.toAgent );
			if ( ! to || to === from ) throw new ChatError( 'not_found', 'that agent is not online' );
			this.check( to, chat, 'transfer' );
			this.refuseUnless( await this.assign( chat, to, 'transferred', from.sub ), 'other' );
		} else {
			await core.lifecycle.setStatus( chat, 'waiting', { agent: null, dept: f.toDept ?? null } );
			await core.stream.system( chat, 'transferred' );
			chat.position = 0;
			this.dispatch( from.site );
		}
		// The chat has left this agent's hands: its console shows it as someone else's.
		core.fanout.toAgent( from, { type: 'chat', chat: chatView( core, chat ) } );
		this.broadcastAgents( from.site );
	}

	/**
	 * The agent's grace period ran out with no connection (presence.ts): its
	 * open chats go back to the queue of their department, each visitor told
	 * that the agent left, and are dispatched again.
	 */
	agentGone( key: string ): void {
		for ( const chat of this.core.chats.agentChats( key ) ) this.handBack( chat );
	}

	/** The agent may no longer have the chat: back to its department's queue, the visitor told. */
	handBack( chat: LiveChat ): void {
		chat.position = 0;
		// Said while the chat is still the agent's, so no new agent's "joined" can come before it.
		this.core.stream
			.system( chat, 'agent_left', chat.record.agentName ?? undefined )
			.then( () => this.core.lifecycle.setStatus( chat, 'waiting', { agent: null } ) )
			.then( () => this.dispatch( chat.record.site ) )
			.catch( ( e ) => this.core.fail( e ) );
	}

	/**
	 * Gives the chat to the agent, if the store agrees (lifecycle.assign: the
	 * chat still where it was, the agent under its limit on every node).
	 * Its console, seeing a chat it does not hold, asks for the history
	 * itself (`sync` from 0): one read per assignment, from whichever node
	 * the console is on. Resolves to the store's answer.
	 */
	async assign( chat: LiveChat, agent: AgentState, event: SystemEvent = 'agent_joined', from?: string ): Promise< AssignOutcome > {
		chat.position = 0;
		const outcome = await this.core.lifecycle.assign( chat, agent, from );
		if ( outcome === 'assigned' ) await this.core.stream.system( chat, event, agent.name );
		return outcome;
	}

	/** An agent's queue: only the waiting chats it may handle (agent-access.ts), so only their previews. */
	queueFrame( agent: AgentState ): ServerFrame {
		return this.queueOf( agent, this.core.chats.waiting( agent.site ) );
	}

	afterQueueChange( site: string ): void {
		this.broadcastQueue( site );
		this.sendPositions( site );
	}

	/** Every agent of the site gets its queue; serialised once per set of token departments. */
	broadcastQueue( site: string ): void {
		const waiting = this.core.chats.waiting( site );
		const byDepts = new Map< string, string >();
		for ( const agent of this.core.agents.ofSite( site ) ) {
			if ( agent.peers.size === 0 ) continue;
			const k = agent.tokenDepts.join( '\u0000' );
			let json = byDepts.get( k );
			if ( json === undefined ) {
				json = JSON.stringify( this.queueOf( agent, waiting ) );
				byDepts.set( k, json );
			}
			this.core.fanout.toAgent( agent, json );
		}
	}

	broadcastAgents( site: string ): void {
		this.core.fanout.toSiteAgents( site, this.core.agents.agentsFrame( site ) );
	}

	/** Tells each waiting visitor its place among the chats waiting for the same department. */
	sendPositions( site: string ): void {
		const ahead = new Map< string, number >();
		for ( const chat of this.core.chats.waiting( site ) ) {
			const dept = chat.record.dept ?? '';
			const position = ( ahead.get( dept ) ?? 0 ) + 1;
			ahead.set( dept, position );
			if ( chat.visitor && chat.position !== position ) {
				chat.position = position;
				this.core.fanout.toVisitor( chat, { type: 'position', chatId: chat.record.id, position } );
			}
		}
	}

	private queueOf( agent: AgentState, waiting: LiveChat[] ): ServerFrame {
		const entries: QueueEntry[] = waiting
			.filter( ( c ) => maySee( agent, c.record.dept ) )
			.map( ( c ) => ( { chat: chatView( this.core, c ), preview: c.preview } ) );
		return { type: 'queue', waiting: entries };
	}

	/** The store's refusal of a take or transfer as a typed error: another path got the chat first, or the limit on another node. */
	private refuseUnless( outcome: AssignOutcome, who: 'self' | 'other' ): void {
		if ( outcome === 'taken' ) throw new ChatError( 'conflict', 'the chat is no longer where it was' );
		if ( outcome === 'limit' ) {
			const { code, message } = refusalError( 'limit', who );
			throw new ChatError( code, message );
		}
	}

	/** The access rule for `take` (self) and `transfer` (the receiving agent), as a typed error. */
	private check( agent: AgentState, chat: LiveChat, way: 'take' | 'transfer' ): void {
		const refused = refusal( this.core.agents.access( agent ), chat.record.dept, way );
		if ( ! refused ) return;
		const { code, message } = refusalError( refused, way === 'take' ? 'self' : 'other' );
		throw new ChatError( code, message );
	}
}
