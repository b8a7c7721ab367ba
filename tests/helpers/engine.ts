/**
 * Which store engine the service-level tests run on. The `integration`
 * project runs them on the embedded SQLite default; the `postgres` project
 * runs the engine-neutral ones again on PostgreSQL, whose global setup
 * (tests/integration/postgres-setup.ts) starts one for the run and names it
 * in CONSENT_CHAT_TEST_POSTGRES_URL. Each service gets a database of its own.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

export const POSTGRES_URL = process.env.CONSENT_CHAT_TEST_POSTGRES_URL;

/** For test titles and messages. */
export const ENGINE = POSTGRES_URL ? 'PostgreSQL' : 'SQLite';

/** The store settings of one test service: a fresh, empty PostgreSQL database, or none (SQLite in its data folder). */
export async function engineSettings(): Promise< { databaseUrl?: string } > {
	if ( ! POSTGRES_URL ) return {};
	const name = `svc_${ randomUUID().replace( /-/g, '' ) }`;
	const admin = new Client( { connectionString: POSTGRES_URL } );
	await admin.connect();
	try {
		await admin.query( `CREATE DATABASE ${ name }` );
	} finally {
		await admin.end();
	}
	const url = new URL( POSTGRES_URL );
	url.pathname = `/${ name }`;
	return { databaseUrl: url.toString() };
}
