/**
 * Hour-rounded counters per site on PostgreSQL. Bumps are counted in memory
 * (PendingStats) and written with a later batch, as on SQLite. What differs:
 * a batch here is in flight for a while, and a read runs on another
 * connection meanwhile, so "is this set of counts in what the read saw?"
 * has no answer from timing alone. The batch that writes a set also writes
 * its own number into `stats_marks` (one row per open store), and a read
 * reads that mark in the same statement (one snapshot) as the counters: a
 * set written by a batch numbered at or below the mark is in the rows, any
 * other set is added from memory. So a read counts every bump made before
 * it exactly once, in flight or not, and forces no commit.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { PendingStats, withUnwritten } from '../pending-stats';
import type { StatKind, StatRow } from '../types';
import type { ReadPool } from './connection';

/** Counters on their way to the table: `batch` is the batch writing them now (null: none yet). */
interface Carried {
	stats: PendingStats;
	batch: number | null;
}

const fresh = (): Carried => ( { stats: new PendingStats(), batch: null } );

/**
 * The mark and the counters, as two parts of one statement's WITH, with
 * parameters from $p on. Rows are added in key order (site, hour, kind):
 * every node's batch locks the counter rows it raises in that one order,
 * after its chats (batch.ts), so two batches never deadlock on them. `gate`
 * is a condition that holds the rows back until it is evaluated: inside a
 * batch's one statement (messages.ts), the chats' part has then run whole.
 */
const counterParts = ( p: number, gate = 'true' ): string => `mark AS (
		INSERT INTO stats_marks (writer, batch) VALUES ($${ p }, $${ p + 1 })
		ON CONFLICT (writer) DO UPDATE SET batch = excluded.batch
	), counted AS (
		INSERT INTO stats_hourly (site, hour, kind, count)
		SELECT * FROM unnest($${ p + 2 }::text[], $${ p + 3 }::bigint[], $${ p + 4 }::text[], $${ p + 5 }::bigint[])
		WHERE ${ gate } ORDER BY 1, 2, 3
		ON CONFLICT (site, hour, kind) DO UPDATE SET count = stats_hourly.count + excluded.count
	)`;

const WRITE = `WITH ${ counterParts( 1 ) } SELECT`;

/** Never no row: the mark (null before this store's first batch with counters) beside the site's counters, if any. */
const READ = `SELECT m.batch AS mark, s.hour, s.kind, s.count
	FROM (SELECT) AS one
	LEFT JOIN stats_marks m ON m.writer = $1
	LEFT JOIN stats_hourly s ON s.site = $2 AND s.hour BETWEEN $3 AND $4
	ORDER BY s.hour, s.kind COLLATE "C"`;

export class StatsCounters {
	/** This store's row in stats_marks. */
	private readonly writer = randomUUID();
	private current = fresh();
	/** Sets whose batch failed, for the next batch. */
	private givenBack: Carried[] = [];
	/** The sets of the batch in flight. */
	private carried: Carried[] = [];
	private batches = 0;

	constructor( private readonly reads: ReadPool ) {}

	bump( site: string, kind: StatKind, at: number ): void {
		this.current.stats.add( site, kind, at );
	}

	/** Hands every unwritten set to the batch that starts; false if there is none. */
	take(): boolean {
		if ( this.current.stats.empty && this.givenBack.length === 0 ) return false;
		this.carried = [ ...this.givenBack, this.current ];
		this.givenBack = [];
		this.current = fresh();
		return true;
	}

	/** Inside the batch's transaction, last: writes the carried sets and the batch's mark. */
	async write( db: pg.ClientBase ): Promise< void > {
		const values = this.numbered();
		if ( values ) await db.query( WRITE, values );
	}

	/**
	 * The same write as parts of another statement's WITH (a batch of messages
	 * in one statement: messages.ts), its parameters from $first on, held back
	 * by `gate` (see counterParts). Null if nothing is carried.
	 */
	parts( first: number, gate: string ): { sql: string; values: unknown[] } | null {
		const values = this.numbered();
		return values && { sql: counterParts( first, gate ), values };
	}

	/** Gives the carried sets this batch's number; the write's parameters, or null if nothing is carried. */
	private numbered(): unknown[] | null {
		if ( this.carried.length === 0 ) return null;
		const batch = ++this.batches;
		const all = new PendingStats();
		for ( const set of this.carried ) {
			set.batch = batch;
			all.merge( set.stats );
		}
		const rows = [ ...all.rows() ];
		return [
			this.writer,
			batch,
			rows.map( ( r ) => r.site ),
			rows.map( ( r ) => r.hour ),
			rows.map( ( r ) => r.kind ),
			rows.map( ( r ) => r.count ),
		];
	}

	/** The batch committed. */
	written(): void {
		this.carried = [];
	}

	/** The batch failed: its sets go with the next one. */
	failed(): void {
		for ( const set of this.carried ) set.batch = null;
		this.givenBack.push( ...this.carried );
		this.carried = [];
	}

	/** The site's counters from `fromHour` to `toHour` (inclusive), written or not, by hour then kind. */
	async read( site: string, fromHour: number, toHour: number ): Promise< StatRow[] > {
		// Taken before the statement runs: a set written after its snapshot is still in here.
		const sets = [ ...this.givenBack, ...this.carried, this.current ];
		const rows = await this.reads.rows< { mark: number | null; hour: number | null; kind: StatKind; count: number } >( READ, [
			this.writer,
			site,
			fromHour,
			toHour,
		] );
		const mark = rows[ 0 ].mark ?? 0;
		const written: StatRow[] = rows.filter( ( r ) => r.hour !== null ).map( ( r ) => ( { hour: r.hour!, kind: r.kind, count: r.count } ) );
		const unwritten = sets.filter( ( s ) => s.batch === null || s.batch > mark ).flatMap( ( s ) => [ ...s.stats.rows() ] );
		return withUnwritten( written, unwritten, site, fromHour, toHour );
	}

	/** This store's mark is read by no one once it is closed. */
	async forget( db: pg.ClientBase ): Promise< void > {
		await db.query( 'DELETE FROM stats_marks WHERE writer = $1', [ this.writer ] );
	}
}
