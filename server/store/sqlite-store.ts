/**
 * The embedded storage engine: one SQLite file (WAL mode) in the data folder.
 *
 * Writes are queued and committed in one transaction per event-loop turn, so
 * a burst of messages costs one fsync, not one per message; each write's
 * promise resolves after that commit, which is when the message may be
 * acknowledged.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ChatMessage, ChatStatus } from '../protocol';
import { toHour, type ChatRecord, type ChatStore, type StatKind, type StatRow } from './types';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS chats (
	id TEXT PRIMARY KEY,
	site TEXT NOT NULL,
	code_hash TEXT NOT NULL,
	mode TEXT NOT NULL,
	dept TEXT,
	status TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	closed_at INTEGER,
	keep INTEGER NOT NULL DEFAULT 0,
	visitor_sub TEXT NOT NULL,
	visitor_name TEXT,
	agent_sub TEXT,
	agent_name TEXT,
	from_ref TEXT,
	consent_version TEXT
);
CREATE INDEX IF NOT EXISTS chats_status ON chats(status);
CREATE TABLE IF NOT EXISTS chat_events (
	chat_id TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
	status TEXT NOT NULL,
	at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS chat_events_chat ON chat_events(chat_id);
CREATE TABLE IF NOT EXISTS messages (
	chat_id TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,
	author TEXT NOT NULL,
	text TEXT NOT NULL,
	at INTEGER NOT NULL,
	name TEXT,
	event TEXT,
	client_id TEXT,
	PRIMARY KEY (chat_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stats_hourly (
	hour INTEGER NOT NULL,
	kind TEXT NOT NULL,
	count INTEGER NOT NULL,
	PRIMARY KEY (hour, kind)
) WITHOUT ROWID;
`;

interface ChatRow {
	id: string;
	site: string;
	code_hash: string;
	mode: ChatRecord[ 'mode' ];
	dept: string | null;
	status: ChatStatus;
	created_at: number;
	closed_at: number | null;
	keep: number;
	visitor_sub: string;
	visitor_name: string | null;
	agent_sub: string | null;
	agent_name: string | null;
	from_ref: string | null;
	consent_version: string | null;
}

interface MessageRow {
	chat_id: string;
	seq: number;
	author: ChatMessage[ 'from' ];
	text: string;
	at: number;
	name: string | null;
	event: ChatMessage[ 'event' ] | null;
	client_id: string | null;
}

const toRecord = ( r: ChatRow ): ChatRecord => ( {
	id: r.id,
	site: r.site,
	codeHash: r.code_hash,
	mode: r.mode,
	dept: r.dept,
	status: r.status,
	createdAt: r.created_at,
	closedAt: r.closed_at,
	keep: r.keep === 1,
	visitorSub: r.visitor_sub,
	visitorName: r.visitor_name,
	agentSub: r.agent_sub,
	agentName: r.agent_name,
	from: r.from_ref,
	consentVersion: r.consent_version,
} );

const toMessage = ( r: MessageRow ): ChatMessage => {
	const m: ChatMessage = { chatId: r.chat_id, seq: r.seq, from: r.author, text: r.text, at: r.at };
	if ( r.name !== null ) m.name = r.name;
	if ( r.event !== null ) m.event = r.event;
	if ( r.client_id !== null ) m.clientId = r.client_id;
	return m;
};

interface Waiter {
	resolve: () => void;
	reject: ( e: unknown ) => void;
}

export class SqliteStore implements ChatStore {
	private readonly db: Database.Database;
	private queue: Array< () => void > = [];
	private waiters: Waiter[] = [];
	private scheduled = false;
	private readonly stmt;

	constructor( file: string ) {
		if ( file !== ':memory:' ) mkdirSync( dirname( file ), { recursive: true } );
		this.db = new Database( file );
		this.db.pragma( 'journal_mode = WAL' );
		// FULL: a committed (and so acknowledged) message survives a power cut too.
		this.db.pragma( 'synchronous = FULL' );
		// Deleted chats are overwritten in the file, not just unlinked from the b-tree.
		this.db.pragma( 'secure_delete = ON' );
		this.db.pragma( 'foreign_keys = ON' );
		this.db.exec( SCHEMA );
		const db = this.db;
		this.stmt = {
			insertChat: db.prepare(
				`INSERT INTO chats (id, site, code_hash, mode, dept, status, created_at, closed_at, keep,
					visitor_sub, visitor_name, agent_sub, agent_name, from_ref, consent_version)
				 VALUES (@id, @site, @codeHash, @mode, @dept, @status, @createdAt, @closedAt, @keep,
					@visitorSub, @visitorName, @agentSub, @agentName, @from, @consentVersion)`
			),
			insertEvent: db.prepare( 'INSERT INTO chat_events (chat_id, status, at) VALUES (?, ?, ?)' ),
			setStatus: db.prepare(
				'UPDATE chats SET status = ?, closed_at = CASE WHEN ? = \'closed\' THEN ? ELSE closed_at END WHERE id = ?'
			),
			setAgent: db.prepare( 'UPDATE chats SET agent_sub = ?, agent_name = ? WHERE id = ?' ),
			insertMessage: db.prepare(
				`INSERT INTO messages (chat_id, seq, author, text, at, name, event, client_id)
				 VALUES (@chatId, @seq, @from, @text, @at, @name, @event, @clientId)`
			),
			messagesAfter: db.prepare( 'SELECT * FROM messages WHERE chat_id = ? AND seq > ? ORDER BY seq' ),
			lastSeq: db.prepare( 'SELECT COALESCE(MAX(seq), 0) AS s FROM messages WHERE chat_id = ?' ),
			byClientId: db.prepare( 'SELECT * FROM messages WHERE chat_id = ? AND client_id = ?' ),
			getChat: db.prepare( 'SELECT * FROM chats WHERE id = ?' ),
			openChats: db.prepare( "SELECT * FROM chats WHERE status != 'closed' ORDER BY created_at" ),
			history: db.prepare( 'SELECT status, at FROM chat_events WHERE chat_id = ? ORDER BY rowid' ),
			bumpStat: db.prepare(
				`INSERT INTO stats_hourly (hour, kind, count) VALUES (?, ?, 1)
				 ON CONFLICT (hour, kind) DO UPDATE SET count = count + 1`
			),
			stats: db.prepare( 'SELECT hour, kind, count FROM stats_hourly WHERE hour >= ? AND hour <= ? ORDER BY hour, kind' ),
		};
	}

	/** Queues a write; the promise settles after the transaction that carries it. */
	private enqueue( op: () => void ): Promise< void > {
		this.queue.push( op );
		const done = new Promise< void >( ( resolve, reject ) => this.waiters.push( { resolve, reject } ) );
		this.schedule();
		return done;
	}

	private schedule(): void {
		if ( this.scheduled ) return;
		this.scheduled = true;
		setImmediate( () => this.commit() );
	}

	private commit(): void {
		this.scheduled = false;
		const ops = this.queue;
		const waiters = this.waiters;
		this.queue = [];
		this.waiters = [];
		if ( ops.length === 0 ) {
			waiters.forEach( ( w ) => w.resolve() );
			return;
		}
		try {
			this.db.transaction( () => ops.forEach( ( op ) => op() ) )();
			waiters.forEach( ( w ) => w.resolve() );
		} catch ( e ) {
			waiters.forEach( ( w ) => w.reject( e ) );
		}
	}

	insertChat( chat: ChatRecord ): Promise< void > {
		return this.enqueue( () => {
			this.stmt.insertChat.run( { ...chat, keep: chat.keep ? 1 : 0 } );
			this.stmt.insertEvent.run( chat.id, chat.status, chat.createdAt );
		} );
	}

	setStatus(
		chatId: string,
		status: ChatStatus,
		at: number,
		agent?: { sub: string; name: string } | null
	): Promise< void > {
		return this.enqueue( () => {
			this.stmt.setStatus.run( status, status, at, chatId );
			this.stmt.insertEvent.run( chatId, status, at );
			if ( agent !== undefined ) {
				this.stmt.setAgent.run( agent?.sub ?? null, agent?.name ?? null, chatId );
			}
		} );
	}

	appendMessage( m: ChatMessage ): Promise< void > {
		const row = {
			chatId: m.chatId,
			seq: m.seq,
			from: m.from,
			text: m.text,
			at: m.at,
			name: m.name ?? null,
			event: m.event ?? null,
			clientId: m.clientId ?? null,
		};
		return this.enqueue( () => this.stmt.insertMessage.run( row ) );
	}

	messagesAfter( chatId: string, afterSeq: number ): ChatMessage[] {
		return ( this.stmt.messagesAfter.all( chatId, afterSeq ) as MessageRow[] ).map( toMessage );
	}

	lastSeq( chatId: string ): number {
		return ( this.stmt.lastSeq.get( chatId ) as { s: number } ).s;
	}

	findClientMessage( chatId: string, clientId: string ): ChatMessage | undefined {
		const row = this.stmt.byClientId.get( chatId, clientId ) as MessageRow | undefined;
		return row ? toMessage( row ) : undefined;
	}

	getChat( chatId: string ): ChatRecord | undefined {
		const row = this.stmt.getChat.get( chatId ) as ChatRow | undefined;
		return row ? toRecord( row ) : undefined;
	}

	openChats(): ChatRecord[] {
		return ( this.stmt.openChats.all() as ChatRow[] ).map( toRecord );
	}

	statusHistory( chatId: string ): Array< { status: ChatStatus; at: number } > {
		return this.stmt.history.all( chatId ) as Array< { status: ChatStatus; at: number } >;
	}

	bumpStat( kind: StatKind, at: number ): void {
		void this.enqueue( () => this.stmt.bumpStat.run( toHour( at ), kind ) );
	}

	stats( fromHour: number, toHourIncl: number ): StatRow[] {
		return this.stmt.stats.all( fromHour, toHourIncl ) as StatRow[];
	}

	flush(): Promise< void > {
		return this.enqueue( () => undefined );
	}

	close(): void {
		this.commit();
		this.db.close();
	}
}
