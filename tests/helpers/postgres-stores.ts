/**
 * For a test file of the PostgreSQL engine: one throw-away PostgreSQL for the
 * file (tests/helpers/postgres.ts), and `open` for the stores a test opens on
 * it, each closed after its test.
 */
import { PostgresStore, type PostgresStoreOptions } from '../../server/store/postgres-store';
import { startPostgres, type TestPostgres } from './postgres';

export function postgresStores(): { server: () => TestPostgres; open: ( url: string, options?: PostgresStoreOptions ) => Promise< PostgresStore > } {
	let server: TestPostgres;
	const opened: PostgresStore[] = [];
	beforeAll( async () => {
		server = await startPostgres();
	}, 60_000 );
	afterEach( async () => {
		for ( const s of opened.splice( 0 ) ) await s.close();
	} );
	afterAll( () => server?.dispose() );
	return {
		server: () => server,
		async open( url, options = {} ) {
			const store = await PostgresStore.open( url, options );
			opened.push( store );
			return store;
		},
	};
}
