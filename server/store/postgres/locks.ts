/**
 * The PostgreSQL engine's advisory locks: the lock that serialises the
 * assignments to one agent across nodes, and the lock of a cluster-once job.
 *
 * Why a lock per agent and not the rows: an agent's limit is a count of
 * rows (its open chats), and the row an assignment adds to that count is
 * not among them yet, so no `SELECT … FOR UPDATE` of them keeps a second
 * node from counting the same rows at the same moment and adding another;
 * and `SKIP LOCKED` answers "which row is free", not "how many does this
 * agent hold". A table with a row per agent to lock would do, at the cost of
 * a schema step and of rows to create and delete; an advisory lock is that
 * row without the table. `pg_advisory_xact_lock` is transaction-scoped: the
 * batch that takes it holds it until its commit or rollback, so the next
 * batch assigning to that agent, on any node, counts after this one's
 * assignment is committed (READ COMMITTED: its statement's snapshot is
 * taken after the lock was granted).
 *
 * The key is the agent's sub alone, not (site, sub): the batch takes the
 * lock before its writes run, when a chat inserted in the same batch is not
 * there yet to tell its site. The same sub on two sites then shares a lock:
 * a wait of a few milliseconds more, for assignments only, never a wrong
 * count (the count itself is per site).
 *
 * Keys are 64-bit: the first eight bytes of a SHA-256 of the lock's kind and
 * names. Two names that meet on one key only share a lock (a wait more),
 * never break one.
 *
 * Deadlocks: a batch takes the rows of its chats first (in id order), then
 * its agents' locks (in key order), then the counters (stats.ts): every
 * batch takes what it takes in that one order, so no two wait for each
 * other in a circle. The job locks are taken on a connection of their own
 * and nothing waits for them (`pg_try_advisory_lock`).
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from '../../log';
import { toStoreError, WriteConnection, type ConnectionOptions } from './connection';

/** The lock key of `parts` (a kind, then names); each part is length-prefixed, so no two lists of parts meet by design. */
export function lockKey( ...parts: string[] ): bigint {
	const hash = createHash( 'sha256' );
	for ( const part of parts ) hash.update( `${ part.length }:${ part }` );
	return hash.digest().readBigInt64BE( 0 );
}

/** The key of an agent, for the assignments to it (see above). */
export const agentKey = ( agentSub: string ): bigint => lockKey( 'agent', agentSub );

/**
 * Inside the batch's transaction, after its chats' rows: the locks of these
 * agents, in key order (see above), each once. Held until the batch ends.
 */
export async function lockAgents( db: pg.ClientBase, keys: Iterable< bigint > ): Promise< void > {
	const ordered = [ ...new Set( keys ) ].sort( ( a, b ) => ( a < b ? -1 : a > b ? 1 : 0 ) );
	if ( ordered.length === 0 ) return;
	// A function scan yields the array's elements in order, so the locks are taken in that order.
	await db.query( 'SELECT pg_advisory_xact_lock(k) FROM unnest($1::bigint[]) AS k', [ ordered.map( String ) ] );
}

/**
 * The locks of cluster-once jobs (ChatStore.exclusive): session locks on a
 * connection of their own, held while the job runs. Not a transaction's
 * lock: a job may run longer than a transaction may stay idle
 * (`statementTimeoutMs`), and it writes through the batches anyway. The
 * lock lives as long as that connection: a node that dies frees its jobs at
 * once. If the connection is lost while a job runs, another node may start
 * the job before this run ends; the jobs are idempotent (deleting what is
 * expired, ending what is idle), so that costs work, not correctness.
 */
export class JobLocks {
	private readonly connection: WriteConnection;

	constructor( url: string, options: ConnectionOptions, private readonly log: Logger ) {
		this.connection = new WriteConnection( url, options, log, 'job lock' );
	}

	/** Runs `fn` holding the lock of `name`: true; false if another session holds it (fn is not called). */
	async run( name: string, fn: () => Promise< unknown > ): Promise< boolean > {
		const key = String( lockKey( 'job', name ) );
		let db: pg.ClientBase;
		try {
			db = await this.connection.get();
			const { rows } = await db.query< { got: boolean } >( 'SELECT pg_try_advisory_lock($1::bigint) AS got', [ key ] );
			if ( ! rows[ 0 ].got ) return false;
		} catch ( e ) {
			// What the connection holds is not known (it may be dead without having said so yet).
			this.connection.discard();
			throw toStoreError( e );
		}
		try {
			await fn();
		} finally {
			await db.query( 'SELECT pg_advisory_unlock($1::bigint)', [ key ] ).catch( ( e: unknown ) => {
				// Held on, the lock would keep the job from every node: the session goes, and the lock with it.
				this.log.warn( { err: e, job: name }, 'a job lock could not be released; its connection is closed instead' );
				this.connection.discard( db );
			} );
		}
		return true;
	}

	close(): Promise< void > {
		return this.connection.close();
	}
}
