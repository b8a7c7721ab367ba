/**
 * The embedded storage engine: one SQLite file (WAL mode) in the data folder.
 *
 * Writes are queued and committed in one transaction per event-loop turn, so
 * a burst of messages costs one fsync, not one per message; each write's
 * promise resolves after that commit, which is when the message may be
 * acknowledged.
 *
 * Durable as with `synchronous = FULL` (an acknowledged message survives a
 * power cut, not only a crash of this process), without stopping the relay
 * while the disk syncs: SQLite runs with NORMAL (the WAL stays consistent),
 * and after each commit this store fdatasyncs the WAL file itself, on
 * libuv's thread pool; a commit's promises settle only once a sync that
 * started after it has returned. With MAX_SYNCS syncs running, further
 * writes wait and go into one transaction when one returns (group commit):
 * under load, one commit and one sync carry many messages, instead of one
 * blocking commit per event-loop turn (measured: 50 busy chats dirty 50
 * b-tree pages per commit, so small commits cost most of the stored relay).
 *
 * Checkpoints (copying the WAL into the database file, with its fsyncs) ran
 * inside commits, on this thread: about two thirds of the commit time under
 * load. A worker thread with its own connection runs them instead (PASSIVE:
 * alongside our writes), when asked, one at a time; SQLite's own automatic
 * checkpoint stays on as a backstop with a larger threshold. The WAL
 * truncation after a deletion stays here, waiting for a running checkpoint.
 */
import Database from 'better-sqlite3';
import { closeSync, fdatasync, fdatasyncSync, mkdirSync, openSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { dirname } from 'node:path';
import type { ChatMessage, ChatStatus } from '../protocol';
import {
	toHour,
	type ChatChanges,
	type ChatRecord,
	type ChatStore,
	type ContactSubmission,
	type StatKind,
	type StatRow,
} from './types';

const SCHEMA_VERSION = 1;
const STATS_FLUSH_MS = 5_000;
/** WAL syncs running at once; more writes wait for one of them (and are grouped). */
const MAX_SYNCS = 1;
/** How often the worker is asked to checkpoint while there are writes. */
const CHECKPOINT_EVERY_MS = 100;
/** SQLite's own checkpoint (on this thread) if the worker falls behind: pages in the WAL. */
const BACKSTOP_CHECKPOINT_PAGES = 10_000;
/** The checkpoint worker: its own connection, PASSIVE checkpoints on request. */
const CHECKPOINTER = `
const { parentPort, workerData } = require( 'node:worker_threads' );
const Database = require( workerData.lib );
const db = new Database( workerData.file );
db.pragma( 'synchronous = NORMAL' );
db.pragma( 'busy_timeout = 5000' );
parentPort.on( 'message', ( m ) => {
	if ( m === 'close' ) {
		db.close();
		parentPort.close();
		return;
	}
	let error = null;
	try {
		db.pragma( 'wal_checkpoint(PASSIVE)' );
	} catch ( e ) {
		error = String( e && e.message );
	}
	parentPort.postMessage( { error } );
} );
`;
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
CREATE INDEX IF NOT EXISTS chats_status ON chats(status, closed_at);
CREATE INDEX IF NOT EXISTS chats_code ON chats(code_hash);
CREATE INDEX IF NOT EXISTS chats_agent ON chats(site, agent_sub, closed_at);
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
	dialog TEXT,
	fields TEXT,
	options TEXT,
	PRIMARY KEY (chat_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS contact_submissions (
	id TEXT PRIMARY KEY,
	site TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	dept TEXT,
	lang TEXT,
	fields TEXT NOT NULL,
	consents TEXT NOT NULL
);
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
	dialog: string | null;
	fields: string | null;
	options: string | null;
}

interface ContactRow {
	id: string;
	site: string;
	created_at: number;
	dept: string | null;
	lang: string | null;
	fields: string;
	consents: string;
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
	if ( r.dialog !== null ) m.dialog = r.dialog;
	if ( r.fields !== null ) m.fields = JSON.parse( r.fields ) as Record< string, string >;
	if ( r.options !== null ) m.options = JSON.parse( r.options ) as string[];
	return m;
};

interface Waiter {
	resolve: () => void;
	reject: ( e: unknown ) => void;
}

/** The waiters of one commit, settled by the first sync started after it that returns. */
interface Committed {
	sync: number;
	waiters: Waiter[];
}

export class SqliteStore implements ChatStore {
	private readonly db: Database.Database;
	private queue: Array< () => void > = [];
	private waiters: Waiter[] = [];
	private scheduled = false;
	/** Set by deletions: the WAL is checkpointed and truncated after the commit. */
	private deleted = false;
	/**
	 * Counters not yet written ("hour|kind" → n). They ride along with the
	 * next commit, or are written within STATS_FLUSH_MS, so counting never
	 * costs the message relay a transaction of its own.
	 */
	private pendingStats = new Map< string, number >();
	private statsTimer: ReturnType< typeof setTimeout > | null = null;
	private readonly stmt;
	/** The WAL file, synced by this store (null: in-memory database, nothing to sync). */
	private walFd: number | null = null;
	/** Commits whose sync has not returned yet, oldest first. */
	private committed: Committed[] = [];
	private syncsRunning = 0;
	private lastSync = 0;
	/** Writes were left queued because MAX_SYNCS were running. */
	private commitAfterSync = false;
	private closed = false;
	private checkpointer: Worker | null = null;
	private checkpointing = false;
	private lastCheckpoint = 0;
	private writtenSinceCheckpoint = false;
	/** Deletions committed while a checkpoint ran: settled after the truncation that follows it. */
	private awaitingTruncate: Waiter[] | null = null;

	constructor( file: string ) {
		const onDisk = file !== ':memory:';
		if ( onDisk ) mkdirSync( dirname( file ), { recursive: true } );
		this.db = new Database( file );
		this.db.pragma( 'journal_mode = WAL' );
		// A committed (and so acknowledged) message survives a power cut too:
		// NORMAL plus this store's own WAL sync before anything settles (see above).
		this.db.pragma( onDisk ? 'synchronous = NORMAL' : 'synchronous = FULL' );
		// Deleted chats are overwritten in the file, not just unlinked from the b-tree.
		this.db.pragma( 'secure_delete = ON' );
		this.db.pragma( 'foreign_keys = ON' );
		this.db.exec( SCHEMA );
		this.db.pragma( `user_version = ${ SCHEMA_VERSION }` );
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
			setDept: db.prepare( 'UPDATE chats SET dept = ? WHERE id = ?' ),
			insertMessage: db.prepare(
				// Positional parameters: binding them is cheaper on this hot path.
				`INSERT INTO messages (chat_id, seq, author, text, at, name, event, client_id, dialog, fields, options)
				 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
			),
			messagesAfter: db.prepare( 'SELECT * FROM messages WHERE chat_id = ? AND seq > ? ORDER BY seq' ),
			lastSeq: db.prepare( 'SELECT COALESCE(MAX(seq), 0) AS s FROM messages WHERE chat_id = ?' ),
			getChat: db.prepare( 'SELECT * FROM chats WHERE id = ?' ),
			openChats: db.prepare( "SELECT * FROM chats WHERE status != 'closed' ORDER BY created_at" ),
			history: db.prepare( 'SELECT status, at FROM chat_events WHERE chat_id = ? ORDER BY rowid' ),
			addStat: db.prepare(
				`INSERT INTO stats_hourly (hour, kind, count) VALUES (?, ?, ?)
				 ON CONFLICT (hour, kind) DO UPDATE SET count = count + excluded.count`
			),
			stats: db.prepare( 'SELECT hour, kind, count FROM stats_hourly WHERE hour >= ? AND hour <= ? ORDER BY hour, kind' ),
			byCode: db.prepare( 'SELECT * FROM chats WHERE site = ? AND code_hash = ?' ),
			setKeep: db.prepare( 'UPDATE chats SET keep = ? WHERE id = ?' ),
			deleteChat: db.prepare( 'DELETE FROM chats WHERE id = ?' ),
			purge: db.prepare(
				"DELETE FROM chats WHERE site = ? AND status = 'closed' AND keep = 0 AND closed_at < ?"
			),
			lastChatEnd: db.prepare(
				'SELECT COALESCE(MAX(closed_at), 0) AS t FROM chats WHERE site = ? AND agent_sub = ?'
			),
			insertContact: db.prepare(
				`INSERT INTO contact_submissions (id, site, created_at, dept, lang, fields, consents)
				 VALUES (@id, @site, @createdAt, @dept, @lang, @fields, @consents)`
			),
			contacts: db.prepare( 'SELECT * FROM contact_submissions WHERE site = ? ORDER BY created_at DESC' ),
		};
		// The WAL file exists from the first access in WAL mode until the connection closes.
		if ( onDisk ) {
			this.walFd = openSync( `${ file }-wal`, 'r' );
			this.db.pragma( `wal_autocheckpoint = ${ BACKSTOP_CHECKPOINT_PAGES }` );
			this.checkpointer = new Worker( CHECKPOINTER, {
				eval: true,
				workerData: { file, lib: require.resolve( 'better-sqlite3' ) },
			} );
			this.checkpointer.unref();
			this.checkpointer.on( 'message', () => this.checkpointDone() );
			this.checkpointer.on( 'error', () => {
				// The backstop checkpoint goes on; only the relief is gone.
				this.checkpointer = null;
				this.checkpointDone();
			} );
		}
	}

	private maybeCheckpoint(): void {
		if ( ! this.checkpointer || this.checkpointing || ! this.writtenSinceCheckpoint ) return;
		const now = Date.now();
		if ( now - this.lastCheckpoint < CHECKPOINT_EVERY_MS ) return;
		this.lastCheckpoint = now;
		this.writtenSinceCheckpoint = false;
		this.checkpointing = true;
		this.checkpointer.postMessage( 'checkpoint' );
	}

	private checkpointDone(): void {
		this.checkpointing = false;
		this.retryTruncate();
	}

	private retryTruncate(): void {
		const waiting = this.awaitingTruncate;
		if ( waiting && ! this.closed ) {
			this.awaitingTruncate = null;
			this.truncateWal( waiting );
		}
	}

	/** Deleted text must not linger in WAL frames until some later checkpoint. */
	private truncateWal( waiters: Waiter[] ): void {
		if ( this.checkpointing ) {
			// Never two checkpoints at once: this one follows the worker's.
			( this.awaitingTruncate ??= [] ).push( ...waiters );
			return;
		}
		let busy = false;
		try {
			const [ result ] = this.db.pragma( 'wal_checkpoint(TRUNCATE)' ) as Array< { busy: number } >;
			busy = result?.busy === 1;
		} catch ( e ) {
			waiters.forEach( ( w ) => w.reject( e ) );
			return;
		}
		if ( busy && ! this.closed ) {
			// Not done (someone else's checkpoint or read): the deletion is not settled until it is.
			( this.awaitingTruncate ??= [] ).push( ...waiters );
			setTimeout( () => this.retryTruncate(), 5 ).unref();
			return;
		}
		this.durable( waiters );
	}

	/** After a successful commit: its waiters settle once the WAL is on disk. */
	private durable( waiters: Waiter[] ): void {
		if ( this.walFd === null ) {
			waiters.forEach( ( w ) => w.resolve() );
			return;
		}
		if ( waiters.length === 0 ) return;
		const sync = ++this.lastSync;
		this.committed.push( { sync, waiters } );
		this.syncsRunning++;
		const fd = this.walFd;
		fdatasync( fd, ( e ) => {
			this.syncsRunning--;
			if ( this.closed ) {
				// close() synced and settled everything already.
				if ( this.syncsRunning === 0 ) closeSync( fd );
				return;
			}
			// This sync covers every commit made before it started.
			while ( this.committed.length > 0 && this.committed[ 0 ].sync <= sync ) {
				const { waiters: done } = this.committed.shift() as Committed;
				if ( e ) done.forEach( ( w ) => w.reject( e ) );
				else done.forEach( ( w ) => w.resolve() );
			}
			if ( this.commitAfterSync ) {
				this.commitAfterSync = false;
				this.commit();
			}
		} );
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

	/** `now`: even while MAX_SYNCS run (readers and close() need the data written). */
	private commit( now = false ): void {
		this.scheduled = false;
		if ( this.syncsRunning >= MAX_SYNCS && ! now ) {
			this.commitAfterSync = true;
			return;
		}
		const ops = this.queue;
		const waiters = this.waiters;
		const stats = this.pendingStats;
		this.queue = [];
		this.waiters = [];
		this.pendingStats = new Map();
		if ( this.statsTimer ) {
			clearTimeout( this.statsTimer );
			this.statsTimer = null;
		}
		if ( ops.length === 0 && stats.size === 0 ) {
			this.durable( waiters );
			return;
		}
		try {
			this.db.transaction( () => {
				ops.forEach( ( op ) => op() );
				for ( const [ key, n ] of stats ) {
					const [ hour, kind ] = key.split( '|' );
					this.stmt.addStat.run( Number( hour ), kind, n );
				}
			} )();
			this.writtenSinceCheckpoint = true;
			if ( this.deleted ) {
				this.deleted = false;
				this.truncateWal( waiters );
			} else {
				this.durable( waiters );
			}
			this.maybeCheckpoint();
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

	setStatus( chatId: string, status: ChatStatus, at: number, changes: ChatChanges = {} ): Promise< void > {
		return this.enqueue( () => {
			this.stmt.setStatus.run( status, status, at, chatId );
			this.stmt.insertEvent.run( chatId, status, at );
			if ( changes.agent !== undefined ) {
				this.stmt.setAgent.run( changes.agent?.sub ?? null, changes.agent?.name ?? null, chatId );
			}
			if ( changes.dept !== undefined ) {
				this.stmt.setDept.run( changes.dept, chatId );
			}
		} );
	}

	appendMessage( m: ChatMessage ): Promise< void > {
		const insert = this.stmt.insertMessage;
		return this.enqueue( () =>
			insert.run(
				m.chatId,
				m.seq,
				m.from,
				m.text,
				m.at,
				m.name ?? null,
				m.event ?? null,
				m.clientId ?? null,
				m.dialog ?? null,
				m.fields ? JSON.stringify( m.fields ) : null,
				m.options ? JSON.stringify( m.options ) : null
			)
		);
	}

	messagesAfter( chatId: string, afterSeq: number ): ChatMessage[] {
		return ( this.stmt.messagesAfter.all( chatId, afterSeq ) as MessageRow[] ).map( toMessage );
	}

	lastSeq( chatId: string ): number {
		return ( this.stmt.lastSeq.get( chatId ) as { s: number } ).s;
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

	findByCode( site: string, codeHash: string ): ChatRecord | undefined {
		const row = this.stmt.byCode.get( site, codeHash ) as ChatRow | undefined;
		return row ? toRecord( row ) : undefined;
	}

	setKeep( chatId: string, keep: boolean ): Promise< void > {
		return this.enqueue( () => this.stmt.setKeep.run( keep ? 1 : 0, chatId ) );
	}

	deleteChat( chatId: string ): Promise< void > {
		return this.enqueue( () => {
			this.stmt.deleteChat.run( chatId );
			this.deleted = true;
		} );
	}

	async purgeClosedBefore( site: string, cutoff: number ): Promise< number > {
		let count = 0;
		await this.enqueue( () => {
			count = this.stmt.purge.run( site, cutoff ).changes;
			if ( count > 0 ) this.deleted = true;
		} );
		return count;
	}

	lastChatEnd( site: string, agentSub: string ): number {
		return ( this.stmt.lastChatEnd.get( site, agentSub ) as { t: number } ).t;
	}

	insertContact( c: ContactSubmission ): Promise< void > {
		const row = { ...c, fields: JSON.stringify( c.fields ), consents: JSON.stringify( c.consents ) };
		return this.enqueue( () => this.stmt.insertContact.run( row ) );
	}

	contacts( site: string ): ContactSubmission[] {
		return ( this.stmt.contacts.all( site ) as ContactRow[] ).map( ( r ) => ( {
			id: r.id,
			site: r.site,
			createdAt: r.created_at,
			dept: r.dept,
			lang: r.lang,
			fields: JSON.parse( r.fields ) as ContactSubmission[ 'fields' ],
			consents: JSON.parse( r.consents ) as ContactSubmission[ 'consents' ],
		} ) );
	}

	bumpStat( kind: StatKind, at: number ): void {
		const key = `${ toHour( at ) }|${ kind }`;
		this.pendingStats.set( key, ( this.pendingStats.get( key ) ?? 0 ) + 1 );
		if ( ! this.statsTimer && ! this.scheduled ) {
			this.statsTimer = setTimeout( () => this.schedule(), STATS_FLUSH_MS );
			this.statsTimer.unref();
		}
	}

	stats( fromHour: number, toHourIncl: number ): StatRow[] {
		// Write what is pending first, so a reader sees every count so far.
		if ( this.pendingStats.size > 0 ) this.commit( true );
		return this.stmt.stats.all( fromHour, toHourIncl ) as StatRow[];
	}

	flush(): Promise< void > {
		return this.enqueue( () => undefined );
	}

	close(): void {
		this.commit( true );
		if ( this.checkpointer ) {
			this.checkpointer.postMessage( 'close' );
			this.checkpointer = null;
		}
		if ( this.awaitingTruncate ) {
			// The worker may still be checkpointing; SQLite waits for it (busy timeout).
			const waiting = this.awaitingTruncate;
			this.awaitingTruncate = null;
			this.checkpointing = false;
			this.truncateWal( waiting );
		}
		if ( this.walFd !== null ) {
			fdatasyncSync( this.walFd );
			this.closed = true;
			for ( const c of this.committed ) c.waiters.forEach( ( w ) => w.resolve() );
			this.committed = [];
			// A sync still running closes the file when it returns.
			if ( this.syncsRunning === 0 ) closeSync( this.walFd );
			this.walFd = null;
		}
		this.db.close();
	}
}
