/**
 * Which frames are news for the agent (a chat newly queued or assigned), and
 * how to tell them. Pure functions; use-alerts.ts plays the sound and shows
 * the notification.
 */
import type { ChatView, ServerFrame } from '../../server/protocol';
import type { ConsoleState } from './state';

/** Something the agent may want to hear about while looking elsewhere. */
export interface ConsoleAlert {
	kind: 'queued' | 'assigned';
	chatId: string;
	view: ChatView;
}

/**
 * What a frame brought that is news to the agent: a chat newly in the queue
 * (not the first queue after loading, not a chat this console just handed
 * back) or a chat newly assigned to this agent (not one it took by hand,
 * not one of those listed at connect).
 */
export function alertsFor( before: ConsoleState, after: ConsoleState, frame: ServerFrame ): ConsoleAlert[] {
	if ( frame.type === 'queue' ) {
		if ( ! before.queueLoaded ) return [];
		const known = new Set( before.queue.map( ( e ) => e.chat.id ) );
		// The queue as the reducer kept it: only chats for people (state.ts, forPeople).
		return after.queue
			.filter( ( e ) => ! known.has( e.chat.id ) && ! before.chats.has( e.chat.id ) )
			.map( ( e ) => ( { kind: 'queued', chatId: e.chat.id, view: e.chat } ) );
	}
	if ( frame.type === 'chat' ) {
		const { id } = frame.chat;
		if ( before.chats.has( id ) || ! after.chats.has( id ) || frame.chat.status === 'closed' || before.taking === id ) {
			return [];
		}
		if ( before.me && frame.chat.agent !== before.me.sub ) return [];
		return [ { kind: 'assigned', chatId: id, view: frame.chat } ];
	}
	return [];
}

/**
 * How to tell the agent: never while they are looking at that very chat;
 * while the console has the focus, only the sound (they see the queue);
 * otherwise sound and a desktop notification.
 */
export function alertChannels(
	alert: ConsoleAlert,
	where: { focused: boolean; activeChatId: string | null }
): { sound: boolean; notify: boolean } {
	if ( where.focused && alert.kind === 'assigned' && where.activeChatId === alert.chatId ) {
		return { sound: false, notify: false };
	}
	return { sound: true, notify: ! where.focused };
}

