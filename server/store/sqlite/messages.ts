/**
 * The numbered messages: numbering inside the write, rows of a batch (one per
 * chat, in multi-row INSERTs), reads by chat through the folded index plus
 * the tail, and deletion. Writes run inside the store's batch transaction.
 */
import type Database from 'better-sqlite3';
import type { ChatMessage } from '../../protocol';
import { NoSuchChatError } from '../errors';
import { Failed } from '../group-commit';
import type { NewMessage } from '../types';
import { decodeRow, encodeBody } from '../body-codec';
import type { ChatTable } from './chats';
import type { MessageIndex } from './message-index';

/** Rows per INSERT statement (3 parameters each). */
const INSERT_BATCH = 32;

/** A chat's rid and the last number given in it, as this transaction sees it. */
interface Cursor {
	rid: number;
	seq: number;
}

/** One chat's messages in a run: one row (schema 5). */
interface Row {
	rid: number;
	seq: number;
	bodies: string[];
}

export class MessageLog {
	/**
	 * Chats written to lately (open ones), so numbering a message needs no
	 * lookup. Only ever ahead of the database inside a batch; a batch that
	 * fails clears it (forgetAll), and a miss is looked up again.
	 */
	private readonly cursors = new Map< string, Cursor >();
	/** Multi-row INSERT statements by row count, prepared on first use. */
	private readonly inserts = new Map< number, Database.Statement >();
	/** Inside the batch's transaction, better-sqlite3 runs a transaction function as a savepoint. */
	private readonly inSavepoint: ( fn: () => unknown ) => unknown;
	private readonly stmt;

	constructor(
		private readonly db: Database.Database,
		private readonly chats: ChatTable,
		private readonly index: MessageIndex
	) {
		this.inSavepoint = db.transaction( ( fn: () => unknown ) => fn() );
		this.stmt = {
			// Reads by chat: the folded rows through the index, then the unfolded tail.
			// A row's seq is its highest, so these are the rows with a message after @after.
			after: db.prepare(
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
			deleteIndexed: db.prepare( 'DELETE FROM messages WHERE id IN (SELECT id FROM message_index WHERE chat = ?)' ),
			deleteTail: db.prepare( 'DELETE FROM messages WHERE id > ? AND chat = ?' ),
			deleteIndex: db.prepare( 'DELETE FROM message_index WHERE chat = ?' ),
		};
	}

	/** A chat inserted in this batch: its numbers start at 1, no lookup needed. */
	started( chatId: string, rid: number ): void {
		this.cursors.set( chatId, { rid, seq: 0 } );
	}

	/** The chat closed or went: a later write looks it up again. */
	forget( chatId: string ): void {
		this.cursors.delete( chatId );
	}

	/** Something rolled back: the database is the truth again. */
	forgetAll(): void {
		this.cursors.clear();
	}

	/**
	 * Numbers and writes ops[from..to) (all messages), setting out[i] to each
	 * one's number or to a Failed. A message of no chat fails alone and takes
	 * no number. If the run's rows fail as a whole (they are rolled back to
	 * their savepoint), each message is tried again alone, so that only one
	 * that fails on its own fails.
	 */
	writeRun( ops: readonly unknown[], from: number, to: number, out: unknown[] ): void {
		const rows = new Map< Cursor, Row >();
		for ( let i = from; i < to; i++ ) {
			const m = ops[ i ] as NewMessage;
			const cursor = this.cursor( m.chatId );
			if ( ! cursor ) {
				out[ i ] = new Failed( new NoSuchChatError() );
				continue;
			}
			const seq = ++cursor.seq;
			out[ i ] = seq;
			let row = rows.get( cursor );
			if ( ! row ) {
				row = { rid: cursor.rid, seq, bodies: [] };
				rows.set( cursor, row );
			}
			row.seq = seq;
			row.bodies.push( encodeBody( m, seq ) );
		}
		if ( rows.size === 0 ) return;
		try {
			this.savepoint( () => this.insertRows( rows.values() ) );
		} catch ( e ) {
			if ( ! this.db.inTransaction ) throw e; // the whole transaction is gone: the batch fails
			this.forgetAll();
			for ( let i = from; i < to; i++ ) {
				if ( typeof out[ i ] === 'number' ) out[ i ] = this.writeAlone( ops[ i ] as NewMessage );
			}
		}
	}

	messagesAfter( chatId: string, afterSeq: number ): ChatMessage[] {
		const chat = this.ridOf( chatId );
		if ( chat === undefined ) return [];
		const rows = this.stmt.after.all( { chat, after: afterSeq, folded: this.index.folded } ) as Array< { seq: number; body: string } >;
		return rows.flatMap( ( r ) => decodeRow( chatId, r.body, afterSeq ) );
	}

	lastSeq( chatId: string ): number {
		const chat = this.ridOf( chatId );
		return chat === undefined ? 0 : ( this.stmt.lastSeq.get( { chat, folded: this.index.folded } ) as number );
	}

	/** Deletes a chat's messages, folded and not, and its index entries. Inside a batch. */
	deleteOf( rid: number ): void {
		this.stmt.deleteIndexed.run( rid );
		this.stmt.deleteTail.run( this.index.folded, rid );
		this.stmt.deleteIndex.run( rid );
		this.index.afterDeletion();
	}

	private ridOf( chatId: string ): number | undefined {
		return this.cursors.get( chatId )?.rid ?? this.chats.ridOf( chatId );
	}

	/** The chat's cursor, looked up (inside the batch, so it sees the batch's writes) on a miss. */
	private cursor( chatId: string ): Cursor | undefined {
		let cursor = this.cursors.get( chatId );
		if ( cursor === undefined ) {
			const rid = this.chats.ridOf( chatId );
			if ( rid === undefined ) return undefined;
			cursor = { rid, seq: this.stmt.lastSeq.get( { chat: rid, folded: this.index.folded } ) as number };
			this.cursors.set( chatId, cursor );
		}
		return cursor;
	}

	/** One message in a savepoint of its own; its number is taken only if it was written. */
	private writeAlone( m: NewMessage ): number | Failed {
		try {
			return this.savepoint( () => {
				const cursor = this.cursor( m.chatId );
				if ( ! cursor ) throw new NoSuchChatError();
				const seq = cursor.seq + 1;
				this.insertMany( [ cursor.rid, seq, `[${ encodeBody( m, seq ) }]` ] );
				cursor.seq = seq;
				return seq;
			} );
		} catch ( e ) {
			if ( ! this.db.inTransaction ) throw e;
			this.forgetAll();
			return new Failed( e );
		}
	}

	/**
	 * Writes one row per chat, in multi-row INSERTs: one statement call per
	 * row was a measurable share of the relay's CPU (the call into SQLite,
	 * not the row itself).
	 */
	private insertRows( rows: Iterable< Row > ): void {
		let args: Array< number | string > = [];
		for ( const row of rows ) {
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
		let stmt = this.inserts.get( n );
		if ( ! stmt ) {
			stmt = this.db.prepare( `INSERT INTO messages (chat, seq, body) VALUES ${ Array( n ).fill( '(?, ?, ?)' ).join( ', ' ) }` );
			this.inserts.set( n, stmt );
		}
		stmt.run( args );
		this.index.appended( n );
	}

	/** Runs fn in a savepoint (the store's batch is the transaction around it). */
	private savepoint< T >( fn: () => T ): T {
		return this.inSavepoint( fn ) as T;
	}
}
