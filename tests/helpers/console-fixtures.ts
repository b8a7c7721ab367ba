/** Chat views and messages for the console's unit tests: what the service sends, with defaults a test overrides. */
import type { ChatMessage, ChatView } from '../../server/protocol';

export const view = ( id: string, over: Partial< ChatView > = {} ): ChatView => ( {
	id,
	status: 'active',
	mode: 'stored',
	dept: null,
	createdAt: 1_000,
	lastSeq: 0,
	visitorName: null,
	agentName: 'Ann',
	agent: 'wp:1',
	from: null,
	keep: false,
	...over,
} );

export const msg = ( chatId: string, seq: number, over: Partial< ChatMessage > = {} ): ChatMessage => ( {
	chatId,
	seq,
	from: 'visitor',
	text: `m${ seq }`,
	at: 2_000 + seq,
	...over,
} );
