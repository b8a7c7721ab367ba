/**
 * Page-view counts of the tracking embed (only ever sent after the visitor's
 * consent): per site, hour, path and referring host, how many views and how
 * many of them by returning visitors. No visitor id, no IP address, no title
 * and no message text are written: the row cannot be tied to a person.
 *
 * `PageViewCounter` is what the HTTP routes use; open.ts picks the engine.
 * Here is the embedded one: its own SQLite file beside the chats' database,
 * so it shares nothing with the chat store's write path. With several nodes
 * the counts live in PostgreSQL instead (postgres/page-views.ts), where every
 * node adds to the same rows.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { toHour } from './types';

export interface PageViewEvent {
	site: string;
	at: number;
	path: string;
	/** Host of an external referrer ('' for none or the site itself). */
	referrerHost: string;
	returning: boolean;
}

export interface PageViewRow {
	site: string;
	hour: number;
	path: string;
	referrerHost: string;
	views: number;
	returning: number;
}

/**
 * What every engine promises. `count` is on a public endpoint: it is
 * synchronous and never waits for a database across the network (an engine
 * may gather views in memory and add them to their rows together). Rows are one per site, hour, path
 * and referring host, never one per view, ordered by hour, then path, then
 * referring host (byte order).
 */
export interface PageViewCounter {
	count( e: PageViewEvent ): void;
	/** Writes what was gathered; rejects if it cannot (it is kept for the next try). */
	flush(): Promise< void >;
	/** The site's rows from the hour of `from` to `to` (ms), including every view counted here before the call. */
	rows( site: string, from: number, to: number ): Promise< PageViewRow[] >;
	/** Writes what was gathered (as far as it can), then lets go of the engine; views counted afterwards are dropped. */
	close(): Promise< void >;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS page_views_hourly (
	site TEXT NOT NULL,
	hour INTEGER NOT NULL,
	path TEXT NOT NULL,
	referrer_host TEXT NOT NULL,
	views INTEGER NOT NULL,
	returning_views INTEGER NOT NULL,
	PRIMARY KEY (site, hour, path, referrer_host)
) WITHOUT ROWID;
`;

/** One node's counts in a SQLite file: a view is one upsert of its hour's row, at once (a local write is cheap). */
export class SqlitePageViews implements PageViewCounter {
	private readonly db: Database.Database;
	private readonly add: Database.Statement;
	private readonly select: Database.Statement;

	constructor( file: string ) {
		if ( file !== ':memory:' ) mkdirSync( dirname( file ), { recursive: true } );
		this.db = new Database( file );
		this.db.pragma( 'journal_mode = WAL' );
		this.db.pragma( 'synchronous = NORMAL' );
		this.db.exec( SCHEMA );
		this.add = this.db.prepare(
			`INSERT INTO page_views_hourly (site, hour, path, referrer_host, views, returning_views) VALUES (?, ?, ?, ?, 1, ?)
			 ON CONFLICT (site, hour, path, referrer_host) DO UPDATE SET views = views + 1, returning_views = returning_views + excluded.returning_views`
		);
		this.select = this.db.prepare(
			'SELECT site, hour, path, referrer_host AS referrerHost, views, returning_views AS "returning" FROM page_views_hourly WHERE site = ? AND hour >= ? AND hour <= ? ORDER BY hour, path, referrer_host'
		);
	}

	count( e: PageViewEvent ): void {
		if ( ! this.db.open ) return;
		this.add.run( e.site, toHour( e.at ), e.path, e.referrerHost, e.returning ? 1 : 0 );
	}

	/** Nothing is gathered: every view is written as it comes. */
	async flush(): Promise< void > {}

	async rows( site: string, from: number, to: number ): Promise< PageViewRow[] > {
		return this.select.all( site, toHour( from ), to ) as PageViewRow[];
	}

	async close(): Promise< void > {
		if ( this.db.open ) this.db.close();
	}
}
