/**
 * Brings a database to the current schema in numbered steps, recorded in
 * `schema_migrations` (one row per step applied). A database of version n
 * runs every step above n, in order.
 *
 * Several nodes may start at once on one database: the steps run in one
 * transaction that first takes a transaction-level advisory lock, so one
 * node migrates and the others wait for its commit and then find nothing to
 * do. PostgreSQL's DDL is transactional, so a crash leaves the database at
 * the version it had, never half a step. A database of a newer schema than
 * this code knows is refused before anything is changed.
 *
 * The versions as they were written (every earlier one must still migrate):
 * 1  the first shape (schema.ts)
 * 2  site policies and page-view counts, shared by the nodes (SCHEMA_2)
 * 3  the sites' assistant settings and content (SCHEMA_3)
 */
import type pg from 'pg';
import type { Logger } from '../../log';
import { WriteConnection, type ConnectionOptions } from './connection';
import { SCHEMA_1, SCHEMA_2, SCHEMA_3 } from './schema';

interface Step {
	version: number;
	sql: string;
}

const STEPS: Step[] = [
	{ version: 1, sql: SCHEMA_1 },
	{ version: 2, sql: SCHEMA_2 },
	{ version: 3, sql: SCHEMA_3 },
];

export const SCHEMA_VERSION = STEPS[ STEPS.length - 1 ].version;

/** The advisory lock's key ("CC01" in ASCII); anything else taking the same key on this database only waits. */
export const MIGRATION_LOCK = 0x43433031;

/** Refused: the database was migrated by a newer service. */
export class SchemaTooNewError extends Error {
	constructor( readonly version: number ) {
		super( `the database is of schema ${ version }, newer than this service's (${ SCHEMA_VERSION }): run the newer service` );
		this.name = 'SchemaTooNewError';
	}
}

/** Migrates; resolves to the version the database had. Run on a connection of its own before the store uses the database. */
export async function migrate( db: pg.ClientBase ): Promise< number > {
	await db.query( 'BEGIN' );
	try {
		await db.query( 'SELECT pg_advisory_xact_lock($1)', [ MIGRATION_LOCK ] );
		await db.query( 'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())' );
		const { rows } = await db.query< { version: number } >( 'SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations' );
		const version = rows[ 0 ].version;
		if ( version > SCHEMA_VERSION ) throw new SchemaTooNewError( version );
		for ( const step of STEPS.filter( ( s ) => s.version > version ) ) {
			await db.query( step.sql );
			await db.query( 'INSERT INTO schema_migrations (version) VALUES ($1)', [ step.version ] );
		}
		await db.query( 'COMMIT' );
		return version;
	} catch ( e ) {
		await db.query( 'ROLLBACK' ).catch( () => undefined );
		throw e;
	}
}

/**
 * Migrates the database at `url` on a connection of its own, closed
 * afterwards: for a module that keeps tables of its own beside the store's
 * and opens before or without it (site policies, page views). Whoever
 * opens first migrates; the others find nothing to do.
 */
export async function migrateAt( url: string, options: ConnectionOptions, log: Logger ): Promise< void > {
	const connection = new WriteConnection( url, options, log, 'migration' );
	try {
		await migrate( await connection.get() );
	} finally {
		await connection.close();
	}
}
