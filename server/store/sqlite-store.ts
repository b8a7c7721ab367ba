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
import {
	toHour,
	type ChatChanges,
	type ChatRecord,
	type ChatStore,
	type ContactSubmission,
	type StatKind,
	type StatRow,
} from './types';

const SCHEMA_VERSION = 2;
const STATS_FLUSH_MS = 5_000;
/** Counters per site: one service may carry several sites, and each sees only its own. */
const statsTable = ( name: string ): string => `CREATE TABLE IF NOT EXISTS ${ name } (
	site TEXT NOT NULL,
	hour INTEGER NOT NULL,
	kind TEXT NOT NULL,
	count INTEGER NOT NULL,
	PRIMARY KEY (site, hour, kind)
) WITHOUT ROWID;`;

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

const toContact = ( r: ContactRow ): ContactSubmission => ( {
	id: r.id,
	site: r.site,
	createdAt: r.created_at,
	dept: r.dept,
	lang: r.lang,
	fields: JSON.parse( r.fields ) as ContactSubmission[ 'fields' ],
	consents: JSON.parse( r.consents ) as ContactSubmission[ 'consents' ],
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
		this.db.pragma( 'foreign_keys = ON' );
		this.db.exec( SCHEMA );
		this.migrateStatsToSites( legacyStatsSite );
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
				`INSERT INTO stats_hourly (site, hour, kind, count) VALUES (?, ?, ?, ?)
				 ON CONFLICT (site, hour, kind) DO UPDATE SET count = count + excluded.count`
			),
			stats: db.prepare(
				'SELECT hour, kind, count FROM stats_hourly WHERE site = ? AND hour >= ? AND hour <= ? ORDER BY hour, kind'
			),
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
			// E-mail addresses are compared without case, as mail systems treat them.
			contactsByEmail: db.prepare(
				`SELECT * FROM contact_submissions WHERE site = ?
				 AND EXISTS ( SELECT 1 FROM json_each( contact_submissions.fields ) WHERE lower( value ) = lower( ? ) )
				 ORDER BY created_at`
			),
			chatsByEmail: db.prepare(
				`SELECT * FROM chats WHERE site = ? AND id IN (
					SELECT chat_id FROM messages WHERE dialog = 'prechat'
					AND EXISTS ( SELECT 1 FROM json_each( messages.fields ) WHERE lower( value ) = lower( ? ) )
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

	flush(): Promise< void > {
		return this.enqueue( () => undefined );
	}

	close(): void {
		this.commit();
		this.db.close();
	}
}
