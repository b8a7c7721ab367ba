/**
 * Read-only questions the console asks of its state (admin/console/state.ts):
 * a chat's messages in order, what to `sync`, whether a chat is still this
 * agent's, whom to transfer to, which departments exist, the pre-chat answers.
 * Pure functions, unit-tested with the reducer.
 */
import type { AgentView, ChatMessage, ServerFrame } from '../../server/protocol';
import { forPeople, type AgentIdentity, type ChatState, type ConsoleState } from './state';

/** Messages in seq order. */
export function sortedMessages( chat: ChatState ): ChatMessage[] {
	return [ ...chat.messages.values() ].sort( ( a, b ) => a.seq - b.seq );
}

/** `afterSeq` for a `sync` of this chat: the highest seq held, 0 if none. */
export function syncPoint( state: ConsoleState, chatId: string ): number {
	return state.chats.get( chatId )?.highestSeq ?? 0;
}

/**
 * Whether a frame shows this console is missing messages, judged against the
 * state before the frame: a chat it did not hold yet (its earlier messages,
 * e.g. the visitor's first one, were sent before it was ours) or a message
 * beyond the next expected seq. Returns the `sync` to send, or null.
 */
export function missingFrom(
	before: ConsoleState,
	frame: ServerFrame
): { chatId: string; afterSeq: number; newChat: boolean } | null {
	if ( frame.type === 'chat' ) {
		const { id } = frame.chat;
		return before.chats.has( id ) || ! forPeople( frame.chat ) || frame.chat.status === 'closed'
			? null
			: { chatId: id, afterSeq: 0, newChat: true };
	}
	if ( frame.type === 'message' ) {
		const chat = before.chats.get( frame.chatId );
		return chat && frame.seq > chat.highestSeq + 1
			? { chatId: frame.chatId, afterSeq: chat.highestSeq, newChat: false }
			: null;
	}
	return null;
}

/**
 * The chat has left this agent's hands (transferred to another agent or back
 * to a department's queue) but is still open: its tab stays readable only.
 */
export function handedOff( chat: ChatState, me: AgentIdentity | null ): boolean {
	return me !== null && chat.view.status !== 'closed' && chat.view.agent !== me.sub;
}

/** Online agents a chat can be transferred to: everyone but this agent. */
export function transferTargets( state: ConsoleState ): AgentView[] {
	return state.agents.filter( ( a ) => a.sub !== state.me?.sub );
}

/**
 * Departments this console knows of, for choosing presence and transfer
 * targets: the token's, other agents', and those of chats seen.
 */
export function knownDepts( state: ConsoleState ): string[] {
	const all = new Set< string >( state.me?.depts ?? [] );
	for ( const d of state.depts ) all.add( d );
	for ( const a of state.agents ) a.depts.forEach( ( d ) => all.add( d ) );
	for ( const e of state.queue ) if ( e.chat.dept ) all.add( e.chat.dept );
	for ( const c of state.chats.values() ) if ( c.view.dept ) all.add( c.view.dept );
	return [ ...all ].sort();
}

/** The answers of the chat's pre-chat form (field id → value), if the visitor filled one in. */
export function prechatAnswers( chat: ChatState ): Array< [ string, string ] > {
	for ( const m of chat.messages.values() ) {
		if ( m.from === 'visitor' && m.dialog === 'prechat' && m.fields ) {
			return Object.entries( m.fields ).filter( ( [ , value ] ) => value.trim() !== '' );
		}
	}
	return [];
}

