/**
 * Who gets which frame. Everything the chat core says to connections goes
 * through this interface, addressed by chat, agent or site, never by socket:
 * a cross-node bus can implement it by delivering to its own connections
 * and publishing to the other nodes. LocalFanout is the one-node version.
 * Every frame is serialised once, however many sockets get it.
 */
import type { Peer } from '../peer';
import type { ServerFrame } from '../protocol';
import type { AgentState } from './agents';
import type { Core } from './core';
import type { LiveChat } from './live-chat';

export interface Fanout {
	/** The chat's visitor and its agent's connections. Returns whether `sender` was among them. */
	toChat( chat: LiveChat, frame: ServerFrame, sender?: Peer ): boolean;
	/** The connections of the agent handling the chat. Returns whether `sender` was among them. */
	toChatAgent( chat: LiveChat, frame: ServerFrame, sender?: Peer ): boolean;
	/** The chat's visitor connection. */
	toVisitor( chat: LiveChat, frame: ServerFrame ): void;
	/** Every connection of one agent (`frame` may come serialised, when several agents get the same). */
	toAgent( agent: AgentState, frame: ServerFrame | string ): void;
	/** Every connection of every agent of the site. */
	toSiteAgents( site: string, frame: ServerFrame ): void;
}

export class LocalFanout implements Fanout {
	constructor( private readonly core: Core ) {}

	toChat( chat: LiveChat, frame: ServerFrame, sender?: Peer ): boolean {
		const json = JSON.stringify( frame );
		chat.visitor?.sendJson( json );
		return this.agentJson( chat, json, sender ) || ( sender !== undefined && sender === chat.visitor );
	}

	toChatAgent( chat: LiveChat, frame: ServerFrame, sender?: Peer ): boolean {
		return this.agentJson( chat, JSON.stringify( frame ), sender );
	}

	toVisitor( chat: LiveChat, frame: ServerFrame ): void {
		chat.visitor?.send( frame );
	}

	toAgent( agent: AgentState, frame: ServerFrame | string ): void {
		const json = typeof frame === 'string' ? frame : JSON.stringify( frame );
		for ( const p of agent.peers ) p.sendJson( json );
	}

	toSiteAgents( site: string, frame: ServerFrame ): void {
		const json = JSON.stringify( frame );
		for ( const agent of this.core.agents.ofSite( site ) ) for ( const p of agent.peers ) p.sendJson( json );
	}

	private agentJson( chat: LiveChat, json: string, sender?: Peer ): boolean {
		const { site, agentSub } = chat.record;
		const peers = agentSub ? this.core.agents.get( site, agentSub )?.peers : undefined;
		if ( ! peers?.size ) return false;
		for ( const p of peers ) p.sendJson( json );
		return sender !== undefined && peers.has( sender );
	}
}
