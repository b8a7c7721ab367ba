/**
 * What clients see of a chat (ChatView): the stored record's public fields,
 * plus, from memory, the visitor's pages and whether its agent is away.
 */
import type { ChatView } from '../protocol';
import type { ChatRecord } from '../store/types';
import type { Core } from './core';
import type { LiveChat } from './live-chat';

/** A chat as stored (also a closed one), at its highest message number. */
export function recordView( r: ChatRecord, lastSeq: number ): ChatView {
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

/** An open chat as it is now. */
export function chatView( core: Pick< Core, 'agents' >, chat: LiveChat ): ChatView {
	const view = recordView( chat.record, chat.lastSeq );
	if ( chat.page ) view.page = chat.page;
	if ( chat.pages.length ) view.pages = chat.pages;
	const { site, agentSub } = chat.record;
	if ( agentSub && core.agents.away( site, agentSub ) ) view.agentAway = true;
	return view;
}
