/**
 * Page-view counts in PostgreSQL, where every node adds to the same rows
 * (table `page_views_hourly`, schema 2), so WordPress reads the whole
 * cluster's counts from any node.
 *
 * A view is counted in memory: one entry per site, hour, path and referring
 * host. The entries are written together at most every `flushMs`, in one
 * statement that adds them to their rows (`INSERT … ON CONFLICT DO UPDATE SET
 * views = views + excluded.views`): the public endpoint never waits for the
 * database, and the database gets one row change per page and hour per
 * flush, whatever the number of views. Rows are added in key order, so two
 * nodes' flushes lock the rows they share in one order and never deadlock.
 *
 * What a failed write held goes back into memory for the next one (nothing
 * is lost while PostgreSQL is away), up to `maxPending` distinct entries:
 * paths come from the public, so memory stays bounded in an outage, and
 * views of further pages are then dropped (and the number logged). A read
 * (`rows`) writes this node's entries first; another node's reach the table
 * within its `flushMs`.
 */
import { createLogger, type Logger } from '../../log';
import type { PageViewCounter, PageViewEvent, PageViewRow } from '../page-views';
import { toHour } from '../types';
import { CONNECTION_DEFAULTS, ReadPool, type ConnectionOptions } from './connection';
import { migrateAt } from './migrations';

export interface PostgresPageViewsOptions extends Partial< ConnectionOptions > {
	log?: Logger;
	/** How long a counted view may wait in memory (ms). */
	flushMs?: number;
	/** Distinct (site, hour, path, referring host) entries kept in memory while they cannot be written. */
	maxPending?: number;
}

/** An entry in memory is the row it adds to, with what it adds. */
type Entry = PageViewRow;

const keyOf = ( e: { site: string; hour: number; path: string; referrerHost: string } ): string =>
	JSON.stringify( [ e.site, e.hour, e.path, e.referrerHost ] );

const WRITE = `INSERT INTO page_views_hourly (site, hour, path, referrer_host, views, returning_views)
	SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::bigint[]) ORDER BY 1, 2, 3, 4
	ON CONFLICT (site, hour, path, referrer_host) DO UPDATE SET
		views = page_views_hourly.views + excluded.views,
		returning_views = page_views_hourly.returning_views + excluded.returning_views`;

// COLLATE "C": byte order, as SQLite's, whatever the database's collation.
const READ = `SELECT site, hour, path, referrer_host AS "referrerHost", views, returning_views AS "returning"
	FROM page_views_hourly WHERE site = $1 AND hour >= $2 AND hour <= $3
	ORDER BY hour, path COLLATE "C", referrer_host COLLATE "C"`;

export class PostgresPageViews implements PageViewCounter {
	private pending = new Map< string, Entry >();
	/** Views not counted since the last write that worked: memory was full of entries waiting for PostgreSQL. */
	private dropped = 0;
	/** The last write failed: logged once, and once more when one works again. */
	private failing = false;
	private timer: NodeJS.Timeout | null = null;
	/** The write in flight (or the last one): writes run one after another. */
	private writing: Promise< void > = Promise.resolve();
	private closed = false;

	private constructor(
		private readonly pool: ReadPool,
		private readonly log: Logger,
		private readonly flushMs: number,
		private readonly maxPending: number
	) {}

	/** Connects to the database at `url` and brings it to this code's schema (several nodes at once migrate once). */
	static async open( url: string, options: PostgresPageViewsOptions = {} ): Promise< PostgresPageViews > {
		const log = options.log ?? createLogger( 'silent' );
		const connection: ConnectionOptions = {
			connectTimeoutMs: options.connectTimeoutMs ?? CONNECTION_DEFAULTS.connectTimeoutMs,
			statementTimeoutMs: options.statementTimeoutMs ?? CONNECTION_DEFAULTS.statementTimeoutMs,
			// One write every flushMs and an occasional read from WordPress: one connection does.
			readConnections: options.readConnections ?? 1,
		};
		await migrateAt( url, connection, log );
		return new PostgresPageViews( new ReadPool( url, connection, log ), log, options.flushMs ?? 2_000, options.maxPending ?? 10_000 );
	}

	count( e: PageViewEvent ): void {
		if ( this.closed ) return;
		const hour = toHour( e.at );
		const key = keyOf( { ...e, hour } );
		const entry = this.pending.get( key );
		if ( entry ) {
			entry.views++;
			entry.returning += e.returning ? 1 : 0;
		} else if ( this.pending.size < this.maxPending ) {
			this.pending.set( key, { site: e.site, hour, path: e.path, referrerHost: e.referrerHost, views: 1, returning: e.returning ? 1 : 0 } );
		} else {
			this.dropped++;
		}
		this.arm();
	}

	flush(): Promise< void > {
		// After the write in flight, whatever became of it: a failed one gave its entries back.
		const run = this.writing.catch( () => undefined ).then( () => this.write() );
		this.writing = run;
		return run;
	}

	async rows( site: string, from: number, to: number ): Promise< PageViewRow[] > {
		await this.flush();
		return this.pool.rows< PageViewRow >( READ, [ site, toHour( from ), to ] );
	}

	async close(): Promise< void > {
		if ( this.closed ) return;
		this.closed = true;
		if ( this.timer ) clearTimeout( this.timer );
		this.timer = null;
		const waiting = this.waiting();
		await this.flush().catch( ( e: unknown ) => this.log.warn( { err: e, views: waiting }, 'page views not written at shutdown: PostgreSQL did not take them' ) );
		await this.pool.close();
	}

	/** A write within flushMs, unless one is due already. */
	private arm(): void {
		if ( this.timer || this.closed ) return;
		this.timer = setTimeout( () => {
			this.timer = null;
			// Failures are logged in write(); the entries wait for the next timer.
			this.flush().catch( () => undefined );
		}, this.flushMs );
		this.timer.unref();
	}

	private waiting(): number {
		let views = 0;
		for ( const entry of this.pending.values() ) views += entry.views;
		return views;
	}

	private async write(): Promise< void > {
		if ( this.pending.size === 0 ) return;
		const entries = [ ...this.pending.values() ];
		this.pending = new Map();
		try {
			await this.pool.writeOnce( WRITE, [
				entries.map( ( e ) => e.site ),
				entries.map( ( e ) => e.hour ),
				entries.map( ( e ) => e.path ),
				entries.map( ( e ) => e.referrerHost ),
				entries.map( ( e ) => e.views ),
				entries.map( ( e ) => e.returning ),
			] );
		} catch ( e ) {
			this.giveBack( entries );
			if ( ! this.failing ) this.log.warn( { err: e }, 'page views could not be written to PostgreSQL; they wait in memory' );
			this.failing = true;
			this.arm();
			throw e;
		}
		if ( this.failing ) this.log.info( 'page views are written to PostgreSQL again' );
		this.failing = false;
		if ( this.dropped > 0 ) {
			this.log.warn( { dropped: this.dropped }, 'page views not counted: too many pages waited in memory for PostgreSQL' );
			this.dropped = 0;
		}
	}

	/** A failed write's entries, back into memory, added to what was counted meanwhile. */
	private giveBack( entries: Entry[] ): void {
		for ( const e of entries ) {
			const key = keyOf( e );
			const now = this.pending.get( key );
			if ( now ) {
				now.views += e.views;
				now.returning += e.returning;
			} else {
				this.pending.set( key, e );
			}
		}
	}
}
