/**
 * The ChatStore contract against the PostgreSQL engine, on a throw-away
 * PostgreSQL 15 (tests/helpers/postgres.ts), a fresh database per test.
 *
 * "The files", for the no-trace checks after a deletion, are every row
 * version PostgreSQL holds of the store's tables and their TOAST tables,
 * live or dead, byte for byte (pageinspect's heap_page_items, read through
 * the buffer cache, so what is on disk after the next checkpoint): a
 * deletion whose dead rows were not vacuumed fails them. Not in it: a page's
 * unallocated space and the WAL, which PostgreSQL cannot be made to clear
 * (docs/privacy.md), and the indexes, whose keys are ids, hashes, numbers
 * and times, never text a person wrote.
 */
import { PostgresStore } from '../../server/store/postgres-store';
import { chatStoreContract, type StoreHarness } from '../contract/chat-store.contract';
import { startPostgres, type TestPostgres } from '../helpers/postgres';

const ROW_VERSIONS = `
SELECT COALESCE(string_agg(encode(i.t_data, 'hex'), ''), '')
FROM pg_class c
CROSS JOIN LATERAL generate_series(0, (pg_relation_size(c.oid) / current_setting('block_size')::int)::int - 1) AS b
CROSS JOIN LATERAL heap_page_items(get_raw_page(c.oid::regclass::text, b)) AS i
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
   OR c.oid IN (SELECT reltoastrelid FROM pg_class WHERE relnamespace = 'public'::regnamespace)`;

let server: TestPostgres;
beforeAll( async () => {
	server = await startPostgres();
}, 60_000 );
afterAll( () => server?.dispose() );

chatStoreContract( 'PostgreSQL', async (): Promise< StoreHarness > => {
	const url = server.createDatabase();
	server.psql( url, 'CREATE EXTENSION pageinspect' );
	const opened: PostgresStore[] = [];
	return {
		async open() {
			const store = await PostgresStore.open( url );
			opened.push( store );
			return store;
		},
		files: () => Buffer.from( server.psql( url, ROW_VERSIONS ), 'hex' ).toString( 'latin1' ),
		async cleanup() {
			for ( const s of opened ) await s.close();
		},
	};
} );
