/**
 * The SQLite engine's isolation of failures, provoked in SQLite itself (a
 * trigger added to the file from a second connection refuses a row) rather
 * than by a stand-in: a run of messages whose multi-row INSERT fails is
 * written again message by message, so only the refused one fails; a
 * failure that rolls back the whole transaction rejects that batch, and the
 * numbers it had given out are not lost.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../../server/store/sqlite-store';
import { chatRecord, message } from '../../../contract/chat-store.contract';

let dir: string;
let file: string;
let store: SqliteStore;
beforeEach( () => {
	dir = mkdtempSync( join( tmpdir(), 'cc-sqlite-messages-' ) );
	file = join( dir, 'chats.sqlite' );
	store = new SqliteStore( file );
} );
afterEach( async () => {
	await store.close();
	rmSync( dir, { recursive: true, force: true } );
} );

/** Runs SQL on the file from a connection of its own (the store keeps its own open). */
function sql( text: string ): void {
	const db = new Database( file );
	try {
		db.exec( text );
	} finally {
		db.close();
	}
}

test( 'a row SQLite refuses fails its own message only; the run it was in is written, numbered without a hole', async () => {
	const a = chatRecord();
	const b = chatRecord();
	await store.insertChat( a );
	await store.insertChat( b );
	await store.appendMessage( message( a.id, 'a first' ) );
	sql( `CREATE TRIGGER refuse BEFORE INSERT ON messages WHEN NEW.body LIKE '%poison%'
		BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END;` );

	// One turn, one run of messages over two chats, one of them refused.
	const outcomes = await Promise.allSettled( [
		store.appendMessage( message( a.id, 'a second' ) ),
		store.appendMessage( message( b.id, 'b first' ) ),
		store.appendMessage( message( a.id, 'poison' ) ),
		store.appendMessage( message( a.id, 'a third' ) ),
		store.appendMessage( message( b.id, 'b second' ) ),
	] );
	expect( outcomes.map( ( o ) => ( o.status === 'fulfilled' ? o.value : ( o.reason as Error ).message ) ) ).toEqual( [
		2, 1, 'refused by a trigger', 3, 2,
	] );
	expect( ( await store.messagesAfter( a.id, 0 ) ).map( ( m ) => [ m.seq, m.text ] ) ).toEqual( [
		[ 1, 'a first' ], [ 2, 'a second' ], [ 3, 'a third' ],
	] );
	expect( ( await store.messagesAfter( b.id, 0 ) ).map( ( m ) => [ m.seq, m.text ] ) ).toEqual( [ [ 1, 'b first' ], [ 2, 'b second' ] ] );
	expect( await store.appendMessage( message( a.id, 'a fourth' ) ) ).toBe( 4 );
} );

test( 'a failure that rolls back the whole transaction rejects its batch; the next batch numbers on from what is written', async () => {
	const a = chatRecord();
	await store.insertChat( a );
	await store.appendMessage( message( a.id, 'kept' ) );
	sql( `CREATE TRIGGER give_up BEFORE INSERT ON messages WHEN NEW.body LIKE '%give up%'
		BEGIN SELECT RAISE(ROLLBACK, 'the whole transaction rolled back'); END;` );

	const other = chatRecord();
	const batch = await Promise.allSettled( [
		store.appendMessage( message( a.id, 'lost with its batch' ) ),
		store.insertChat( other ),
		store.appendMessage( message( a.id, 'give up' ) ),
	] );
	expect( batch.map( ( o ) => o.status ) ).toEqual( [ 'rejected', 'rejected', 'rejected' ] );
	expect( await store.getChat( other.id ) ).toBeUndefined();
	// Nothing of that batch was written, and no number it gave out is missing now.
	expect( await store.appendMessage( message( a.id, 'next' ) ) ).toBe( 2 );
	expect( ( await store.messagesAfter( a.id, 0 ) ).map( ( m ) => [ m.seq, m.text ] ) ).toEqual( [ [ 1, 'kept' ], [ 2, 'next' ] ] );
} );
