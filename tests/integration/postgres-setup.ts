/**
 * Global setup of the `postgres` jest project: compile the service (as for
 * `integration`), then start one throw-away PostgreSQL for the whole run and
 * name it to the test workers (use-postgres.ts, tests/helpers/engine.ts). The teardown
 * removes it.
 */
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import buildServer from './build-server';

export default async function setup(): Promise< void > {
	buildServer();
	const pg = await startPostgres();
	( globalThis as { __ccPostgres?: TestPostgres } ).__ccPostgres = pg;
	// Every worker of every project inherits this; only the postgres project's setup file
	// (use-postgres.ts) turns it into the engine choice, so the SQLite runs stay on SQLite.
	process.env.CONSENT_CHAT_TEST_POSTGRES_SERVER = pg.url;
}
