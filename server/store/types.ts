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

/** Hour-rounded counters with no chat reference (statistics and billing). */
export type StatKind = 'chat_started' | 'chat_ended' | 'message_received' | 'message_sent';

export interface StatRow {
	hour: number;
	kind: StatKind;
	count: number;
}

export interface ChatStore {
	insertChat( chat: ChatRecord ): Promise< void >;
	/** Records a status change (with its time) and updates the chat. */
	setStatus(
		chatId: string,
		status: ChatStatus,
		at: number,
		agent?: { sub: string; name: string } | null
	): Promise< void >;
	/** Only ever called for stored-mode chats. */
	appendMessage( message: ChatMessage ): Promise< void >;
	messagesAfter( chatId: string, afterSeq: number ): ChatMessage[];
	lastSeq( chatId: string ): number;
	findClientMessage( chatId: string, clientId: string ): ChatMessage | undefined;
	getChat( chatId: string ): ChatRecord | undefined;
	openChats(): ChatRecord[];
	statusHistory( chatId: string ): Array< { status: ChatStatus; at: number } >;
	bumpStat( kind: StatKind, at: number ): void;
	stats( fromHour: number, toHour: number ): StatRow[];
	/** Resolves when everything queued so far is durable. */
	flush(): Promise< void >;
	close(): void;
}

export const HOUR_MS = 3_600_000;
export const toHour = ( at: number ): number => Math.floor( at / HOUR_MS ) * HOUR_MS;
