/**
 * The networked storage engine: PostgreSQL, for a service that runs as
 * several nodes on one database (or must outlive its machine). This module
 * wires the parts in postgres/ (one job each) to ChatStore's promises; what
 * every engine promises is in types.ts, and tests/contract holds the suite
 * this one passes like SQLite.
 *
 * Writes are gathered by the group commit (group-commit.ts), and each
 * event-loop turn's writes run as one transaction on the store's one write
 * connection (postgres/batch.ts), with a savepoint per write; reads run on
 * a pool and never wait for a batch. Several stores (nodes) may write to one
 * database at once: message numbers are taken from the chat's row inside
 * the write (postgres/messages.ts), so they stay 1, 2, 3… without a gap or a
 * duplicate whichever node writes; and a batch that assigns a chat holds
 * the agent's advisory lock to its commit (postgres/locks.ts), so two nodes
 * never both count an agent under its limit and both add a chat. A job of
 * every node that must run on one at a time (`exclusive`) holds a session
 * lock on a third connection while it runs.
 *
 * PostgreSQL going away does not break the store: writes and reads reject
 * with a StoreUnavailableError meanwhile (within the connect timeout), and
 * it connects anew once PostgreSQL is back (postgres/connection.ts).
 */
import { createLogger, type Logger } from '../log';
import type { ChatMessage, ChatStatus } from '../protocol';
import { StoreClosedError } from './errors';
import { GroupCommit } from './group-commit';
import { RunningJobs } from './jobs';
import { BatchRunner, type Op } from './postgres/batch';
import { ChatTable } from './postgres/chats';
import { CONNECTION_DEFAULTS, ReadPool, WriteConnection, type ConnectionOptions } from './postgres/connection';
import { Contacts } from './postgres/contacts';
import { JobLocks } from './postgres/locks';
import { MessageLog } from './postgres/messages';
import { migrate } from './postgres/migrations';
import { StatsCounters } from './postgres/stats';
import type { AssignOutcome, Assignment, ChatChanges, ChatRecord, ChatStore, ContactSubmission, NewMessage, StatKind, StatRow } from './types';

// What a caller of open() may need to tell apart.
export { StoreClosedError, StoreUnavailableError } from './errors';
export { SchemaTooNewError } from './postgres/migrations';

/** Counters are written with the next batch, or after this long if none comes. */
const STATS_FLUSH_MS = 5_000;

export interface PostgresStoreOptions extends Partial< ConnectionOptions > {
	/** Where lost connections and failed VACUUMs are told. */
	log?: Logger;
}

export class PostgresStore implements ChatStore {
	private readonly chats: ChatTable;
	private readonly messages: MessageLog;
	private readonly contactRows: Contacts;
	private readonly counters: StatsCounters;
	private readonly batches: GroupCommit< Op >;
	private readonly jobs = new RunningJobs();
	private closed = false;

	private constructor(
		private readonly writes: WriteConnection,
		private readonly reads: ReadPool,
		private readonly jobLocks: JobLocks,
		log: Logger
	) {
		this.chats = new ChatTable( reads );
		this.messages = new MessageLog( reads );
		this.contactRows = new Contacts( reads );
		this.counters = new StatsCounters( reads );
		const runner = new BatchRunner( writes, reads, this.messages, this.counters, log );
		this.batches = new GroupCommit< Op >( ( ops ) => runner.run( ops ) );
	}

	/**
	 * Connects to the database at `url` (a postgres:// URL, as node-postgres
	 * takes it), brings its tables to this code's schema (several nodes
	 * starting at once migrate once: postgres/migrations.ts) and returns the
	 * store. Rejects with a StoreUnavailableError if PostgreSQL cannot be
	 * reached, and refuses a database of a newer schema (SchemaTooNewError).
	 */
	static async open( url: string, options: PostgresStoreOptions = {} ): Promise< PostgresStore > {
		const log = options.log ?? createLogger( 'silent' );
		const connection: ConnectionOptions = {
			connectTimeoutMs: options.connectTimeoutMs ?? CONNECTION_DEFAULTS.connectTimeoutMs,
			statementTimeoutMs: options.statementTimeoutMs ?? CONNECTION_DEFAULTS.statementTimeoutMs,
			readConnections: options.readConnections ?? CONNECTION_DEFAULTS.readConnections,
		};
		const writes = new WriteConnection( url, connection, log );
		try {
			await migrate( await writes.get() );
		} catch ( e ) {
			await writes.close();
			throw e;
		}
		return new PostgresStore( writes, new ReadPool( url, connection, log ), new JobLocks( url, connection, log ), log );
	}

	/* Writes: each is one op of the next batch. */

	insertChat( chat: ChatRecord ): Promise< void > {
		return this.add( { run: ( db ) => this.chats.insert( db, chat ) } );
	}

	setStatus( chatId: string, status: ChatStatus, at: number, changes: ChatChanges = {} ): Promise< void > {
		return this.add( { chat: chatId, run: ( db ) => this.chats.setStatus( db, chatId, status, at, changes ) } );
	}

	/** The batch locks the chat's row and the agent (postgres/locks.ts says why that makes it atomic across nodes). */
	assign( chatId: string, a: Assignment ): Promise< AssignOutcome > {
		return this.add( { chat: chatId, agent: a.agent.sub, run: ( db ) => this.chats.assign( db, chatId, a ) } );
	}

	appendMessage( message: NewMessage ): Promise< number > {
		return this.add( message );
	}

	setKeep( chatId: string, keep: boolean ): Promise< void > {
		return this.add( { chat: chatId, run: ( db ) => this.chats.setKeep( db, chatId, keep ) } );
	}

	deleteChat( chatId: string ): Promise< void > {
		return this.add( {
			chat: chatId,
			run: async ( db, erased ) => {
				if ( await this.chats.delete( db, chatId ) ) erased( 'chats', 'messages', 'chat_events' );
			},
		} );
	}

	purgeClosedBefore( site: string, cutoff: number ): Promise< number > {
		return this.add( {
			run: async ( db, erased ) => {
				const count = await this.chats.deleteExpired( db, site, cutoff );
				if ( count > 0 ) erased( 'chats', 'messages', 'chat_events' );
				return count;
			},
		} );
	}

	insertContact( submission: ContactSubmission ): Promise< void > {
		return this.add( { run: ( db ) => this.contactRows.insert( db, submission ) } );
	}

	deleteContact( id: string ): Promise< void > {
		return this.add( {
			run: async ( db, erased ) => {
				if ( await this.contactRows.delete( db, id ) ) erased( 'contact_submissions' );
			},
		} );
	}

	flush(): Promise< void > {
		return this.add( {} );
	}

	bumpStat( site: string, kind: StatKind, at: number ): void {
		this.counters.bump( site, kind, at );
		this.batches.scheduleWithin( STATS_FLUSH_MS );
	}

	/** Not a write: the lock is a session lock on a connection of its own (postgres/locks.ts). */
	exclusive( name: string, fn: () => Promise< unknown > ): Promise< boolean > {
		if ( this.closed ) return Promise.reject( new StoreClosedError() );
		return this.jobs.run( name, () => this.jobLocks.run( name, fn ) );
	}

	/* Reads: on the pool, what is committed. */

	messagesAfter( chatId: string, afterSeq: number ): Promise< ChatMessage[] > {
		return this.messages.messagesAfter( chatId, afterSeq );
	}

	lastSeq( chatId: string ): Promise< number > {
		return this.messages.lastSeq( chatId );
	}

	getChat( chatId: string ): Promise< ChatRecord | undefined > {
		return this.chats.get( chatId );
	}

	findByCode( site: string, codeHash: string ): Promise< ChatRecord | undefined > {
		return this.chats.byCode( site, codeHash );
	}

	openChats(): Promise< ChatRecord[] > {
		return this.chats.open();
	}

	statusHistory( chatId: string ): Promise< Array< { status: ChatStatus; at: number } > > {
		return this.chats.history( chatId );
	}

	lastChatEnd( site: string, agentSub: string ): Promise< number > {
		return this.chats.lastChatEnd( site, agentSub );
	}

	contacts( site: string ): Promise< ContactSubmission[] > {
		return this.contactRows.list( site );
	}

	findByEmail( site: string, email: string ): Promise< { contacts: ContactSubmission[]; chats: ChatRecord[] } > {
		return this.contactRows.findByEmail( site, email );
	}

	stats( site: string, fromHour: number, toHour: number ): Promise< StatRow[] > {
		return this.counters.read( site, fromHour, toHour );
	}

	/**
	 * A write of its own, settled in call order, that takes a transaction id:
	 * PostgreSQL refuses that on a read-only server (a standby after a
	 * failover, say), and the commit is flushed to disk like any other. While
	 * the store is busy it rides along with a batch at no cost.
	 */
	checkWritable(): Promise< void > {
		return this.add( {
			run: async ( db ) => {
				await db.query( 'SELECT pg_current_xact_id()' );
			},
		} );
	}

	/** Every write goes here: into the next batch, unless the store is closed (then it would open a connection again). */
	private add< T >( op: Parameters< GroupCommit< Op >[ 'add' ] >[ 0 ] ): Promise< T > {
		if ( this.closed ) return Promise.reject( new StoreClosedError() );
		return this.batches.add( op ) as Promise< T >;
	}

	/**
	 * Writes what is queued (settling those writes, with the counters), then
	 * closes both connections. Resolves even if PostgreSQL is gone: the
	 * queued writes have rejected on their own by then.
	 */
	async close(): Promise< void > {
		if ( this.closed ) return;
		this.closed = true;
		await this.batches.runNow();
		try {
			await this.counters.forget( await this.writes.get() );
		} catch {
			// A mark left behind is one short row that no one reads.
		}
		await this.writes.close();
		await this.reads.close();
		await this.jobLocks.close();
	}
}
