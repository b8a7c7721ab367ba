/**
 * A statistics read answers with the counts not yet written added to the
 * table's, and writes nothing itself: no commit is forced by a read.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../../server/store/sqlite-store';
import { HOUR_MS } from '../../../../server/store/types';

test( 'stats() counts what is not written yet without writing it', async () => {
	const dir = mkdtempSync( join( tmpdir(), 'cc-sqlite-stats-' ) );
	const file = join( dir, 'chats.sqlite' );
	const store = new SqliteStore( file );
	const raw = new Database( file, { readonly: true } );
	const written = () => raw.prepare( 'SELECT COUNT(*) FROM stats_hourly' ).pluck().get();
	try {
		const h = 500_000 * HOUR_MS;
		store.bumpStat( 'alpha', 'message_received', h + 1 );
		store.bumpStat( 'alpha', 'message_received', h + 2 );
		expect( await store.stats( 'alpha', h, h ) ).toEqual( [ { hour: h, kind: 'message_received', count: 2 } ] );
		expect( written() ).toBe( 0 );
		await store.flush(); // a write's batch carries the counters
		expect( written() ).toBe( 1 );
		expect( await store.stats( 'alpha', h, h ) ).toEqual( [ { hour: h, kind: 'message_received', count: 2 } ] );
	} finally {
		raw.close();
		await store.close();
		rmSync( dir, { recursive: true, force: true } );
	}
} );
