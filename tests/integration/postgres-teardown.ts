/** Global teardown of the `postgres` jest project: the run's PostgreSQL goes. */
import type { TestPostgres } from '../helpers/postgres';

export default function teardown(): void {
	( globalThis as { __ccPostgres?: TestPostgres } ).__ccPostgres?.dispose();
}
