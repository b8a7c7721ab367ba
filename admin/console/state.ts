/**
 * The agent console's state as a pure reducer: service frames and the
 * agent's own actions in, a new state out. No React, no WordPress imports,
 * so it runs in the unit tests as it is.
 *
 * Messages are kept per chat in a Map keyed by `seq`, so a message that
 * arrives twice (a resend, a `sync` after a reconnect, a second console tab)
 * is shown once. The agent's own messages appear at once as a pending copy
 * keyed by `clientId`, replaced by the numbered message when it arrives.
 *
 * A chat the site's assistant still serves (status `assistant`) is no
 * agent's business: the service keeps it out of agents' queues and frames,
 * and should one arrive anyway this console ignores it (`forPeople`) rather
 * than show a chat nobody can take. Once handed over it arrives as `waiting`
 * or assigned, like any other, and its history (the assistant's answers
 * included) comes with the `sync` the console sends for every new chat.
 *
 * Questions asked of this state are in chat-queries.ts; alerts in alerts.ts;
 * the token's claims in identity.ts.
 */
import type { AgentView, ChatMessage, ChatView, ErrorCode, QueueEntry, ServerFrame } from '../../server/protocol';
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
	/** The visitor is typing now (relayed, never stored). */
	visitorTyping: boolean;
}

/** Who this console is signed in as, read from its token's claims. */
export interface AgentIdentity {
	/** `wp:<user id>`, as chats name their agent. */
	sub: string;
	/** Departments the token limits the agent to; empty: all. */
	depts: string[];
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
	/**
	 * WordPress no longer gives this user an agent token (the Chat agent role
	 * was removed, or they logged out): the console shows nothing more.
	 */
	accessEnded: boolean;
	agentName: string;
	/** What the service says; null until the first welcome. */
	online: boolean | null;
	/** Departments the agent is online for (the service's `presence`); empty: all. */
	depts: string[];
	/** From the token; null until the first ticket. */
	me: AgentIdentity | null;
	/** Agents online now (the `agents` frame), this one included. */
	agents: AgentView[];
	/** Set by the first `queue` frame: later new entries are news (alerts). */
	queueLoaded: boolean;
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
	| { type: 'connection'; state: ConnectionState; code?: number; refused?: boolean }
	| { type: 'online'; online: boolean; depts?: string[] }
	| { type: 'identity'; me: AgentIdentity }
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
		accessEnded: false,
		agentName: '',
		online: null,
		depts: [],
		me: null,
		agents: [],
		queueLoaded: false,
		queue: [],
		chats: new Map(),
		activeChatId: null,
		taking: null,
		errors: [],
		nextErrorId: 1,
	};
}

export function emptyChat( view: ChatView ): ChatState {
	return { view, messages: new Map(), pending: new Map(), highestSeq: 0, visitorTyping: false };
}

/** Whether agents deal with this chat: not while the site's assistant serves it. */
export function forPeople( view: ChatView ): boolean {
	return view.status !== 'assistant';
}

export function consoleReducer( state: ConsoleState, action: ConsoleAction ): ConsoleState {
	switch ( action.type ) {
		case 'frame':
			return applyFrame( state, action.frame );
		case 'connection':
			if ( action.refused ) {
				// Access ended: drop the chats, their previews and the presence controls with it.
				return { ...initialState(), connection: 'closed', accessEnded: true, agentName: state.agentName };
			}
			if ( state.connection === action.state && state.closeCode === action.code ) {
				return state;
			}
			return { ...state, connection: action.state, closeCode: action.code };
		case 'online':
			return { ...state, online: action.online, depts: action.depts ?? state.depts };
		case 'identity':
			return { ...state, me: action.me };
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
			const views = frame.chats.filter( forPeople );
			const listed = new Set( views.map( ( c ) => c.id ) );
			const chats = new Map( state.chats );
			// Chats this tab holds that the service no longer lists as open were
			// closed meanwhile (e.g. ended while we were disconnected): keep them
			// readable, as closed.
			for ( const [ id, chat ] of chats ) {
				if ( ! listed.has( id ) && chat.view.status !== 'closed' ) {
					chats.set( id, { ...chat, view: { ...chat.view, status: 'closed' } } );
				}
			}
			for ( const view of views ) {
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
			return { ...state, queue: frame.waiting.filter( ( e ) => forPeople( e.chat ) ), queueLoaded: true };
		case 'presence':
			return state.online === frame.online && sameList( state.depts, frame.depts )
				? state
				: { ...state, online: frame.online, depts: frame.depts };
		case 'agents':
			return { ...state, agents: frame.agents };
		case 'typing': {
			const chat = state.chats.get( frame.chatId );
			if ( ! chat || frame.from !== 'visitor' || chat.visitorTyping === frame.typing ) return state;
			return withChat( state, { ...chat, visitorTyping: frame.typing } );
		}
		case 'chat': {
			const held = state.chats.get( frame.chat.id );
			if ( ! held && ! forPeople( frame.chat ) ) return state;
			const next = withChat(
				state,
				held
					? { ...held, view: frame.chat, visitorTyping: frame.chat.status === 'active' && held.visitorTyping }
					: emptyChat( frame.chat )
			);
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
				// A visitor's message ends their typing.
				visitorTyping: message.from === 'visitor' ? false : chat.visitorTyping,
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
			// The connection answers these itself, by reconnecting with a fresh token: nothing for the agent to do.
			if ( frame.code === 'token_expired' || frame.code === 'token_revoked' ) return state;
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
		case 'position':
			// Visitors only.
			return state;
		case 'renewed':
			// The connection's business (ChatConnection renews the token).
			return state;
	}
	return state;
}

function sameList( a: readonly string[], b: readonly string[] ): boolean {
	return a.length === b.length && a.every( ( x, i ) => x === b[ i ] );
}

function withChat( state: ConsoleState, chat: ChatState ): ConsoleState {
	const chats = new Map( state.chats );
	chats.set( chat.view.id, chat );
	return { ...state, chats };
}
