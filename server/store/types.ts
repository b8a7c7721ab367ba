/**
 * The storage interface. The service talks only to this, so another engine
 * (PostgreSQL, say) can be added beside the embedded SQLite one.
 *
 * Writes return promises that resolve once the data is durable; engines are
 * expected to batch them (the SQLite engine commits once per event-loop
 * turn), which is why acknowledgements wait on these promises.
 */
import type { ChatMessage, ChatMode, ChatStatus } from '../protocol';

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

/** Hour-rounded counters per site with no chat reference (statistics and billing). */
export type StatKind = 'chat_started' | 'chat_ended' | 'message_received' | 'message_sent';

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

export interface ChatStore {
	insertChat( chat: ChatRecord ): Promise< void >;
	/**
	 * Records a status change (with its time) and updates the chat; `changes`
	 * also moves it to another agent (null: none) or department.
	 */
	setStatus( chatId: string, status: ChatStatus, at: number, changes?: ChatChanges ): Promise< void >;
	/** Only ever called for stored-mode chats. */
	appendMessage( message: ChatMessage ): Promise< void >;
	messagesAfter( chatId: string, afterSeq: number ): ChatMessage[];
	lastSeq( chatId: string ): number;
	getChat( chatId: string ): ChatRecord | undefined;
	findByCode( site: string, codeHash: string ): ChatRecord | undefined;
	setKeep( chatId: string, keep: boolean ): Promise< void >;
	/** Removes the chat, its messages and its status history (statistics stay). */
	deleteChat( chatId: string ): Promise< void >;
	/** Deletes closed, not-kept chats of a site closed before `cutoff`; resolves to how many. */
	purgeClosedBefore( site: string, cutoff: number ): Promise< number >;
	/** When the agent's last chat ended (0 if never): the routing's "idle since". */
	lastChatEnd( site: string, agentSub: string ): number;
	insertContact( submission: ContactSubmission ): Promise< void >;
	contacts( site: string ): ContactSubmission[];
	/**
	 * What the site holds about one e-mail address (WordPress's personal data
	 * export and erasure): contact-form submissions with that address in a
	 * field, and stored chats whose pre-chat form gave it. Ephemeral chats
	 * never wrote it anywhere.
	 */
	findByEmail( site: string, email: string ): { contacts: ContactSubmission[]; chats: ChatRecord[] };
	deleteContact( id: string ): Promise< void >;
	openChats(): ChatRecord[];
	statusHistory( chatId: string ): Array< { status: ChatStatus; at: number } >;
	bumpStat( site: string, kind: StatKind, at: number ): void;
	/** One site's counters only: a service may carry several sites' chats. */
	stats( site: string, fromHour: number, toHour: number ): StatRow[];
	/** Resolves when everything queued so far is durable. */
	flush(): Promise< void >;
	/**
	 * Rejects when the store cannot take writes now (the readiness probe,
	 * GET /readyz): a real check that is cheap enough to run every few seconds.
	 */
	checkWritable(): Promise< void >;
	close(): void;
}

export const HOUR_MS = 3_600_000;
export const toHour = ( at: number ): number => Math.floor( at / HOUR_MS ) * HOUR_MS;
