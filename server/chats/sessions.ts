/**
 * Connections coming and going: a visitor resuming its chat (the newest
 * connection wins), an agent's consoles (presence follows them), a token
 * renewed in place, and an agent whose access WordPress withdrew.
 */
import { maySee } from '../agent-access';
import { hashCode, normaliseCode } from '../chat-code';
import type { Peer } from '../peer';
import type { PresenceState } from '../presence';
import { CLOSE } from '../protocol';
import type { ClientFrame, HelloFrame } from '../protocol';
import type { AgentState } from './agents';
import type { Core } from './core';
import { ChatError } from './live-chat';
import { chatView, recordView } from './views';

type PresenceFrame = Extract< ClientFrame, { type: 'presence' } >;

export class Sessions {
	constructor( private readonly core: Core ) {}

	async connect( peer: Peer, hello: HelloFrame ): Promise< void > {
		if ( peer.identity.role === 'agent' ) this.connectAgent( peer );
		else await this.connectVisitor( peer, hello.resume );
	}

	disconnect( peer: Peer ): void {
		const { core } = this;
		if ( peer.identity.role === 'agent' ) {
			const agent = core.agents.leave( peer );
			if ( ! agent ) return;
			core.dispatcher.broadcastAgents( agent.site );
			// Its visitors see that the agent is away (agentAway), for the grace period at most.
			for ( const chat of core.chats.agentChats( agent.key ) ) core.fanout.toChat( chat, { type: 'chat', chat: chatView( core, chat ) } );
			return;
		}
		const chat = core.chats.chatOfVisitor( peer );
		if ( ! chat ) return;
		core.chats.attachVisitor( chat, null );
		core.fanout.toChatAgent( chat, { type: 'typing', chatId: chat.record.id, from: 'visitor', typing: false } );
		if ( chat.page ) {
			// The visitor left that page (or closed the window): the agent no longer sees it.
			chat.page = null;
			if ( chat.record.status !== 'active' ) core.fanout.toChatAgent( chat, { type: 'chat', chat: chatView( core, chat ) } );
		}
		if ( chat.record.status === 'active' ) core.lifecycle.setStatus( chat, 'away' ).catch( ( e ) => core.fail( e ) );
	}

	/** The agent's `presence`: online or not, for which departments. */
	presence( peer: Peer, f: PresenceFrame ): void {
		const { core } = this;
		const agent = core.agents.of( peer );
		const now = core.agents.choose( agent, f.online, f.depts ?? agent.tokenDepts );
		core.fanout.toAgent( agent, { type: 'presence', online: now.online, depts: [ ...now.depts ] } );
		core.dispatcher.broadcastAgents( agent.site );
		core.dispatcher.dispatch( agent.site );
	}

	/** A connection renewed its token (connection.ts): what the new one says applies now. */
	renewed( peer: Peer ): void {
		const { core } = this;
		const agent = core.agents.of( peer );
		const before = agent.tokenDepts.join( ',' );
		const presence = this.applyClaims( agent, peer );
		if ( agent.tokenDepts.join( ',' ) === before ) return;
		core.fanout.toAgent( agent, { type: 'presence', online: presence.online, depts: [ ...presence.depts ] } );
		core.fanout.toAgent( agent, core.dispatcher.queueFrame( agent ) );
		core.dispatcher.broadcastAgents( agent.site );
		core.dispatcher.dispatch( agent.site );
	}

	/**
	 * WordPress withdrew or changed the agent's access (http-api.ts, after
	 * revocations.ts refuses its older tokens): its open connections close
	 * now and count as gone at once, so nothing more reaches them. Presence's
	 * grace then runs as for any disconnect; a console that may still answer
	 * reconnects with a fresh token within it. Returns how many closed.
	 */
	dropAgent( site: string, sub: string ): number {
		const agent = this.core.agents.get( site, sub );
		if ( ! agent ) return 0;
		const peers = [ ...agent.peers ];
		for ( const p of peers ) {
			this.disconnect( p );
			p.close( CLOSE.revoked, 'access changed in WordPress' );
		}
		return peers.length;
	}

	private connectAgent( peer: Peer ): void {
		const { core } = this;
		const { agent, first, back } = core.agents.join( peer );
		const presence = this.applyClaims( agent, peer );
		const chats = core.chats.agentChats( agent.key );
		peer.send( { type: 'welcome', role: 'agent', name: agent.name, online: presence.online, chats: chats.map( ( c ) => chatView( core, c ) ) } );
		peer.send( { type: 'presence', online: presence.online, depts: [ ...presence.depts ] } );
		peer.send( core.dispatcher.queueFrame( agent ) );
		if ( first ) {
			// Its visitors no longer see it away.
			if ( back ) for ( const chat of chats ) core.fanout.toVisitor( chat, { type: 'chat', chat: chatView( core, chat ) } );
			core.dispatcher.broadcastAgents( agent.site );
			core.dispatcher.dispatch( agent.site );
		} else {
			peer.send( core.agents.agentsFrame( agent.site ) );
		}
	}

	private async connectVisitor( peer: Peer, resume: HelloFrame[ 'resume' ] ): Promise< void > {
		const { core } = this;
		if ( ! resume ) {
			peer.send( { type: 'welcome', role: 'visitor', name: peer.identity.name, chats: [] } );
			return;
		}
		const code = normaliseCode( resume.code );
		const chat = core.chats.get( resume.chatId );
		const record = chat?.record ?? ( await core.store.getChat( resume.chatId ) );
		if ( ! code || ! record || record.site !== peer.identity.site.id || record.codeHash !== hashCode( code ) ) {
			throw new ChatError( 'not_found', 'no such chat to resume' );
		}
		if ( ! chat ) {
			// Closed: show how it ended (stored mode has the transcript), nothing more.
			peer.send( { type: 'welcome', role: 'visitor', name: peer.identity.name, chats: [ recordView( record, await core.store.lastSeq( record.id ) ) ] } );
			await core.stream.backlog( peer, record, resume.lastSeq, [] );
			return;
		}
		// A reload or a second tab: the newest connection wins.
		core.chats.attachVisitor( chat, peer )?.close( 4009, 'replaced by a newer connection' );
		chat.position = 0;
		core.stream.carryOn( chat, resume.lastSeq );
		// setStatus changes the chat in memory at once, so the welcome already says "active".
		const back = chat.record.status === 'away' ? core.lifecycle.setStatus( chat, 'active' ) : null;
		peer.send( { type: 'welcome', role: 'visitor', name: peer.identity.name, chats: [ chatView( core, chat ) ] } );
		await core.stream.backlog( peer, chat.record, resume.lastSeq, chat.buffer );
		if ( chat.memoryLost ) {
			// Told once, to both sides, in number order with the rest.
			chat.memoryLost = false;
			await core.stream.system( chat, 'memory_lost' );
		}
		if ( back ) await back;
		else if ( chat.record.status === 'waiting' ) core.dispatcher.sendPositions( chat.record.site );
	}

	/**
	 * The newest token carries the agent's current name, departments and
	 * limit; the departments it is online for stay within the token's, and
	 * chats of a department it no longer may handle go back to the queue.
	 */
	private applyClaims( agent: AgentState, peer: Peer ): PresenceState {
		const { core } = this;
		const { identity } = peer;
		agent.name = identity.name || agent.name;
		agent.tokenDepts = identity.depts;
		agent.maxChats = identity.maxChats;
		for ( const chat of core.chats.agentChats( agent.key ) ) if ( ! maySee( agent, chat.record.dept ) ) core.dispatcher.handBack( chat );
		const { online, depts } = core.agents.presenceOf( agent );
		return core.agents.choose( agent, online, depts );
	}
}
