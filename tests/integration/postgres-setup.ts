/**
 * Global setup of the `postgres` jest project: compile the service (as for
 * `integration`), then start one throw-away PostgreSQL for the whole run and
 * name it to the test workers (tests/helpers/engine.ts). The teardown
 * removes it.
 */
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import buildServer from './build-server';

export default async function setup(): Promise< void > {
	buildServer();
	const pg = await startPostgres();
	( globalThis as { __ccPostgres?: TestPostgres } ).__ccPostgres = pg;
	process.env.CONSENT_CHAT_TEST_POSTGRES_URL = pg.url;
}
