/**
 * A fold of the index by chat that fails (here: an index entry put in its
 * way from a second connection, so SQLite refuses the fold's insert) is
 * logged through the service's logger, changes nothing, and does not fail
 * the batch it rode along with; reads scan the tail meanwhile, and a later
 * fold catches up.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { SqliteStore } from '../../../../server/store/sqlite-store';
import { chatRecord, message } from '../../../contract/chat-store.contract';

let dir: string;
beforeEach( () => {
	dir = mkdtempSync( join( tmpdir(), 'cc-sqlite-fold-' ) );
} );
afterEach( () => rmSync( dir, { recursive: true, force: true } ) );

test( 'a failed fold is logged, the batch it rode with commits, reads stay whole, and a later fold catches up', async () => {
	const file = join( dir, 'chats.sqlite' );
	const lines: Array< { level: number; msg: string; err?: { message: string } } > = [];
	const log = pino( { level: 'warn' }, { write: ( line: string ) => void lines.push( JSON.parse( line ) ) } );
	// Every batch with two or more unfolded rows folds; no idle fold.
	const store = new SqliteStore( file, { log, fold: { foldRows: 2, foldIdleMs: 3_600_000 } } );
	const raw = new Database( file );
	try {
		const chat = chatRecord();
		await store.insertChat( chat );
		await store.appendMessage( message( chat.id, 'one' ) ); // row 1, unfolded
		const rid = raw.prepare( 'SELECT rid FROM chats WHERE id = ?' ).pluck().get( chat.id ) as number;
		// An entry where the fold will put (chat, seq 2): its insert is refused.
		raw.prepare( 'INSERT INTO message_index (chat, seq, id) VALUES (?, 2, 999)' ).run( rid );

		expect( await store.appendMessage( message( chat.id, 'two' ) ) ).toBe( 2 ); // the batch that tries to fold
		expect( lines ).toEqual( [ expect.objectContaining( { level: 40, msg: expect.stringMatching( /fold failed/ ), err: expect.objectContaining( { message: expect.stringMatching( /UNIQUE/ ) } ) } ) ] );
		expect( raw.prepare( 'SELECT up_to FROM message_fold' ).pluck().get() ).toBe( 0 );
		expect( ( await store.messagesAfter( chat.id, 0 ) ).map( ( m ) => m.text ) ).toEqual( [ 'one', 'two' ] );

		raw.prepare( 'DELETE FROM message_index WHERE id = 999' ).run();
		expect( await store.appendMessage( message( chat.id, 'three' ) ) ).toBe( 3 );
		expect( raw.prepare( 'SELECT up_to FROM message_fold' ).pluck().get() ).toBe( 3 );
		expect( raw.prepare( 'SELECT seq, id FROM message_index ORDER BY seq' ).all() ).toEqual( [
			{ seq: 1, id: 1 }, { seq: 2, id: 2 }, { seq: 3, id: 3 },
		] );
		expect( ( await store.messagesAfter( chat.id, 1 ) ).map( ( m ) => m.text ) ).toEqual( [ 'two', 'three' ] );
		expect( lines ).toHaveLength( 1 );
	} finally {
		raw.close();
		await store.close();
	}
} );
