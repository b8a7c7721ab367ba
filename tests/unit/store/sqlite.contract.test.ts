/**
 * The ChatStore contract against the SQLite engine, in a temporary folder.
 * "The files" are the database and its WAL as they are on disk.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../server/store/sqlite-store';
import { chatStoreContract, type StoreHarness } from '../../contract/chat-store.contract';

chatStoreContract( 'SQLite', async (): Promise< StoreHarness > => {
	const dir = mkdtempSync( join( tmpdir(), 'cc-contract-' ) );
	const file = join( dir, 'chats.sqlite' );
	const opened: SqliteStore[] = [];
	const text = ( f: string ): string => ( existsSync( f ) ? readFileSync( f ).toString( 'latin1' ) : '' );
	return {
		async open() {
			const store = new SqliteStore( file, { legacyStatsSite: 'alpha' } );
			opened.push( store );
			return store;
		},
		files: () => text( file ) + text( `${ file }-wal` ),
		async cleanup() {
			for ( const s of opened ) await s.close();
			rmSync( dir, { recursive: true, force: true } );
		},
	};
} );
