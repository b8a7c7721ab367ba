/**
 * The storage interface. The service talks only to this, so another engine
 * (PostgreSQL) can run beside the embedded SQLite one; every
 * engine passes the same contract suite (tests/contract/chat-store.contract.ts).
 */
import type { ChatMessage, ChatMode, ChatStatus } from '../protocol';
import { StoreInputError } from './errors';

export interface ChatRecord {
	id: string;
	site: string;
	codeHash: string;
	mode: ChatMode;
	dept: string | null;
	status: ChatStatus;
	createdAt: number;
	closedAt: number | null;
	keep: boolean;
	visitorSub: string;
	/** Only in stored mode is the pre-chat form (here: the name) written. */
	visitorName: string | null;
	agentSub: string | null;
	agentName: string | null;
	from: string | null;
	consentVersion: string | null;
}

export interface ChatChanges {
	agent?: { sub: string; name: string } | null;
	dept?: string | null;
}

/**
 * What `assign` is asked: give the chat to `agent` if it is still where the
 * caller saw it (`from`) and the agent has room (`maxChats`).
 */
export interface Assignment {
	agent: { sub: string; name: string };
	/**
	 * The agent's parallel-chat limit: it gets the chat only while it holds
	 * fewer open (not closed) chats of the chat's site, this one aside. An
	 * integer, 0 or more.
	 */
	maxChats: number;
	/** The chat's status once it is the agent's: 'active' while the visitor is connected, else 'away'. */
	status: 'active' | 'away';
	/** When (ms), recorded in the status history. */
	at: number;
	/**
	 * Where the chat must be now. Absent: waiting, with no agent (dispatch,
	 * take). An agent's sub: open and held by that agent (a transfer to
	 * `agent`).
	 */
	from?: string;
}

/**
 * `assign`'s answer: 'assigned' (the chat is the agent's now), 'taken' (it is
 * not where `from` said: another node or path moved it first, or it ended),
 * 'limit' (the agent holds `maxChats` open chats of the site already). Only
 * 'assigned' changed anything.
 */
export type AssignOutcome = 'assigned' | 'taken' | 'limit';

/** A message as handed to the store: the store gives it its number. */
export type NewMessage = Omit< ChatMessage, 'seq' >;

/** Hour-rounded counters per site with no chat reference (statistics and billing). */
export type StatKind =
	| 'chat_started'
	| 'chat_ended'
	| 'message_received'
	| 'message_sent'
	/** The built-in assistant gave an answer (a confident match, or one the visitor picked). */
	| 'assistant_answered'
	/** The assistant handed a chat to the people's queue. */
	| 'assistant_handed_over'
	/** The assistant found nothing for a visitor's message (nothing of the message is kept). */
	| 'assistant_no_answer';

export interface StatRow {
	hour: number;
	kind: StatKind;
	count: number;
}

/** An offline contact-form submission, with the consent texts the visitor ticked. */
export interface ContactSubmission {
	id: string;
	site: string;
	createdAt: number;
	dept: string | null;
	lang: string | null;
	fields: Record< string, string >;
	consents: Array< { id: string; version: string; text: string } >;
}

/**
 * What every engine promises; the chat core (server/chats/) and the HTTP API rely on this and on
 * nothing else.
 *
 * Writes (every method returning a promise that is not a read below):
 * - **Applied in call order.** A write sees the effects of every write called
 *   before it, settled or not: a message may be appended right after
 *   `insertChat` without waiting for it (frames right behind `start` do).
 * - **Durable when resolved.** A write's promise resolves only once the write
 *   survives a crash (SQLite: `synchronous = FULL`, so a power cut too).
 *   Engines batch writes (SQLite: one transaction per event-loop turn), so
 *   a write may wait for a disk sync; that is why acknowledgements wait.
 * - **Settled in call order.** Writes become durable in call order and their
 *   promises settle in call order, so whoever hands messages on as their
 *   writes resolve hands them on in number order.
 * - **A failure is the failing write's alone.** A write that fails rejects
 *   its own promise and left nothing behind; the writes batched with it go
 *   through. Only a failure of the batch itself (the disk is full, the
 *   connection is gone) rejects every write in it, and then none was applied.
 *
 * Numbering: `appendMessage` gives the message the next number of its chat
 * inside the write (so a networked database can do it atomically with the
 * insert) and resolves to it. Numbers are 1, 2, 3… per chat in call order,
 * with no gap and no duplicate: a rejected append takes no number. A message
 * for a chat that does not exist (or no longer) is refused. Ephemeral chats
 * never reach `appendMessage`; their numbers live in memory with their text.
 *
 * Resends are not the store's to recognise: `appendMessage` always appends.
 * The stream that carries the chat (server/chats/stream.ts) knows the clientIds of the
 * chat's recent messages in memory, in flight or written, and fills that
 * from `messagesAfter` when it takes a chat on (recovery at start-up). Why
 * not a unique (chat, clientId) in the store: SQLite would have to write an
 * index entry per message on the relay's hot path, the very cost schema 4
 * took out (one index page per busy chat per commit), for resends that
 * arrive a few times per reconnect and that the stream must answer with the
 * first copy's number anyway.
 *
 * Assignment: `assign` is the one way the chat core gives a chat to an
 * agent (dispatch, take, transfer), a compare-and-set that is atomic across
 * every store on the same storage, so several nodes routing at once never
 * give a chat to two agents nor an agent more than its limit. It checks,
 * in the write, that the chat is still waiting (or, for a transfer, still
 * the `from` agent's) — else 'taken' — and that the agent holds fewer than
 * `maxChats` open chats of the chat's site in the store — else 'limit' —
 * and only then records the status and the agent like `setStatus` (the
 * status history gets the entry). 'taken' is answered before 'limit'. It is
 * a write like the others: applied and settled in call order (so two
 * assigns in one turn see each other), failing alone (NoSuchChatError for
 * no such chat, StoreInputError for a `maxChats` or `status` out of range),
 * durable when resolved. SQLite has one writer, so the check and the change
 * in one transaction are atomic as they stand; PostgreSQL serialises the
 * assignments to one agent with a lock (postgres/locks.ts). The limit holds
 * only against chats given through `assign`: `setStatus` with an agent, and
 * `insertChat` with one, are not checked (nor locked) and are not for
 * routing.
 *
 * Cluster-once jobs: `exclusive(name, fn)` runs `fn` only if no run of that
 * name is under way on any store on the same storage, so a periodic job of
 * every node (the retention purge, the inactivity sweep) runs on one node at
 * a time. It resolves to true once `fn` resolved, to false at once without
 * calling it if another run holds the name (this store's or another
 * node's), and rejects with `fn`'s error. It is no write: it is not ordered
 * with the writes, and what `fn` writes are ordinary writes. Why the store
 * and not Redis: the store is the one thing every node shares whatever the
 * set-up (a Redis is optional, and a lock in it would vanish with a Redis
 * restart or failover while a job runs); a PostgreSQL lock lives exactly as
 * long as the session that holds it, so a node that dies frees it at once.
 * On SQLite (one process) it only keeps a job from overlapping itself.
 *
 * Reads (`messagesAfter`, `lastSeq`, `getChat`, `findByCode`, `openChats`,
 * `lastChatEnd`, `contacts`, `findByEmail`, `statusHistory`, `stats`) see
 * every write that resolved before the read was called; writes still in
 * flight may or may not be visible. A read never forces or waits for a
 * commit. Callers that need a write's effect await the write first (the
 * chat core always does). `stats` counts every `bumpStat` called before it,
 * written yet or not.
 */
export interface ChatStore {
	/** Refused for an id that is taken (the chat that has it stays as it was). */
	insertChat( chat: ChatRecord ): Promise< void >;
	/**
	 * Records a status change (with its time) and updates the chat; `changes`
	 * also moves it to another agent (null: none) or department.
	 */
	setStatus( chatId: string, status: ChatStatus, at: number, changes?: ChatChanges ): Promise< void >;
	/**
	 * Gives the chat to an agent if it is still where `a.from` says and the
	 * agent is under its limit, recording the change like `setStatus`; a
	 * compare-and-set atomic across nodes (see above).
	 */
	assign( chatId: string, a: Assignment ): Promise< AssignOutcome >;
	/** Only ever called for stored-mode chats. Resolves to the message's number (see above). */
	appendMessage( message: NewMessage ): Promise< number >;
	/** The chat's messages numbered above `afterSeq`, in number order ([] for no such chat). */
	messagesAfter( chatId: string, afterSeq: number ): Promise< ChatMessage[] >;
	/** The chat's highest message number (0: none, or no such chat). */
	lastSeq( chatId: string ): Promise< number >;
	getChat( chatId: string ): Promise< ChatRecord | undefined >;
	findByCode( site: string, codeHash: string ): Promise< ChatRecord | undefined >;
	setKeep( chatId: string, keep: boolean ): Promise< void >;
	/**
	 * Removes the chat, its messages and its status history (statistics
	 * stay); no text of it is left in the engine's files once it resolves.
	 */
	deleteChat( chatId: string ): Promise< void >;
	/** Deletes closed, not-kept chats of a site closed before `cutoff`; resolves to how many. */
	purgeClosedBefore( site: string, cutoff: number ): Promise< number >;
	/** When the agent's last chat ended (0 if never): the routing's "idle since". */
	lastChatEnd( site: string, agentSub: string ): Promise< number >;
	insertContact( submission: ContactSubmission ): Promise< void >;
	/** The site's submissions, newest first. */
	contacts( site: string ): Promise< ContactSubmission[] >;
	/**
	 * What the site holds about one e-mail address (WordPress's personal data
	 * export and erasure), compared without case: contact-form submissions
	 * with that address in a field, and stored chats whose pre-chat form gave
	 * it, each oldest first. Ephemeral chats never wrote it anywhere.
	 */
	findByEmail( site: string, email: string ): Promise< { contacts: ContactSubmission[]; chats: ChatRecord[] } >;
	deleteContact( id: string ): Promise< void >;
	/** Every chat not closed, oldest first (recovery at start-up). */
	openChats(): Promise< ChatRecord[] >;
	/** The chat's status changes, oldest first. */
	statusHistory( chatId: string ): Promise< Array< { status: ChatStatus; at: number } > >;
	/**
	 * Counts one event in its hour. Counted in memory and written with a later
	 * batch (within seconds), so counting never costs the relay a write of its
	 * own; a crash may lose the last few seconds of counts, never a message.
	 */
	bumpStat( site: string, kind: StatKind, at: number ): void;
	/** One site's counters only (a service may carry several sites), by hour then kind. */
	stats( site: string, fromHour: number, toHour: number ): Promise< StatRow[] >;
	/**
	 * Runs `fn` unless a run of `name` is under way on any store on this
	 * storage: true once it resolved, false (at once, `fn` not called) if
	 * one is. See "Cluster-once jobs" above.
	 */
	exclusive( name: string, fn: () => Promise< unknown > ): Promise< boolean >;
	/** Resolves when every write called so far is durable (a write of its own: it settles in call order). */
	flush(): Promise< void >;
	/**
	 * Rejects when the store cannot take writes now (the readiness probe,
	 * GET /readyz): a real check that is cheap enough to run every few seconds.
	 */
	checkWritable(): Promise< void >;
	/** Writes what is queued (settling those writes), then closes; nothing may be called after. */
	close(): Promise< void >;
}

/** `assign`'s input, checked inside the write (so the write fails alone, in call order). */
export function checkAssignment( a: Assignment ): void {
	if ( ! Number.isInteger( a.maxChats ) || a.maxChats < 0 ) {
		throw new StoreInputError( `an assignment's maxChats must be an integer of 0 or more, not ${ String( a.maxChats ) }` );
	}
	if ( a.status !== 'active' && a.status !== 'away' ) {
		throw new StoreInputError( `an assigned chat's status is 'active' or 'away', not ${ JSON.stringify( a.status ) }` );
	}
}

export const HOUR_MS = 3_600_000;
export const toHour = ( at: number ): number => Math.floor( at / HOUR_MS ) * HOUR_MS;
