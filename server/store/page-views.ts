/**
 * Page-view counts of the tracking embed (only ever sent after the visitor's
 * consent): per site, hour, path and referring host, how many views and how
 * many of them by returning visitors. No visitor id, no IP address, no title
 * and no message text are written: the row cannot be tied to a person.
 *
 * Its own SQLite file beside the chats' database, so it shares nothing with
 * the chat store's write path.
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

export class PageViewStore {
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
			'SELECT site, hour, path, referrer_host AS referrerHost, views, returning_views AS "returning" FROM page_views_hourly WHERE site = ? AND hour >= ? AND hour <= ? ORDER BY hour, path'
		);
	}

	count( e: PageViewEvent ): void {
		this.add.run( e.site, toHour( e.at ), e.path, e.referrerHost, e.returning ? 1 : 0 );
	}

	rows( site: string, from: number, to: number ): PageViewRow[] {
		return this.select.all( site, toHour( from ), to ) as PageViewRow[];
	}

	close(): void {
		this.db.close();
	}
}
