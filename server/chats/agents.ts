/**
 * The agents this node knows: their open connections, what their newest
 * token says (name, departments, limit), when they last became free, and
 * their presence (presence.ts owns online and chosen departments). Their
 * load is not kept here: it is the registry's agent index.
 */
import type { AgentAccess } from '../agent-access';
import { servesNow } from '../agent-access';
import type { Peer } from '../peer';
import { AgentPresence, type PresenceState, type Timers } from '../presence';
import type { AgentView, ServerFrame } from '../protocol';
import type { Candidate } from '../routing';
import type { Core } from './core';
import { ChatError, agentKey } from './live-chat';

export interface AgentState {
	readonly key: string;
	readonly site: string;
	readonly sub: string;
	name: string;
	readonly peers: Set< Peer >;
	/** Departments from the agent's newest token (empty: all). */
	tokenDepts: string[];
	maxChats: number;
	/** End of the agent's last chat: the routing's "idle since" (null: the store has not answered yet). */
	idleSince: number | null;
}

export class AgentDirectory {
	private readonly agents = new Map< string, AgentState >();
	/** Who is online: the service owns it, and it follows the agents' connections (presence.ts). */
	readonly presence: AgentPresence;

	constructor(
		private readonly core: Core,
		o: { graceMs: number; timers?: Timers }
	) {
		this.presence = new AgentPresence( o.graceMs, ( key ) => core.dispatcher.agentGone( key ), o.timers );
	}

	get( site: string, sub: string ): AgentState | undefined {
		return this.agents.get( agentKey( site, sub ) );
	}

	/** The agent behind an agent connection; refused for anyone else. */
	of( peer: Peer ): AgentState {
		const agent = this.get( peer.identity.site.id, peer.identity.subject );
		if ( ! agent || peer.identity.role !== 'agent' ) throw new ChatError( 'forbidden', 'agents only' );
		return agent;
	}

	/** The site's agents (every site's without one). */
	*ofSite( site?: string ): IterableIterator< AgentState > {
		for ( const a of this.agents.values() ) if ( site === undefined || a.site === site ) yield a;
	}

	/**
	 * Adds an agent connection. `first`: no other connection of the agent was
	 * open; `back`: and it returns within its presence grace period.
	 */
	join( peer: Peer ): { agent: AgentState; first: boolean; back: boolean } {
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
				tokenDepts: identity.depts,
				maxChats: identity.maxChats,
				idleSince: null,
			};
			this.agents.set( key, agent );
			this.loadIdleSince( agent );
		}
		agent.peers.add( peer );
		const first = agent.peers.size === 1;
		const back = first && this.presence.away( key );
		if ( first ) this.presence.arrive( key );
		return { agent, first, back };
	}

	/** Removes an agent connection; returns the agent if that was its last one (its grace starts). */
	leave( peer: Peer ): AgentState | null {
		const agent = this.get( peer.identity.site.id, peer.identity.subject );
		if ( ! agent?.peers.delete( peer ) || agent.peers.size > 0 ) return null;
		this.presence.leave( agent.key );
		return agent;
	}

	/** The agent's last open chat left its hands (registry.ts): it is idle from now. */
	freed( key: string ): void {
		const agent = this.agents.get( key );
		if ( agent ) agent.idleSince = this.core.now();
	}

	presenceOf( agent: AgentState ): PresenceState {
		return this.presence.get( agent.key );
	}

	/** Sets what the agent chose, within what its token allows. */
	choose( agent: AgentState, online: boolean, depts: readonly string[] ): PresenceState {
		// An agent limited by its token to some departments cannot widen that.
		const allowed = agent.tokenDepts.length === 0 ? [ ...depts ] : depts.filter( ( d ) => agent.tokenDepts.includes( d ) );
		return this.presence.set( agent.key, online, allowed );
	}

	/** What the access rule (agent-access.ts) needs to know of an agent. */
	access( a: AgentState ): AgentAccess {
		const { online, depts } = this.presence.get( a.key );
		return { tokenDepts: a.tokenDepts, depts, online, connected: a.peers.size > 0, load: this.core.chats.load( a.key ), maxChats: a.maxChats };
	}

	/** The site's agents the routing may consider (those whose "idle since" is known). */
	candidates( site: string ): Array< Candidate & { state: AgentState } > {
		const out: Array< Candidate & { state: AgentState } > = [];
		for ( const a of this.ofSite( site ) ) {
			if ( a.idleSince !== null ) out.push( { key: a.key, idleSince: a.idleSince, ...this.access( a ), state: a } );
		}
		return out;
	}

	/** Is an agent online (for that department)? For the availability endpoint. */
	available( site: string, dept: string | null ): boolean {
		for ( const a of this.ofSite( site ) ) if ( servesNow( this.access( a ), dept ) ) return true;
		return false;
	}

	isOnline( a: AgentState ): boolean {
		return a.peers.size > 0 && this.presence.get( a.key ).online;
	}

	/** Its connections are closed, but within the grace period it may be back (visitors see "away"). */
	away( site: string, sub: string ): boolean {
		return this.presence.away( agentKey( site, sub ) );
	}

	/** The site's online agents, for every console's transfer list. */
	agentsFrame( site: string ): ServerFrame {
		const agents: AgentView[] = [];
		for ( const a of this.ofSite( site ) ) {
			if ( this.isOnline( a ) ) {
				agents.push( { sub: a.sub, name: a.name, depts: [ ...this.presence.get( a.key ).depts ], chats: this.core.chats.load( a.key ) } );
			}
		}
		return { type: 'agents', agents };
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
			if ( this.presence.get( agent.key ).online ) this.core.dispatcher.dispatch( agent.site );
		};
		this.core.store.lastChatEnd( agent.site, agent.sub ).then( known, ( e: unknown ) => {
			this.core.fail( e );
			known( 0 );
		} );
	}
}
