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
	toHour,
	type ChatChanges,
	type ChatRecord,
	type ChatStore,
	type ContactSubmission,
	type StatKind,
	type StatRow,
} from './types';

const SCHEMA_VERSION = 3;
const STATS_FLUSH_MS = 5_000;
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
 * One row per message: its chat's rid, its seq, and everything else (which is
 * only ever read back together) as one compact JSON text (see encodeBody).
 *
 * Rows are kept in the order they were written (\`id\`), so a commit appends
 * them to the end of the table (a page or two for a whole batch) instead of
 * inserting into one page per busy chat; the index on (chat, seq), whose
 * entries are a few bytes, is what is read by chat. No foreign key: that
 * would cost a lookup in \`chats\` per insert. Every deletion of a chat
 * deletes its messages in the same transaction instead.
 */
const messagesTable = ( name: string ): string => `CREATE TABLE IF NOT EXISTS ${ name } (
	id INTEGER PRIMARY KEY,
	chat INTEGER NOT NULL,
	seq INTEGER NOT NULL,
	body TEXT NOT NULL
);`;
/** Made after any migration (a schema-2 `messages` has no `chat` column). */
const MESSAGES_INDEX = 'CREATE UNIQUE INDEX IF NOT EXISTS messages_chat ON messages(chat, seq);';

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
 * A message's stored body: short keys, absent fields left out. `d` and `v`
 * are what the e-mail search (findByEmail) reads with SQLite's JSON functions.
 */
interface Body {
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
	const b: Body = { f: m.from, t: m.text, a: m.at };
	if ( m.name !== undefined ) b.n = m.name;
	if ( m.event !== undefined ) b.e = m.event;
	if ( m.clientId !== undefined ) b.c = m.clientId;
	if ( m.dialog !== undefined ) b.d = m.dialog;
	if ( m.fields !== undefined ) b.v = m.fields;
	if ( m.options !== undefined ) b.o = m.options;
	return JSON.stringify( b );
};

const decodeBody = ( chatId: string, seq: number, body: string ): ChatMessage => {
	const b = JSON.parse( body ) as Body;
	const m: ChatMessage = { chatId, seq, from: b.f, text: b.t, at: b.a };
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
	/**
	 * Chat id → rid of chats written to lately (open ones), so a message
	 * insert needs no lookup. Dropped when a chat closes or is deleted;
	 * a miss is looked up.
	 */
	private rids = new Map< string, number >();
	private readonly stmt;

	/**
	 * @param file            The database file (or ':memory:').
	 * @param legacyStatsSite Owner of counters written before they had a site
	 *                        (schema version 1): the service's first configured site.
	 */
	constructor( file: string, legacyStatsSite = 'default' ) {
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
		this.db.exec( MESSAGES_INDEX );
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
			// Positional parameters, three of them: this is the relay's hot path.
			insertMessage: db.prepare( 'INSERT INTO messages (chat, seq, body) VALUES (?, ?, ?)' ),
			rid: db.prepare( 'SELECT rid FROM chats WHERE id = ?' ).pluck(),
			messagesAfter: db.prepare(
				'SELECT seq, body FROM messages WHERE chat = (SELECT rid FROM chats WHERE id = ?) AND seq > ? ORDER BY seq'
			),
			lastSeq: db
				.prepare( 'SELECT COALESCE(MAX(seq), 0) FROM messages WHERE chat = (SELECT rid FROM chats WHERE id = ?)' )
				.pluck(),
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
			deleteMessages: db.prepare( 'DELETE FROM messages WHERE chat = ?' ),
			deleteChat: db.prepare( 'DELETE FROM chats WHERE rid = ?' ),
			// The same condition twice, in one transaction: messages first, then their chats.
			purgeMessages: db.prepare(
				`DELETE FROM messages WHERE chat IN (
					SELECT rid FROM chats WHERE site = ? AND status = 'closed' AND keep = 0 AND closed_at < ?
				)`
			),
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
					SELECT chat FROM messages WHERE json_extract( body, '$.d' ) = 'prechat'
					AND EXISTS ( SELECT 1 FROM json_each( messages.body, '$.v' ) WHERE lower( value ) = lower( ? ) )
				 ) ORDER BY created_at`
			),
			deleteContact: db.prepare( 'DELETE FROM contact_submissions WHERE id = ?' ),
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
		const stats = this.pendingStats;
		this.queue = [];
		this.waiters = [];
		this.pendingStats = new Map();
		if ( this.statsTimer ) {
			clearTimeout( this.statsTimer );
			this.statsTimer = null;
		}
		if ( ops.length === 0 && stats.size === 0 ) {
			waiters.forEach( ( w ) => w.resolve() );
			return;
		}
		try {
			this.db.transaction( () => {
				ops.forEach( ( op ) => op() );
				for ( const [ key, n ] of stats ) {
					const [ site, hour, kind ] = key.split( '|' );
					this.stmt.addStat.run( site, Number( hour ), kind, n );
				}
			} )();
			if ( this.deleted ) {
				// Deleted text must not linger in WAL frames until some later checkpoint.
				this.deleted = false;
				this.db.pragma( 'wal_checkpoint(TRUNCATE)' );
			}
			waiters.forEach( ( w ) => w.resolve() );
		} catch ( e ) {
			waiters.forEach( ( w ) => w.reject( e ) );
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
		const body = encodeBody( m );
		return this.enqueue( () => {
			const rid = this.ridOf( m.chatId );
			// What the foreign key used to refuse: a message of no (or a deleted) chat.
			if ( rid === undefined ) throw new Error( `no chat ${ m.chatId } for message ${ m.seq }` );
			this.stmt.insertMessage.run( rid, m.seq, body );
		} );
	}

	messagesAfter( chatId: string, afterSeq: number ): ChatMessage[] {
		return ( this.stmt.messagesAfter.all( chatId, afterSeq ) as Array< { seq: number; body: string } > ).map(
			( r ) => decodeBody( chatId, r.seq, r.body )
		);
	}

	lastSeq( chatId: string ): number {
		return this.stmt.lastSeq.get( chatId ) as number;
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
			this.stmt.deleteMessages.run( rid );
			this.stmt.deleteChat.run( rid ); // and its status history (foreign key)
			this.deleted = true;
		} );
	}

	async purgeClosedBefore( site: string, cutoff: number ): Promise< number > {
		let count = 0;
		await this.enqueue( () => {
			this.stmt.purgeMessages.run( site, cutoff );
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
		// Site ids are [a-z0-9_-] (config.ts), so '|' cannot occur in one.
		const key = `${ site }|${ toHour( at ) }|${ kind }`;
		this.pendingStats.set( key, ( this.pendingStats.get( key ) ?? 0 ) + 1 );
		if ( ! this.statsTimer && ! this.scheduled ) {
			this.statsTimer = setTimeout( () => this.schedule(), STATS_FLUSH_MS );
			this.statsTimer.unref();
		}
	}

	stats( site: string, fromHour: number, toHourIncl: number ): StatRow[] {
		// Write what is pending first, so a reader sees every count so far.
		if ( this.pendingStats.size > 0 ) this.commit();
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
			db.exec( MESSAGES_INDEX );
			const broken = db.pragma( 'foreign_key_check' ) as unknown[];
			if ( broken.length > 0 ) throw new Error( `schema 3 migration: ${ broken.length } foreign key violations` );
		} )();
		// The old tables' pages are overwritten (secure_delete); their copies in the WAL go too.
		db.pragma( 'wal_checkpoint(TRUNCATE)' );
	}

	flush(): Promise< void > {
		return this.enqueue( () => undefined );
	}

	close(): void {
		this.commit();
		this.db.close();
	}
}
