/**
 * One batch of the group commit (../group-commit.ts) on PostgreSQL: one
 * transaction on the write connection, committed with synchronous_commit on,
 * so a write resolves only once it is durable.
 *
 * Inside it every write but a message runs in a savepoint of its own, and
 * each run of messages in one (messages.ts): a write that fails is rolled
 * back to its savepoint and rejects alone, and the rest of the batch goes
 * through. Only a failure of the transaction itself (the connection is gone,
 * the commit fails) rejects the whole batch, none of it applied; the
 * connection is then dropped and the next batch connects anew.
 *
 * Several nodes write to one database, and a chat may be written by two at
 * once (the visitor on one, the agent on another). Each batch therefore
 * locks the rows of the chats it writes to first, in one statement, in one
 * order (by id), then the agents its assignments count for (locks.ts), in
 * key order, and writes counters last, in key order (stats.ts): two
 * batches never wait for each other in a circle. Should a deadlock happen
 * all the same (a purge meeting another node's batch), PostgreSQL cancels
 * one of them; that batch is dropped whole and run again.
 *
 * A batch of messages and nothing else is first tried as one statement
 * (messages.ts, writeBatch): the same locks in the same order, one round
 * trip instead of eight. Only if PostgreSQL refuses it (nothing of it is
 * then applied) is the batch written the careful way above, so a message
 * that fails still fails alone.
 */
import type pg from 'pg';
import type { Logger } from '../../log';
import { StoreInputError } from '../errors';
import { Failed } from '../group-commit';
import type { NewMessage } from '../types';
import { isTransient, isUnavailable, toStoreError, type ReadPool, type WriteConnection } from './connection';
import { agentKey, lockAgents } from './locks';
import type { MessageLog } from './messages';
import type { StatsCounters } from './stats';

/** Tables a write deletes rows from; they are vacuumed after the commit. */
export type ErasedTable = 'chats' | 'messages' | 'chat_events' | 'contact_submissions';

/** A write of a batch other than a message. */
export interface Write {
	/** Its statements (none: a flush); resolves to the write's outcome. `erased` is told which tables it deleted from. */
	run?: ( db: pg.ClientBase, erased: ( ...tables: ErasedTable[] ) => void ) => Promise< unknown >;
	/** The chat whose row it changes: locked at the start of the batch with the others. */
	chat?: string;
	/**
	 * An agent (sub) whose open chats the write counts and adds to (an
	 * assignment): its lock (locks.ts) is taken after the chats' rows and
	 * held to the commit.
	 */
	agent?: string;
}

export type Op = NewMessage | Write;

const isMessage = ( op: Op ): op is NewMessage => 'chatId' in op;

/** A batch that meets a deadlock or a serialization failure is run again, up to this many times in all. */
const ATTEMPTS = 3;

/**
 * Runs `write` in a savepoint: its outcome, or a Failed if it failed (then
 * it is rolled back, and nothing of it is left). Throws, failing the batch,
 * when the transaction itself is gone (the rollback to the savepoint fails
 * too), and on a deadlock, which is no fault of the write: the batch is run
 * again (BatchRunner.run).
 */
export async function alone( db: pg.ClientBase, write: () => Promise< unknown > ): Promise< unknown > {
	await db.query( 'SAVEPOINT w' );
	try {
		const value = await write();
		await db.query( 'RELEASE SAVEPOINT w' );
		return value;
	} catch ( e ) {
		if ( isTransient( e ) ) throw e;
		// If this fails, the transaction (or the connection) is what broke, and its error is the batch's.
		await db.query( 'ROLLBACK TO SAVEPOINT w' );
		await db.query( 'RELEASE SAVEPOINT w' );
		return new Failed( refusal( e ) );
	}
}

/** PostgreSQL's text cannot hold a NUL character (22021: invalid byte sequence): said as such. */
const refusal = ( e: unknown ): unknown =>
	( e as { code?: string } ).code === '22021'
		? new StoreInputError( 'PostgreSQL cannot store this write: a text of it holds a NUL character', { cause: e } )
		: e;

export class BatchRunner {
	constructor(
		private readonly connection: WriteConnection,
		private readonly reads: ReadPool,
		private readonly messages: MessageLog,
		private readonly counters: StatsCounters,
		private readonly log: Logger
	) {}

	/** The group commit's RunBatch: one outcome per op, or a rejection when the batch failed as a whole. */
	async run( ops: readonly Op[] ): Promise< unknown[] > {
		if ( ! this.counters.take() && ops.length === 0 ) return [];
		for ( let attempt = 1; ; attempt++ ) {
			const erased = new Set< ErasedTable >();
			try {
				const out = ( await this.inOneStatement( ops ) ) ?? ( await this.attempt( ops, erased ) );
				this.counters.written();
				if ( erased.size > 0 ) await this.vacuum( erased );
				return out;
			} catch ( e ) {
				this.connection.discard();
				if ( attempt < ATTEMPTS && isTransient( e ) ) {
					// Rare by design (the lock order above): a warning, so a pattern of them shows.
					this.log.warn( { err: e }, 'a write batch met a deadlock or serialization failure; running it again' );
					continue;
				}
				this.counters.failed();
				throw toStoreError( e );
			}
		}
	}

	/**
	 * A batch of messages only, as one statement (messages.ts); null if it is
	 * not one, or if PostgreSQL refused the statement as such (then it is run
	 * the careful way). A deadlock, or a connection lost, is the batch's.
	 */
	private async inOneStatement( ops: readonly Op[] ): Promise< unknown[] | null > {
		if ( ops.length === 0 || ! ops.every( isMessage ) ) return null;
		const db = await this.connection.get();
		try {
			return await this.messages.writeBatch( db, ops as NewMessage[], this.counters );
		} catch ( e ) {
			if ( isTransient( e ) || isUnavailable( e ) ) throw e;
			return null;
		}
	}

	private async attempt( ops: readonly Op[], erased: Set< ErasedTable > ): Promise< unknown[] > {
		const db = await this.connection.get();
		const out: unknown[] = new Array( ops.length );
		const note = ( ...tables: ErasedTable[] ): void => tables.forEach( ( t ) => erased.add( t ) );
		await db.query( 'BEGIN' );
		await this.lock( db, ops );
		let run = -1;
		const writeRun = async ( to: number ): Promise< void > => {
			const outcomes = await this.messages.writeRun( db, ops.slice( run, to ) as NewMessage[] );
			outcomes.forEach( ( o, k ) => ( out[ run + k ] = o ) );
			run = -1;
		};
		for ( let i = 0; i < ops.length; i++ ) {
			const op = ops[ i ];
			if ( isMessage( op ) ) {
				if ( run < 0 ) run = i;
				continue;
			}
			if ( run >= 0 ) await writeRun( i );
			const write = op.run;
			out[ i ] = write ? await alone( db, () => write( db, note ) ) : undefined;
		}
		if ( run >= 0 ) await writeRun( ops.length );
		await this.counters.write( db );
		await db.query( 'COMMIT' );
		return out;
	}

	/** The rows of the batch's chats, in id order; then the locks of the agents its assignments count for (locks.ts). */
	private async lock( db: pg.ClientBase, ops: readonly Op[] ): Promise< void > {
		const chats = [ ...new Set( ops.map( ( op ) => ( isMessage( op ) ? op.chatId : op.chat ) ).filter( ( c ) => c !== undefined ) ) ];
		if ( chats.length > 0 ) await db.query( 'SELECT FROM chats WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE', [ chats ] );
		await lockAgents( db, ops.flatMap( ( op ) => ( isMessage( op ) || op.agent === undefined ? [] : [ agentKey( op.agent ) ] ) ) );
	}

	/**
	 * Deleted rows stay in their pages as dead row versions until VACUUM
	 * prunes them, so each batch that deleted vacuums those tables before its
	 * writes resolve, and the batches after it wait for it too (writes settle
	 * in call order): a deletion, which is rare, costs the relay the VACUUM's
	 * time. VACUUM cannot run in a transaction, so not on the write
	 * connection; it blocks no other node's writes. What it cannot reach (rows
	 * another transaction may still see, the WAL): docs/privacy.md. A VACUUM
	 * that fails changes nothing committed: the next one, or autovacuum, prunes.
	 */
	private async vacuum( tables: Set< ErasedTable > ): Promise< void > {
		try {
			await this.reads.rows( `VACUUM ${ [ ...tables ].join( ', ' ) }` );
		} catch ( e ) {
			this.log.error( { err: e }, 'VACUUM after a deletion failed' );
		}
	}
}
