/**
 * The embedded storage engine: one SQLite file (WAL mode) in the data folder.
 * This module wires the parts in sqlite/ (one job each) to ChatStore's promises.
 *
 * Writes are gathered by the group commit (group-commit.ts) and run in one
 * transaction per event-loop turn, so a burst of messages costs one fsync,
 * not one per message; each write's promise settles after that commit, which
 * is when the message may be acknowledged. Inside the transaction every
 * write but a message runs in a savepoint of its own, and each run of
 * messages in one (sqlite/messages.ts): a write that fails is rolled back to
 * its savepoint and rejects its own promise only, so the rest of the batch,
 * every other site's writes included, goes through, and no number is lost.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createLogger, type Logger } from '../log';
import type { ChatMessage, ChatStatus } from '../protocol';
import { Failed, GroupCommit } from './group-commit';
import { ChatTable } from './sqlite/chats';
import { Contacts } from './sqlite/contacts';
import { FOLD_DEFAULTS, MessageIndex, type FoldOptions } from './sqlite/message-index';
import { MessageLog } from './sqlite/messages';
import { migrate, schemaVersion } from './sqlite/migrations';
import { StatsTable } from './sqlite/stats';
import { StoreClosedError } from './errors';
import { RunningJobs } from './jobs';
import type { AssignOutcome, Assignment, ChatChanges, ChatRecord, ChatStore, ContactSubmission, NewMessage, StatKind, StatRow } from './types';

/** Counters are written with the next batch, or after this long if none comes. */
const STATS_FLUSH_MS = 5_000;

/** A write of the next batch: a message (numbered and written in runs), or anything else. */
type Op = NewMessage | ( () => unknown );

export interface SqliteStoreOptions {
	/** Owner of counters written before they had a site (schema 1): the service's first configured site. */
	legacyStatsSite?: string;
	/** How the index by chat is folded (sqlite/message-index.ts). */
	fold?: Partial< FoldOptions >;
	/** Where fold failures and failed checkpoints are told. */
	log?: Logger;
}

export class SqliteStore implements ChatStore {
	private readonly db: Database.Database;
	private readonly log: Logger;
	private readonly chats: ChatTable;
	private readonly index: MessageIndex;
	private readonly messages: MessageLog;
	private readonly contactRows: Contacts;
	private readonly counters: StatsTable;
	private readonly batches = new GroupCommit< Op >( ( ops ) => this.runBatch( ops ) );
	private readonly jobs = new RunningJobs();
	private readonly inTransaction: ( fn: () => void ) => void;
	private readonly inSavepoint: ( fn: () => unknown ) => unknown;
	private readonly touchFold: Database.Statement;
	/** Set by deletions: the WAL is checkpointed and truncated after the commit. */
	private deleted = false;
	/** Why the last commit failed (disk full, I/O error), until a write succeeds again. */
	private lastCommitError: unknown = null;

	/** @param file The database file (or ':memory:'). */
	constructor( file: string, options: SqliteStoreOptions = {} ) {
		this.log = options.log ?? createLogger( 'silent' );
		if ( file !== ':memory:' ) mkdirSync( dirname( file ), { recursive: true } );
		const db = new Database( file );
		this.db = db;
		try {
			schemaVersion( db );
		} catch ( e ) {
			db.close();
			throw e;
		}
		db.pragma( 'journal_mode = WAL' );
		// FULL: a committed (and so acknowledged) message survives a power cut too.
		db.pragma( 'synchronous = FULL' );
		// Deleted chats are overwritten in the file, not just unlinked from the b-tree.
		db.pragma( 'secure_delete = ON' );
		migrate( db, { legacyStatsSite: options.legacyStatsSite ?? 'default' } );
		// Only chat_events has a foreign key (messages are deleted explicitly).
		db.pragma( 'foreign_keys = ON' );
		this.inTransaction = db.transaction( ( fn: () => void ) => fn() );
		this.inSavepoint = db.transaction( ( fn: () => unknown ) => fn() );
		this.touchFold = db.prepare( 'UPDATE message_fold SET up_to = up_to' );
		this.chats = new ChatTable( db );
		this.index = new MessageIndex( db, { ...FOLD_DEFAULTS, ...options.fold }, this.log );
		this.messages = new MessageLog( db, this.chats, this.index );
		this.contactRows = new Contacts( db );
		this.counters = new StatsTable( db );
	}

	/* Writes: each is one op of the next batch. */

	insertChat( chat: ChatRecord ): Promise< void > {
		return this.batches.add( () => this.messages.started( chat.id, this.chats.insert( chat ) ) );
	}

	setStatus( chatId: string, status: ChatStatus, at: number, changes: ChatChanges = {} ): Promise< void > {
		return this.batches.add( () => {
			this.chats.setStatus( chatId, status, at, changes );
			if ( status === 'closed' ) this.messages.forget( chatId );
		} );
	}

	assign( chatId: string, a: Assignment ): Promise< AssignOutcome > {
		return this.batches.add( () => this.chats.assign( chatId, a ) );
	}

	appendMessage( message: NewMessage ): Promise< number > {
		return this.batches.add( message );
	}

	setKeep( chatId: string, keep: boolean ): Promise< void > {
		return this.batches.add( () => this.chats.setKeep( chatId, keep ) );
	}

	deleteChat( chatId: string ): Promise< void > {
		return this.batches.add( () => {
			const rid = this.chats.ridOf( chatId );
			this.messages.forget( chatId );
			if ( rid === undefined ) return;
			this.messages.deleteOf( rid );
			this.chats.delete( rid ); // and its status history (foreign key)
			this.deleted = true;
		} );
	}

	purgeClosedBefore( site: string, cutoff: number ): Promise< number > {
		return this.batches.add( () => {
			for ( const rid of this.chats.expiredRids( site, cutoff ) ) this.messages.deleteOf( rid );
			const count = this.chats.deleteExpired( site, cutoff );
			if ( count > 0 ) {
				this.deleted = true;
				this.messages.forgetAll(); // only closed chats went, but their cursors may be cached
			}
			return count;
		} );
	}

	insertContact( submission: ContactSubmission ): Promise< void > {
		return this.batches.add( () => this.contactRows.insert( submission ) );
	}

	deleteContact( id: string ): Promise< void > {
		return this.batches.add( () => {
			this.contactRows.delete( id );
			this.deleted = true;
		} );
	}

	flush(): Promise< void > {
		return this.batches.add( () => undefined );
	}

	bumpStat( site: string, kind: StatKind, at: number ): void {
		this.counters.bump( site, kind, at );
		this.batches.scheduleWithin( STATS_FLUSH_MS );
	}

	/** One process has the file, so a job need only not overlap itself. */
	async exclusive( name: string, fn: () => Promise< unknown > ): Promise< boolean > {
		if ( ! this.db.open ) throw new StoreClosedError();
		return this.jobs.run( name, async () => {
			await fn();
			return true;
		} );
	}

	/* Reads: what is committed (async, so a throw becomes a rejection). */

	async messagesAfter( chatId: string, afterSeq: number ): Promise< ChatMessage[] > {
		return this.messages.messagesAfter( chatId, afterSeq );
	}

	async lastSeq( chatId: string ): Promise< number > {
		return this.messages.lastSeq( chatId );
	}

	async getChat( chatId: string ): Promise< ChatRecord | undefined > {
		return this.chats.get( chatId );
	}

	async findByCode( site: string, codeHash: string ): Promise< ChatRecord | undefined > {
		return this.chats.byCode( site, codeHash );
	}

	async openChats(): Promise< ChatRecord[] > {
		return this.chats.open();
	}

	async statusHistory( chatId: string ): Promise< Array< { status: ChatStatus; at: number } > > {
		return this.chats.history( chatId );
	}

	async lastChatEnd( site: string, agentSub: string ): Promise< number > {
		return this.chats.lastChatEnd( site, agentSub );
	}

	async contacts( site: string ): Promise< ContactSubmission[] > {
		return this.contactRows.list( site );
	}

	async findByEmail( site: string, email: string ): Promise< { contacts: ContactSubmission[]; chats: ChatRecord[] } > {
		return this.contactRows.findByEmail( site, email );
	}

	async stats( site: string, fromHour: number, toHour: number ): Promise< StatRow[] > {
		return this.counters.read( site, fromHour, toHour );
	}

	/**
	 * Takes the write lock and writes a row, then rolls back: in WAL mode the
	 * changed page never leaves the page cache, so this costs no I/O, yet it
	 * fails on a closed, read-only or locked database. A full disk only shows
	 * in a commit, so after a failed commit the check commits a real (no-op)
	 * write, and the store counts as writable again once that succeeds.
	 */
	async checkWritable(): Promise< void > {
		if ( this.lastCommitError !== null ) {
			this.inTransaction( () => void this.touchFold.run() );
			this.lastCommitError = null;
			return;
		}
		this.db.exec( 'BEGIN IMMEDIATE' );
		try {
			this.touchFold.run();
		} finally {
			this.db.exec( 'ROLLBACK' );
		}
	}

	/** Writes what is queued now (the engine is synchronous, so it is done on return), then closes. */
	async close(): Promise< void > {
		if ( ! this.db.open ) return;
		this.batches.runNow(); // and drops the counters' timer
		this.index.close();
		this.db.close();
	}

	/**
	 * One batch, one transaction: the ops in order (a run of messages at a
	 * time), then the counters, then a fold if the tail is long. Returns each
	 * op's outcome; throws if the transaction itself failed (then nothing of
	 * it was written, and every op is rejected).
	 */
	private runBatch( ops: readonly Op[] ): unknown[] {
		const out: unknown[] = new Array( ops.length );
		if ( ops.length === 0 && this.counters.empty ) return out;
		const counted = this.counters.take();
		this.index.writing();
		try {
			this.inTransaction( () => {
				let run = -1;
				for ( let i = 0; i < ops.length; i++ ) {
					const op = ops[ i ];
					if ( typeof op !== 'function' ) {
						if ( run < 0 ) run = i;
						continue;
					}
					if ( run >= 0 ) this.messages.writeRun( ops, run, i, out );
					run = -1;
					out[ i ] = this.alone( op );
				}
				if ( run >= 0 ) this.messages.writeRun( ops, run, ops.length, out );
				this.counters.write( counted );
				this.index.foldIfLong();
			} );
		} catch ( e ) {
			// Nothing of this batch was written: its counters wait for the next, and
			// what memory held ahead of the database (cursors, the fold mark) is read again.
			this.counters.giveBack( counted );
			this.messages.forgetAll();
			if ( this.db.open ) this.index.settled( false );
			this.deleted = false;
			this.lastCommitError = e;
			throw e;
		}
		this.lastCommitError = null;
		this.index.settled( true );
		if ( this.deleted ) this.checkpoint();
		return out;
	}

	/** One op in a savepoint of its own: if it fails, only it is rolled back and rejected. */
	private alone( op: () => unknown ): unknown {
		try {
			return this.inSavepoint( op );
		} catch ( e ) {
			// SQLite gave up the whole transaction (an I/O error, say): the batch fails.
			if ( ! this.db.inTransaction ) throw e;
			this.messages.forgetAll();
			this.index.reload();
			return new Failed( e );
		}
	}

	/** Deleted text must not linger in WAL frames until some later checkpoint. */
	private checkpoint(): void {
		this.deleted = false;
		try {
			this.db.pragma( 'wal_checkpoint(TRUNCATE)' );
		} catch ( e ) {
			// The deletion is committed; only its old copies in the WAL wait for the next checkpoint.
			this.log.error( { err: e }, 'checkpoint after a deletion failed' );
		}
	}
}
