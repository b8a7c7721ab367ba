/**
 * After a restart: stored-mode chats carry on from the database (their
 * visitor is away until they reconnect; their agent has the grace period to
 * come back); ephemeral ones lost their messages with the process, so they
 * are closed rather than resumed with a hole in them.
 */
import type { Core } from './core';
import { agentKey, newLiveChat } from './live-chat';

export interface RecoveryOptions {
	/**
	 * Chats of sites this core does not serve: closed (one node serves every
	 * configured site, so such a site was removed), or left alone (several
	 * nodes: another node serves them).
	 */
	otherSites: 'close' | 'skip';
}

export async function recover( core: Core, { otherSites }: RecoveryOptions = { otherSites: 'close' } ): Promise< void > {
	const { store, sites, chats, agents, stream, lifecycle, log } = core;
	const at = core.now();
	for ( const record of await store.openChats() ) {
		if ( otherSites === 'skip' && ! sites.has( record.site ) ) continue;
		if ( record.mode === 'ephemeral' || ! sites.has( record.site ) ) {
			await store.setStatus( record.id, 'closed', at );
			store.bumpStat( record.site, 'chat_ended', at );
			continue;
		}
		const chat = newLiveChat( record, at );
		stream.restore( chat, await store.messagesAfter( record.id, 0 ) );
		chats.add( chat );
		if ( record.status === 'active' ) await lifecycle.setStatus( chat, 'away' );
		// Its agent has the grace period from now to reconnect and keep it.
		if ( record.agentSub ) agents.presence.expectBack( agentKey( record.site, record.agentSub ) );
	}
	log.info( { recovered: chats.size }, 'chats recovered' );
}
