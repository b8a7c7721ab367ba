/**
 * After a restart, or when this node takes a site over from one that
 * stopped: stored-mode chats carry on from the database (their visitor is
 * away until they reconnect; their agent has the grace period to come
 * back). Ephemeral ones lost their messages with the process: after a
 * restart they are closed rather than resumed with a hole in them; in a
 * cluster they carry on without them, and both sides are told.
 */
import type { Core } from './core';
import { agentKey, newLiveChat } from './live-chat';

export interface RecoveryOptions {
	/**
	 * Open no-storage chats: closed (one node restarted: the chat's messages
	 * and both of its connections are gone), or carried on (several nodes:
	 * this node takes over the chats of one that stopped, and their clients,
	 * still holding the conversation, reconnect here; see ChatStream.carryOn).
	 */
	ephemeral: 'close' | 'continue';
	/**
	 * Chats of sites this core does not serve: closed (one node serves every
	 * configured site, so such a site was removed), or left alone (several
	 * nodes: another node serves them).
	 */
	otherSites: 'close' | 'skip';
}

export async function recover( core: Core, { otherSites, ephemeral }: RecoveryOptions = { otherSites: 'close', ephemeral: 'close' } ): Promise< void > {
	const { store, sites, chats, agents, stream, lifecycle, log } = core;
	const at = core.now();
	for ( const record of await store.openChats() ) {
		if ( otherSites === 'skip' && ! sites.has( record.site ) ) continue;
		const carryOn = record.mode === 'ephemeral' && ephemeral === 'continue';
		if ( ( record.mode === 'ephemeral' && ! carryOn ) || ! sites.has( record.site ) ) {
			await store.setStatus( record.id, 'closed', at );
			store.bumpStat( record.site, 'chat_ended', at );
			continue;
		}
		const chat = newLiveChat( record, at );
		if ( carryOn ) chat.memoryLost = true;
		else stream.restore( chat, await store.messagesAfter( record.id, 0 ) );
		chats.add( chat );
		if ( record.status === 'active' ) await lifecycle.setStatus( chat, 'away' );
		// Its agent has the grace period from now to reconnect and keep it.
		if ( record.agentSub ) agents.presence.expectBack( agentKey( record.site, record.agentSub ) );
	}
	log.info( { recovered: chats.size }, 'chats recovered' );
}
