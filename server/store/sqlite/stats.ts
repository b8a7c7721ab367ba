/**
 * Hour-rounded counters per site (statistics and billing). Bumps are counted
 * in memory (PendingStats) and written with the store's next batch, so
 * counting never costs the relay a transaction of its own. A read adds the
 * counters not written yet to the table's rows instead of forcing a commit.
 */
import type Database from 'better-sqlite3';
import { PendingStats, withUnwritten } from '../pending-stats';
import type { StatKind, StatRow } from '../types';

export class StatsTable {
	private pending = new PendingStats();
	private readonly stmt;

	constructor( db: Database.Database ) {
		this.stmt = {
			add: db.prepare(
				`INSERT INTO stats_hourly (site, hour, kind, count) VALUES (?, ?, ?, ?)
				 ON CONFLICT (site, hour, kind) DO UPDATE SET count = count + excluded.count`
			),
			read: db.prepare( 'SELECT hour, kind, count FROM stats_hourly WHERE site = ? AND hour >= ? AND hour <= ? ORDER BY hour, kind' ),
		};
	}

	get empty(): boolean {
		return this.pending.empty;
	}

	bump( site: string, kind: StatKind, at: number ): void {
		this.pending.add( site, kind, at );
	}

	/** The counters for the batch that starts; bumps from now on go to the next. */
	take(): PendingStats {
		const taken = this.pending;
		this.pending = new PendingStats();
		return taken;
	}

	/** Inside the batch. */
	write( taken: PendingStats ): void {
		for ( const { site, hour, kind, count } of taken.rows() ) this.stmt.add.run( site, hour, kind, count );
	}

	/** The batch failed: its counters ride along with the next one. */
	giveBack( taken: PendingStats ): void {
		this.pending.merge( taken );
	}

	/** The site's counters from `fromHour` to `toHour` (inclusive), written or not, by hour then kind. */
	read( site: string, fromHour: number, toHour: number ): StatRow[] {
		return withUnwritten( this.stmt.read.all( site, fromHour, toHour ) as StatRow[], this.pending.rows(), site, fromHour, toHour );
	}
}
