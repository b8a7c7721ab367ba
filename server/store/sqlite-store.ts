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
import type { Author, ChatMessage, ChatStatus, FieldValues, SystemEvent } from '../protocol';
import {
	type ChatChanges,
	type ChatRecord,
	type ChatStore,
	type ContactSubmission,
	type StatKind,
	type StatRow,
} from './types';
import { PendingStats } from './pending-stats';

const SCHEMA_VERSION = 5;
/** Defaults of the index's folding (see foldTail; the service's config can set them). */
const FOLD_DEFAULTS = {
	/** Rows written since the last fold that make the next commit fold them too. */
	foldRows: 4096,
	/** A smaller tail is folded this long after a write (an idle store folds soon). */
	foldIdleMs: 2_000,
};
const STATS_FLUSH_MS = 5_000;
/** Rows per INSERT statement (3 parameters each). */
const INSERT_BATCH = 32;

/** A message waiting for the next transaction, its body already encoded (see encodeBody). */
interface MessageRow {
	chatId: string;
	seq: number;
	body: string;
}
/** Counters per site: one service may carry several sites, and each sees only its own. */
const statsTable = ( name: string ): string => `CREATE TABLE IF NOT EXISTS ${ name } (
	site TEXT NOT NULL,
	hour INTEGER NOT NULL,
	kind TEXT NOT NULL,
	count INTEGER NOT NULL,
	PRIMARY KEY (site, hour, kind)
) WITHOUT ROWID;`;

/**
 * Chats have an integer key (\`rid\`) besides their public id (a UUID), and
 * messages are keyed by (rid, seq): small keys, cheap comparisons. AUTOINCREMENT,
 * so a deleted chat's number is never given to another chat. The public id
 * stays in \`chats\` only.
 */
const chatsTable = ( name: string ): string => `CREATE TABLE IF NOT EXISTS ${ name } (
	rid INTEGER PRIMARY KEY AUTOINCREMENT,
	id TEXT NOT NULL UNIQUE,
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
);`;

/**
 * One row per chat per commit (schema 5): its chat's rid, the highest seq in
 * it, and its messages as a JSON array of compact bodies, each with its own
 * seq (see encodeBody), only ever read back together. At a message or two per
 * commit that is a row per message; under load a commit carries dozens per
 * busy chat, and a row per message was most of what the store cost (the
 * b-tree insert, and the index entry its fold writes).
 *
 * Rows are kept in the order they were written (\`id\`), so a commit appends
 * them to the end of the table (a page or two for a whole batch) instead of
 * inserting into one page per busy chat; a chat's rows are in seq order. No
 * foreign key: that would cost a lookup in \`chats\` per insert. Every
 * deletion of a chat deletes its messages in the same transaction instead.
 */
const messagesTable = ( name: string ): string => `CREATE TABLE IF NOT EXISTS ${ name } (
	id INTEGER PRIMARY KEY,
	chat INTEGER NOT NULL,
	seq INTEGER NOT NULL,
	body TEXT NOT NULL
);`;
/**
 * The index by chat (schema 4): (chat, highest seq) → row id, maintained in
 * batches ("folds", see foldTail), not per insert, because an index entry
 * per insert wrote one b-tree page per busy chat per commit. Messages with
 * an id above \`message_fold.up_to\` (the tail, about foldRows rows at most)
 * are not in it yet, and every read by chat scans that tail too. The index
 * is derived data: a crash leaves the tail unfolded, and nothing needs repair.
 */
const MESSAGE_INDEX = `
CREATE TABLE IF NOT EXISTS message_index (
	chat INTEGER NOT NULL,
	seq INTEGER NOT NULL,
	id INTEGER NOT NULL,
	PRIMARY KEY (chat, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS message_fold (
	one INTEGER PRIMARY KEY CHECK (one = 1),
	up_to INTEGER NOT NULL
);`;

const CHAT_INDEXES = `
CREATE INDEX IF NOT EXISTS chats_status ON chats(status, closed_at);
CREATE INDEX IF NOT EXISTS chats_code ON chats(code_hash);
CREATE INDEX IF NOT EXISTS chats_agent ON chats(site, agent_sub, closed_at);
`;

const SCHEMA = `
${ chatsTable( 'chats' ) }
${ CHAT_INDEXES }
CREATE TABLE IF NOT EXISTS chat_events (
	chat_id TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
	status TEXT NOT NULL,
	at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS chat_events_chat ON chat_events(chat_id);
${ messagesTable( 'messages' ) }
CREATE TABLE IF NOT EXISTS contact_submissions (
	id TEXT PRIMARY KEY,
	site TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	dept TEXT,
	lang TEXT,
	fields TEXT NOT NULL,
	consents TEXT NOT NULL
);
${ statsTable( 'stats_hourly' ) }
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

/** A message row of schema 2 and before (read only by the migration). */
interface MessageRowV2 {
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

const toContact = ( r: ContactRow ): ContactSubmission => ( {
	id: r.id,
	site: r.site,
	createdAt: r.created_at,
	dept: r.dept,
	lang: r.lang,
	fields: JSON.parse( r.fields ) as ContactSubmission[ 'fields' ],
	consents: JSON.parse( r.consents ) as ContactSubmission[ 'consents' ],
} );

const fromRowV2 = ( r: MessageRowV2 ): ChatMessage => {
	const m: ChatMessage = { chatId: r.chat_id, seq: r.seq, from: r.author, text: r.text, at: r.at };
	if ( r.name !== null ) m.name = r.name;
	if ( r.event !== null ) m.event = r.event;
	if ( r.client_id !== null ) m.clientId = r.client_id;
	if ( r.dialog !== null ) m.dialog = r.dialog;
	if ( r.fields !== null ) m.fields = JSON.parse( r.fields ) as Record< string, string >;
	if ( r.options !== null ) m.options = JSON.parse( r.options ) as string[];
	return m;
};

/**
 * A message's stored body: short keys, absent fields left out. A row's body
 * is a JSON array of these. `d` and `v` are what the e-mail search
 * (findByEmail) reads with SQLite's JSON functions.
 */
interface Body {
	s: number;
	f: Author;
	t: string;
	a: number;
	n?: string;
	e?: SystemEvent;
	c?: string;
	d?: string;
	v?: FieldValues;
	o?: string[];
}

const encodeBody = ( m: ChatMessage ): string => {
	const b: Body = { s: m.seq, f: m.from, t: m.text, a: m.at };
	if ( m.name !== undefined ) b.n = m.name;
	if ( m.event !== undefined ) b.e = m.event;
	if ( m.clientId !== undefined ) b.c = m.clientId;
	if ( m.dialog !== undefined ) b.d = m.dialog;
	if ( m.fields !== undefined ) b.v = m.fields;
	if ( m.options !== undefined ) b.o = m.options;
	return JSON.stringify( b );
};

/** The messages of one row (a JSON array of bodies) numbered above `after`. */
const decodeRow = ( chatId: string, body: string, after: number ): ChatMessage[] =>
	( JSON.parse( body ) as Body[] ).filter( ( b ) => b.s > after ).map( ( b ) => decodeBody( chatId, b ) );

const decodeBody = ( chatId: string, b: Body ): ChatMessage => {
	const m: ChatMessage = { chatId, seq: b.s, from: b.f, text: b.t, at: b.a };
	if ( b.n !== undefined ) m.name = b.n;
	if ( b.e !== undefined ) m.event = b.e;
	if ( b.c !== undefined ) m.clientId = b.c;
	if ( b.d !== undefined ) m.dialog = b.d;
	if ( b.v !== undefined ) m.fields = b.v;
	if ( b.o !== undefined ) m.options = b.o;
	return m;
};

interface Waiter {
	resolve: () => void;
	reject: ( e: unknown ) => void;
}

export class SqliteStore implements ChatStore {
	private readonly db: Database.Database;
	/** Writes of the next transaction, in order: a function, or a message row (inserted in batches). */
	private queue: Array< ( () => void ) | MessageRow > = [];
	/** Multi-row INSERT statements by row count, prepared on first use. */
	private readonly insertStatements = new Map< number, Database.Statement >();
	private waiters: Waiter[] = [];
	private scheduled = false;
	/** Set by deletions: the WAL is checkpointed and truncated after the commit. */
	private deleted = false;
	/**
	 * Counters not yet written. They ride along with the next commit, or are
	 * written within STATS_FLUSH_MS, so counting never costs the message
	 * relay a transaction of its own.
	 */
	private pendingStats = new PendingStats();
	private statsTimer: ReturnType< typeof setTimeout > | null = null;
	/**
	 * Chat id → rid of chats written to lately (open ones), so a message
	 * insert needs no lookup. Dropped when a chat closes or is deleted;
	 * a miss is looked up.
	 */
	private rids = new Map< string, number >();
	/** message_fold.up_to as committed: messages above it are the unfolded tail. */
	private folded = 0;
	/** Rows appended since the last fold (an upper bound of the tail's length). */
	private unfolded = 0;
	private foldTimer: ReturnType< typeof setTimeout > | null = null;
	private lastWriteAt = 0;
	/** Why the last commit failed (disk full, I/O error), until a write succeeds again. */
	private lastCommitError: unknown = null;
	private readonly fold: typeof FOLD_DEFAULTS;
	private readonly stmt;

	/**
	 * @param file            The database file (or ':memory:').
	 * @param legacyStatsSite Owner of counters written before they had a site
	 *                        (schema version 1): the service's first configured site.
	 */
	constructor( file: string, legacyStatsSite = 'default', fold: Partial< typeof FOLD_DEFAULTS > = {} ) {
		this.fold = { ...FOLD_DEFAULTS, ...fold };
		if ( file !== ':memory:' ) mkdirSync( dirname( file ), { recursive: true } );
		this.db = new Database( file );
		this.db.pragma( 'journal_mode = WAL' );
		// FULL: a committed (and so acknowledged) message survives a power cut too.
		this.db.pragma( 'synchronous = FULL' );
		// Deleted chats are overwritten in the file, not just unlinked from the b-tree.
		this.db.pragma( 'secure_delete = ON' );
		this.db.exec( SCHEMA );
		this.migrateStatsToSites( legacyStatsSite );
		this.migrateMessagesToRids();
		this.migrateToFoldedIndex();
		this.migrateToMessageRows();
		// Only chat_events has a foreign key (messages are deleted explicitly).
		this.db.pragma( 'foreign_keys = ON' );
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
			rid: db.prepare( 'SELECT rid FROM chats WHERE id = ?' ).pluck(),
			// Reads by chat: the folded rows through the index, then the unfolded tail.
			// A row's seq is its highest, so these are the rows with a message after @after.
			messagesAfter: db.prepare(
				`SELECT m.seq, m.body FROM message_index i JOIN messages m ON m.id = i.id
				 WHERE i.chat = @chat AND i.seq > @after
				 UNION ALL
				 SELECT seq, body FROM messages WHERE id > @folded AND chat = @chat AND seq > @after
				 ORDER BY 1`
			),
			lastSeq: db
				.prepare(
					`SELECT COALESCE(MAX(s), 0) FROM (
						SELECT MAX(seq) AS s FROM message_index WHERE chat = @chat
						UNION ALL
						SELECT MAX(seq) FROM messages WHERE id > @folded AND chat = @chat
					)`
				)
				.pluck(),
			maxMessageId: db.prepare( 'SELECT COALESCE(MAX(id), 0) FROM messages' ).pluck(),
			foldedUpTo: db.prepare( 'SELECT up_to FROM message_fold' ).pluck(),
			foldIndex: db.prepare(
				'INSERT INTO message_index (chat, seq, id) SELECT chat, seq, id FROM messages WHERE id > ? AND id <= ? ORDER BY chat, seq'
			),
			setFolded: db.prepare( 'UPDATE message_fold SET up_to = ?' ),
			touchFold: db.prepare( 'UPDATE message_fold SET up_to = up_to' ),
			// After a deletion: if the highest folded rows went, rowids below up_to may be
			// given out again, so up_to comes down to the highest row left.
			clampFolded: db.prepare( 'UPDATE message_fold SET up_to = MIN(up_to, (SELECT COALESCE(MAX(id), 0) FROM messages))' ),
			getChat: db.prepare( 'SELECT * FROM chats WHERE id = ?' ),
			openChats: db.prepare( "SELECT * FROM chats WHERE status != 'closed' ORDER BY created_at" ),
			history: db.prepare( 'SELECT status, at FROM chat_events WHERE chat_id = ? ORDER BY rowid' ),
			addStat: db.prepare(
				`INSERT INTO stats_hourly (site, hour, kind, count) VALUES (?, ?, ?, ?)
				 ON CONFLICT (site, hour, kind) DO UPDATE SET count = count + excluded.count`
			),
			stats: db.prepare(
				'SELECT hour, kind, count FROM stats_hourly WHERE site = ? AND hour >= ? AND hour <= ? ORDER BY hour, kind'
			),
			byCode: db.prepare( 'SELECT * FROM chats WHERE site = ? AND code_hash = ?' ),
			setKeep: db.prepare( 'UPDATE chats SET keep = ? WHERE id = ?' ),
			deleteIndexedMessages: db.prepare( 'DELETE FROM messages WHERE id IN (SELECT id FROM message_index WHERE chat = ?)' ),
			deleteTailMessages: db.prepare( 'DELETE FROM messages WHERE id > ? AND chat = ?' ),
			deleteIndex: db.prepare( 'DELETE FROM message_index WHERE chat = ?' ),
			deleteChat: db.prepare( 'DELETE FROM chats WHERE rid = ?' ),
			// The same condition twice, in one transaction: messages first, then their chats.
			purgeRids: db
				.prepare( "SELECT rid FROM chats WHERE site = ? AND status = 'closed' AND keep = 0 AND closed_at < ?" )
				.pluck(),
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
			// E-mail addresses are compared without case, as mail systems treat them.
			contactsByEmail: db.prepare(
				`SELECT * FROM contact_submissions WHERE site = ?
				 AND EXISTS ( SELECT 1 FROM json_each( contact_submissions.fields ) WHERE lower( value ) = lower( ? ) )
				 ORDER BY created_at`
			),
			chatsByEmail: db.prepare(
				`SELECT * FROM chats WHERE site = ? AND rid IN (
					SELECT m.chat FROM messages m, json_each( m.body ) b
					WHERE json_extract( b.value, '$.d' ) = 'prechat'
					AND EXISTS ( SELECT 1 FROM json_each( b.value, '$.v' ) WHERE lower( value ) = lower( ? ) )
				 ) ORDER BY created_at`
			),
			deleteContact: db.prepare( 'DELETE FROM contact_submissions WHERE id = ?' ),
		};
		this.folded = this.stmt.foldedUpTo.get() as number;
		// A tail left by a crash or a stop needs no repair; it is folded now, so
		// that recovering the open chats reads them through the index.
		this.unfolded = ( this.stmt.maxMessageId.get() as number ) - this.folded;
		if ( this.unfolded > 0 ) this.foldNow();
	}

	/** Queues a write; the promise settles after the transaction that carries it. */
	private enqueue( op: ( () => void ) | MessageRow ): Promise< void > {
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
		const stats = this.pendingStats;
		this.queue = [];
		this.waiters = [];
		this.pendingStats = new PendingStats();
		if ( this.statsTimer ) {
			clearTimeout( this.statsTimer );
			this.statsTimer = null;
		}
		if ( ops.length === 0 && stats.empty ) {
			waiters.forEach( ( w ) => w.resolve() );
			return;
		}
		let folded: number | undefined;
		this.lastWriteAt = Date.now();
		try {
			this.db.transaction( () => {
				this.run( ops );
				for ( const { site, hour, kind, count } of stats.rows() ) {
					this.stmt.addStat.run( site, hour, kind, count );
				}
				// A long tail is folded in this commit: no transaction (and fsync) of its own.
				if ( this.unfolded >= this.fold.foldRows ) folded = this.foldTail();
			} )();
			if ( folded !== undefined ) {
				this.folded = folded;
				this.unfolded = 0;
			}
			if ( this.deleted ) {
				// Deleted text must not linger in WAL frames until some later checkpoint.
				this.deleted = false;
				this.folded = this.stmt.foldedUpTo.get() as number;
				this.db.pragma( 'wal_checkpoint(TRUNCATE)' );
			}
			this.lastCommitError = null;
			waiters.forEach( ( w ) => w.resolve() );
		} catch ( e ) {
			this.lastCommitError = e;
			this.deleted = false;
			if ( this.db.open ) this.folded = this.stmt.foldedUpTo.get() as number;
			waiters.forEach( ( w ) => w.reject( e ) );
		}
		if ( this.unfolded > 0 && this.db.open ) this.scheduleFold();
	}

	/**
	 * A shorter tail is folded once the store has had no write for
	 * foldIdleMs (under steady load, the commits fold it as it grows).
	 */
	private scheduleFold( delay = this.fold.foldIdleMs ): void {
		if ( this.foldTimer ) return;
		this.foldTimer = setTimeout( () => {
			this.foldTimer = null;
			if ( ! this.db.open || this.unfolded === 0 ) return;
			const quiet = Date.now() - this.lastWriteAt;
			if ( quiet < this.fold.foldIdleMs ) this.scheduleFold( this.fold.foldIdleMs - quiet );
			else this.foldNow();
		}, delay );
		this.foldTimer.unref();
	}

	/** Folds the tail in a transaction of its own (at start-up, and when idle). */
	private foldNow(): void {
		let folded: number | undefined;
		try {
			this.db.transaction( () => {
				folded = this.foldTail();
			} )();
		} catch {
			// Nothing is lost: reads scan the longer tail until a later fold.
		}
		if ( folded !== undefined ) {
			this.folded = folded;
			this.unfolded = 0;
		}
	}

	/**
	 * Adds the tail's (chat, seq, id) entries to message_index, sorted, so a
	 * busy chat's index page is written once per fold rather than once per
	 * commit, and moves up_to past them. Runs inside a transaction, in a
	 * savepoint of its own: if it fails, it leaves the tail as it was (reads
	 * scan it, a later fold tries again) and the commit it rides along with
	 * goes through. Only keys are copied, never text. Returns the new up_to,
	 * or undefined if it failed.
	 */
	private foldTail(): number | undefined {
		try {
			return this.db.transaction( () => {
				const upTo = this.stmt.maxMessageId.get() as number;
				if ( upTo > this.folded ) {
					this.stmt.foldIndex.run( this.folded, upTo );
					this.stmt.setFolded.run( upTo );
				}
				return Math.max( upTo, this.folded );
			} )();
		} catch {
			return undefined;
		}
	}

	/** The chat's rid (undefined: no such chat). Called inside a commit. */
	private ridOf( chatId: string ): number | undefined {
		let rid = this.rids.get( chatId );
		if ( rid === undefined ) {
			rid = this.stmt.rid.get( chatId ) as number | undefined;
			if ( rid !== undefined ) this.rids.set( chatId, rid );
		}
		return rid;
	}

	insertChat( chat: ChatRecord ): Promise< void > {
		return this.enqueue( () => {
			const { lastInsertRowid } = this.stmt.insertChat.run( { ...chat, keep: chat.keep ? 1 : 0 } );
			this.stmt.insertEvent.run( chat.id, chat.status, chat.createdAt );
			this.rids.set( chat.id, Number( lastInsertRowid ) );
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
			if ( status === 'closed' ) this.rids.delete( chatId );
		} );
	}

	appendMessage( m: ChatMessage ): Promise< void > {
		return this.enqueue( { chatId: m.chatId, seq: m.seq, body: encodeBody( m ) } );
	}

	/**
	 * Runs a transaction's writes in order. Consecutive messages become one
	 * row per chat (see messagesTable), and those rows go in multi-row
	 * INSERTs: one statement call per row was a measurable share of the
	 * relay's CPU (the call into SQLite, not the row itself).
	 */
	private run( ops: ReadonlyArray< ( () => void ) | MessageRow > ): void {
		let rows: MessageRow[] = [];
		for ( const op of ops ) {
			if ( typeof op === 'function' ) {
				this.insertRows( rows );
				rows = [];
				op();
			} else {
				rows.push( op );
			}
		}
		this.insertRows( rows );
	}

	/** Writes messages as one row per chat, each in the order given (their seq order). */
	private insertRows( messages: MessageRow[] ): void {
		if ( messages.length === 0 ) return;
		const byChat = new Map< string, { rid: number; seq: number; bodies: string[] } >();
		for ( const m of messages ) {
			let row = byChat.get( m.chatId );
			if ( ! row ) {
				const rid = this.ridOf( m.chatId );
				// What the foreign key used to refuse: a message of no (or a deleted) chat.
				if ( rid === undefined ) throw new Error( `no chat ${ m.chatId } for message ${ m.seq }` );
				row = { rid, seq: m.seq, bodies: [] };
				byChat.set( m.chatId, row );
			}
			row.seq = Math.max( row.seq, m.seq );
			row.bodies.push( m.body );
		}
		let args: Array< number | string > = [];
		for ( const row of byChat.values() ) {
			args.push( row.rid, row.seq, `[${ row.bodies.join( ',' ) }]` );
			if ( args.length === 3 * INSERT_BATCH ) {
				this.insertMany( args );
				args = [];
			}
		}
		if ( args.length > 0 ) this.insertMany( args );
	}

	/** One INSERT of args.length / 3 rows (chat, seq, body). */
	private insertMany( args: Array< number | string > ): void {
		const n = args.length / 3;
		let stmt = this.insertStatements.get( n );
		if ( ! stmt ) {
			stmt = this.db.prepare( `INSERT INTO messages (chat, seq, body) VALUES ${ Array( n ).fill( '(?, ?, ?)' ).join( ', ' ) }` );
			this.insertStatements.set( n, stmt );
		}
		stmt.run( args );
		this.unfolded += n;
	}

	messagesAfter( chatId: string, afterSeq: number ): ChatMessage[] {
		const chat = this.rids.get( chatId ) ?? ( this.stmt.rid.get( chatId ) as number | undefined );
		if ( chat === undefined ) return [];
		const rows = this.stmt.messagesAfter.all( { chat, after: afterSeq, folded: this.folded } ) as Array< { seq: number; body: string } >;
		return rows.flatMap( ( r ) => decodeRow( chatId, r.body, afterSeq ) );
	}

	lastSeq( chatId: string ): number {
		const chat = this.rids.get( chatId ) ?? ( this.stmt.rid.get( chatId ) as number | undefined );
		if ( chat === undefined ) return 0;
		return this.stmt.lastSeq.get( { chat, folded: this.folded } ) as number;
	}

	/** Deletes a chat's messages, folded and not, and its index entries. Called inside a commit. */
	private deleteMessagesOf( rid: number ): void {
		this.stmt.deleteIndexedMessages.run( rid );
		this.stmt.deleteTailMessages.run( this.folded, rid );
		this.stmt.deleteIndex.run( rid );
		this.stmt.clampFolded.run();
		this.folded = this.stmt.foldedUpTo.get() as number;
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
			const rid = this.ridOf( chatId );
			this.rids.delete( chatId );
			if ( rid === undefined ) return;
			this.deleteMessagesOf( rid );
			this.stmt.deleteChat.run( rid ); // and its status history (foreign key)
			this.deleted = true;
		} );
	}

	async purgeClosedBefore( site: string, cutoff: number ): Promise< number > {
		let count = 0;
		await this.enqueue( () => {
			for ( const rid of this.stmt.purgeRids.all( site, cutoff ) as number[] ) this.deleteMessagesOf( rid );
			count = this.stmt.purge.run( site, cutoff ).changes;
			if ( count > 0 ) {
				this.deleted = true;
				this.rids.clear(); // only closed chats went, but their rids may be cached
			}
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
		return ( this.stmt.contacts.all( site ) as ContactRow[] ).map( toContact );
	}

	findByEmail( site: string, email: string ): { contacts: ContactSubmission[]; chats: ChatRecord[] } {
		return {
			contacts: ( this.stmt.contactsByEmail.all( site, email ) as ContactRow[] ).map( toContact ),
			chats: ( this.stmt.chatsByEmail.all( site, email ) as ChatRow[] ).map( toRecord ),
		};
	}

	deleteContact( id: string ): Promise< void > {
		return this.enqueue( () => {
			this.stmt.deleteContact.run( id );
			this.deleted = true;
		} );
	}

	bumpStat( site: string, kind: StatKind, at: number ): void {
		this.pendingStats.add( site, kind, at );
		if ( ! this.statsTimer && ! this.scheduled ) {
			this.statsTimer = setTimeout( () => this.schedule(), STATS_FLUSH_MS );
			this.statsTimer.unref();
		}
	}

	stats( site: string, fromHour: number, toHourIncl: number ): StatRow[] {
		// Write what is pending first, so a reader sees every count so far.
		if ( ! this.pendingStats.empty ) this.commit();
		return this.stmt.stats.all( site, fromHour, toHourIncl ) as StatRow[];
	}

	/**
	 * Schema 1 kept one set of counters for the whole service. They are
	 * copied, unchanged, to `site` (in the usual one-site setup that is the
	 * only site, so its statistics stay as they were); the table is rebuilt
	 * because its primary key changes. One transaction: a crash leaves the
	 * old table intact and the next start tries again.
	 */
	private migrateStatsToSites( site: string ): void {
		const columns = this.db.pragma( 'table_info(stats_hourly)' ) as Array< { name: string } >;
		if ( columns.some( ( c ) => c.name === 'site' ) ) return;
		this.db.transaction( () => {
			this.db.exec( statsTable( 'stats_hourly_v2' ) );
			this.db
				.prepare( 'INSERT INTO stats_hourly_v2 (site, hour, kind, count) SELECT ?, hour, kind, count FROM stats_hourly' )
				.run( site );
			this.db.exec( 'DROP TABLE stats_hourly; ALTER TABLE stats_hourly_v2 RENAME TO stats_hourly;' );
		} )();
	}

	/**
	 * Schema 2 and before keyed messages by the chat's UUID, with eleven
	 * columns and a foreign key. Both tables are rebuilt (schema 3): chats get
	 * their rid, in order of creation, and every message becomes (rid, seq,
	 * body). One transaction, so a crash leaves the old tables intact and the
	 * next start tries again. The foreign key of chat_events is kept; it is
	 * switched off for the rebuild (dropping the old chats table would cascade
	 * to it otherwise) and checked before the commit.
	 */
	private migrateMessagesToRids(): void {
		const columns = this.db.pragma( 'table_info(messages)' ) as Array< { name: string } >;
		if ( ! columns.some( ( c ) => c.name === 'chat_id' ) ) return;
		const db = this.db;
		db.pragma( 'foreign_keys = OFF' );
		db.transaction( () => {
			db.exec( chatsTable( 'chats_v3' ) );
			db.exec( messagesTable( 'messages_v3' ) );
			db.exec(
				`INSERT INTO chats_v3 (id, site, code_hash, mode, dept, status, created_at, closed_at, keep,
					visitor_sub, visitor_name, agent_sub, agent_name, from_ref, consent_version)
				 SELECT id, site, code_hash, mode, dept, status, created_at, closed_at, keep,
					visitor_sub, visitor_name, agent_sub, agent_name, from_ref, consent_version
				 FROM chats ORDER BY created_at, rowid`
			);
			const chats = db.prepare( 'SELECT rid, id FROM chats_v3 ORDER BY rid' ).all() as Array< { rid: number; id: string } >;
			const read = db.prepare( 'SELECT * FROM messages WHERE chat_id = ? ORDER BY seq' );
			const write = db.prepare( 'INSERT INTO messages_v3 (chat, seq, body) VALUES (?, ?, ?)' );
			for ( const { rid, id } of chats ) {
				for ( const row of read.all( id ) as MessageRowV2[] ) {
					write.run( rid, row.seq, encodeBody( fromRowV2( row ) ) );
				}
			}
			db.exec( 'DROP TABLE messages; DROP TABLE chats;' );
			db.exec( 'ALTER TABLE chats_v3 RENAME TO chats; ALTER TABLE messages_v3 RENAME TO messages;' );
			db.exec( CHAT_INDEXES );
			const broken = db.pragma( 'foreign_key_check' ) as unknown[];
			if ( broken.length > 0 ) throw new Error( `schema 3 migration: ${ broken.length } foreign key violations` );
		} )();
		// The old tables' pages are overwritten (secure_delete); their copies in the WAL go too.
		db.pragma( 'wal_checkpoint(TRUNCATE)' );
	}

	/**
	 * Schema 4: the unique index on messages(chat, seq), written on every
	 * insert, gives way to message_index, folded in batches. A file without
	 * the fold mark (schema 3, or new) gets its index built from all its
	 * messages and the mark set past them, in one transaction; the old index
	 * holds no text (its pages are overwritten all the same: secure_delete).
	 */
	private migrateToFoldedIndex(): void {
		const db = this.db;
		db.transaction( () => {
			db.exec( MESSAGE_INDEX );
			if ( db.prepare( 'SELECT 1 FROM message_fold' ).get() !== undefined ) return;
			db.exec(
				`INSERT INTO message_index (chat, seq, id) SELECT chat, seq, id FROM messages ORDER BY chat, seq;
				 INSERT INTO message_fold (one, up_to) SELECT 1, COALESCE(MAX(id), 0) FROM messages;
				 DROP INDEX IF EXISTS messages_chat;`
			);
		} )();
	}

	/**
	 * Schema 5: a row holds an array of bodies, each with its seq. Rows of
	 * earlier schemas hold one message each, so each body becomes an array of
	 * one, its seq put in; the index stays valid (a row's seq is unchanged).
	 * The schema version is set in the same transaction: a crash leaves the
	 * file as it was, and a finished migration is never run twice.
	 */
	private migrateToMessageRows(): void {
		const db = this.db;
		if ( ( db.pragma( 'user_version', { simple: true } ) as number ) >= 5 ) return;
		db.transaction( () => {
			db.exec( "UPDATE messages SET body = json_array( json_set( body, '$.s', seq ) )" );
			db.pragma( 'user_version = 5' );
		} )();
	}

	flush(): Promise< void > {
		return this.enqueue( () => undefined );
	}

	/**
	 * Takes the write lock and writes a row, then rolls back: in WAL mode the
	 * changed page never leaves the page cache, so this costs no I/O, yet it
	 * fails on a closed, read-only or locked database. A full disk only shows
	 * in a commit, so after a failed commit the check commits a real (no-op)
	 * write, and the store counts as writable again once that succeeds.
	 */
	checkWritable(): Promise< void > {
		try {
			if ( this.lastCommitError !== null ) {
				this.db.transaction( () => this.stmt.touchFold.run() )();
				this.lastCommitError = null;
				return Promise.resolve();
			}
			this.db.exec( 'BEGIN IMMEDIATE' );
			try {
				this.stmt.touchFold.run();
			} finally {
				this.db.exec( 'ROLLBACK' );
			}
			return Promise.resolve();
		} catch ( e ) {
			return Promise.reject( e );
		}
	}

	close(): void {
		this.commit();
		if ( this.foldTimer ) clearTimeout( this.foldTimer );
		this.foldTimer = null;
		this.db.close();
	}
}
