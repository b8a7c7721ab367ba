/**
 * A chat while it is open, as one node holds it in memory: its stored record
 * and what is never stored (the ephemeral buffer, the visitor's connection
 * and pages, the queue position last sent). Closed chats live only in the
 * store.
 */
import type { Peer } from '../peer';
import type { Logger } from '../log';
import type { ChatMessage, ErrorCode, PageView, ServerFrame } from '../protocol';
import { RecentClientIds } from '../recent-client-ids';
import type { ChatRecord } from '../store/types';
import type { AssistantState } from './assistant';

/** Recent clientIds a chat recognises in a resend (see RecentClientIds). */
const REMEMBERED_CLIENT_IDS = 1024;

export interface LiveChat {
	/** Replaced, never edited, and only by ChatRegistry.setRecord (it keeps the agent index). */
	readonly record: ChatRecord;
	lastSeq: number;
	/** Ephemeral mode only: the messages, in memory for the chat's life. */
	buffer: ChatMessage[];
	/** clientId → seq of recent messages, so a resend after a reconnect is acknowledged, not doubled. */
	readonly clientSeqs: RecentClientIds;
	/** The visitor's open connection; set only by ChatRegistry (it keeps the visitor index). */
	readonly visitor: Peer | null;
	/** First visitor message, shown in the agents' queue. */
	preview: string | null;
	/** The visitor's current page while they consent to tracking; memory only. */
	page: PageView | null;
	/** The pages of this visit since consent, oldest first; memory only, emptied on withdrawal. */
	pages: PageView[];
	/** Last message or status change: the inactivity timeout counts from here. */
	lastActivity: number;
	/** Queue position last sent to the visitor (0: none sent). */
	position: number;
	/**
	 * Ephemeral only: this node took the chat over from one that stopped, and
	 * its messages died with that node's memory (chats/recovery.ts). Cleared
	 * once the visitor has been told.
	 */
	memoryLost: boolean;
	/** While the site's assistant serves the chat: what it offered and counted (memory only; chats/assistant.ts). */
	assistant: AssistantState | null;
}

export function newLiveChat( record: ChatRecord, at: number ): LiveChat {
	return {
		record,
		lastSeq: 0,
		buffer: [],
		clientSeqs: new RecentClientIds( REMEMBERED_CLIENT_IDS ),
		visitor: null,
		preview: null,
		page: null,
		pages: [],
		lastActivity: at,
		position: 0,
		memoryLost: false,
		assistant: null,
	};
}

/** An agent's key among all sites' agents. */
export const agentKey = ( site: string, sub: string ): string => `${ site }\u0000${ sub }`;

/** Thrown inside handlers; turned into a typed `error` frame for the sender (connection.ts). */
export class ChatError extends Error {
	constructor(
		readonly code: ErrorCode,
		message: string
	) {
		super( message );
	}
}

/**
 * The frame that tells a connection its frame failed: a ChatError's code
 * and text; anything else is logged here and told only as `internal`.
 */
export function errorFrame( e: unknown, log: Logger, ref?: string ): ServerFrame {
	let code: ErrorCode = 'internal';
	let message = 'the service could not handle that';
	if ( e instanceof ChatError ) ( { code, message } = e );
	else log.error( { err: e }, 'frame handling failed' );
	return ref ? { type: 'error', code, message, ref } : { type: 'error', code, message };
}
