/**
 * The agent console's state as a pure reducer: service frames and the
 * agent's own actions in, a new state out. No React, no WordPress imports,
 * so it runs in the unit tests as it is.
 *
 * Messages are kept per chat in a Map keyed by `seq`, so a message that
 * arrives twice (a resend, a `sync` after a reconnect, a second console tab)
 * is shown once. The agent's own messages appear at once as a pending copy
 * keyed by `clientId`, replaced by the numbered message when it arrives.
 */
import type {
	ChatMessage,
	ChatView,
	ErrorCode,
	QueueEntry,
	ServerFrame,
} from '../../server/protocol';
import type { ConnectionState } from '../../client/shared/connection';

export interface PendingMessage {
	clientId: string;
	text: string;
	at: number;
	/** Set by the `ack`: the seq the service gave it (the message may follow, e.g. via sync). */
	ackedSeq?: number;
}

export interface ChatState {
	view: ChatView;
	/** By seq; iterate sorted (see `sortedMessages`). */
	messages: Map< number, ChatMessage >;
	/** By clientId, in the order they were sent. */
	pending: Map< string, PendingMessage >;
	/** Highest seq held, for `sync` after a (re)connect. */
	highestSeq: number;
}

export interface ConsoleError {
	id: number;
	code: ErrorCode | 'connection';
	message: string;
}

export interface ConsoleState {
	connection: ConnectionState;
	/** Close code of the last final close, if any. */
	closeCode?: number;
	agentName: string;
	/** What the service says; null until the first welcome. */
	online: boolean | null;
	queue: QueueEntry[];
	/** Open tabs, in the order they were opened. */
	chats: Map< string, ChatState >;
	activeChatId: string | null;
	/** A chat this console asked to take: its tab is selected when it arrives. */
	taking: string | null;
	errors: ConsoleError[];
	nextErrorId: number;
}

export type ConsoleAction =
	| { type: 'frame'; frame: ServerFrame }
	| { type: 'connection'; state: ConnectionState; code?: number }
	| { type: 'online'; online: boolean }
	| { type: 'take'; chatId: string }
	| { type: 'send'; chatId: string; clientId: string; text: string; at: number }
	| { type: 'select'; chatId: string }
	| { type: 'closeTab'; chatId: string }
	| { type: 'dismissError'; id: number };

/** At most this many error notices are kept; older ones drop off. */
const MAX_ERRORS = 5;

export function initialState(): ConsoleState {
	return {
		connection: 'connecting',
		agentName: '',
		online: null,
		queue: [],
		chats: new Map(),
		activeChatId: null,
		taking: null,
		errors: [],
		nextErrorId: 1,
	};
}

export function emptyChat( view: ChatView ): ChatState {
	return { view, messages: new Map(), pending: new Map(), highestSeq: 0 };
}

export function consoleReducer( state: ConsoleState, action: ConsoleAction ): ConsoleState {
	switch ( action.type ) {
		case 'frame':
			return applyFrame( state, action.frame );
		case 'connection':
			if ( state.connection === action.state && state.closeCode === action.code ) {
				return state;
			}
			return { ...state, connection: action.state, closeCode: action.code };
		case 'online':
			return { ...state, online: action.online };
		case 'take':
			return { ...state, taking: action.chatId };
		case 'send': {
			const chat = state.chats.get( action.chatId );
			if ( ! chat ) return state;
			const pending = new Map( chat.pending );
			pending.set( action.clientId, { clientId: action.clientId, text: action.text, at: action.at } );
			return withChat( state, { ...chat, pending } );
		}
		case 'select':
			return state.chats.has( action.chatId ) ? { ...state, activeChatId: action.chatId } : state;
		case 'closeTab': {
			if ( ! state.chats.has( action.chatId ) ) return state;
			const ids = [ ...state.chats.keys() ];
			const index = ids.indexOf( action.chatId );
			const chats = new Map( state.chats );
			chats.delete( action.chatId );
			let activeChatId = state.activeChatId;
			if ( activeChatId === action.chatId ) {
				const rest = ids.filter( ( id ) => id !== action.chatId );
				activeChatId = rest[ Math.min( index, rest.length - 1 ) ] ?? null;
			}
			return { ...state, chats, activeChatId };
		}
		case 'dismissError':
			return { ...state, errors: state.errors.filter( ( e ) => e.id !== action.id ) };
	}
	return state;
}

function applyFrame( state: ConsoleState, frame: ServerFrame ): ConsoleState {
	switch ( frame.type ) {
		case 'welcome': {
			if ( frame.role !== 'agent' ) return state;
			const listed = new Set( frame.chats.map( ( c ) => c.id ) );
			const chats = new Map( state.chats );
			// Chats this tab holds that the service no longer lists as open were
			// closed meanwhile (e.g. ended while we were disconnected): keep them
			// readable, as closed.
			for ( const [ id, chat ] of chats ) {
				if ( ! listed.has( id ) && chat.view.status !== 'closed' ) {
					chats.set( id, { ...chat, view: { ...chat.view, status: 'closed' } } );
				}
			}
			for ( const view of frame.chats ) {
				const held = chats.get( view.id );
				chats.set( view.id, held ? { ...held, view } : emptyChat( view ) );
			}
			return {
				...state,
				agentName: frame.name,
				online: frame.online ?? state.online,
				chats,
				activeChatId: state.activeChatId ?? chats.keys().next().value ?? null,
			};
		}
		case 'queue':
			return { ...state, queue: frame.waiting };
		case 'presence':
			return state.online === frame.online ? state : { ...state, online: frame.online };
		case 'chat': {
			const held = state.chats.get( frame.chat.id );
			const next = withChat( state, held ? { ...held, view: frame.chat } : emptyChat( frame.chat ) );
			if ( ! held && ( state.taking === frame.chat.id || state.activeChatId === null ) ) {
				return {
					...next,
					activeChatId: frame.chat.id,
					taking: state.taking === frame.chat.id ? null : state.taking,
				};
			}
			return next;
		}
		case 'message': {
			const chat = state.chats.get( frame.chatId );
			// The service sends a chat's `chat` frame before any of its messages.
			if ( ! chat || chat.messages.has( frame.seq ) ) return state;
			const { type: _type, ...message } = frame;
			const messages = new Map( chat.messages );
			messages.set( message.seq, message );
			let pending = chat.pending;
			for ( const p of chat.pending.values() ) {
				if ( p.clientId === message.clientId || p.ackedSeq === message.seq ) {
					if ( pending === chat.pending ) pending = new Map( chat.pending );
					pending.delete( p.clientId );
				}
			}
			return withChat( state, {
				...chat,
				messages,
				pending,
				highestSeq: Math.max( chat.highestSeq, message.seq ),
			} );
		}
		case 'ack': {
			const chat = state.chats.get( frame.chatId );
			const held = chat?.pending.get( frame.clientId );
			if ( ! chat || ! held ) return state;
			const pending = new Map( chat.pending );
			if ( chat.messages.has( frame.seq ) ) {
				pending.delete( frame.clientId );
			} else {
				pending.set( frame.clientId, { ...held, ackedSeq: frame.seq } );
			}
			return withChat( state, { ...chat, pending } );
		}
		case 'error': {
			const error: ConsoleError = { id: state.nextErrorId, code: frame.code, message: frame.message };
			return {
				...state,
				// A refused take is final: do not jump to that chat later.
				taking: null,
				errors: [ ...state.errors, error ].slice( -MAX_ERRORS ),
				nextErrorId: state.nextErrorId + 1,
			};
		}
		case 'started':
			// Visitors only.
			return state;
	}
	return state;
}

function withChat( state: ConsoleState, chat: ChatState ): ConsoleState {
	const chats = new Map( state.chats );
	chats.set( chat.view.id, chat );
	return { ...state, chats };
}

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
		return before.chats.has( id ) || frame.chat.status === 'closed'
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
