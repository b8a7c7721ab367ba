/**
 * Files of the first shapes, written as those versions wrote them, open in
 * the current store: version 0 (the first shape, no version set, no contact
 * form, no pre-chat or option columns) and version 1 before the reply
 * options had a column. Schemas 2 and 3 are in
 * tests/integration/schema-migration.test.ts. A file of a newer schema is
 * refused rather than opened and damaged.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../../server/store/sqlite-store';
import { HOUR_MS } from '../../../../server/store/types';

const CHATS_V0 = `CREATE TABLE chats (
	id TEXT PRIMARY KEY, site TEXT NOT NULL, code_hash TEXT NOT NULL, mode TEXT NOT NULL, dept TEXT,
	status TEXT NOT NULL, created_at INTEGER NOT NULL, closed_at INTEGER, keep INTEGER NOT NULL DEFAULT 0,
	visitor_sub TEXT NOT NULL, visitor_name TEXT, agent_sub TEXT, agent_name TEXT, from_ref TEXT, consent_version TEXT
);
CREATE INDEX chats_status ON chats(status);
CREATE TABLE chat_events (chat_id TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE, status TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX chat_events_chat ON chat_events(chat_id);
CREATE TABLE stats_hourly (hour INTEGER NOT NULL, kind TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (hour, kind)) WITHOUT ROWID;`;
const MESSAGES_V0 = `CREATE TABLE messages (
	chat_id TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE, seq INTEGER NOT NULL, author TEXT NOT NULL,
	text TEXT NOT NULL, at INTEGER NOT NULL, name TEXT, event TEXT, client_id TEXT%s,
	PRIMARY KEY (chat_id, seq)
) WITHOUT ROWID;`;
const CONTACTS_V1 = `CREATE TABLE contact_submissions (
	id TEXT PRIMARY KEY, site TEXT NOT NULL, created_at INTEGER NOT NULL, dept TEXT, lang TEXT, fields TEXT NOT NULL, consents TEXT NOT NULL
);`;

const CHAT = '88888888-8888-4888-8888-888888888888';
const HOUR = 400_000 * HOUR_MS;

let dir: string;
let file: string;
beforeEach( () => {
	dir = mkdtempSync( join( tmpdir(), 'cc-sqlite-migrate-' ) );
	file = join( dir, 'chats.sqlite' );
} );
afterEach( () => rmSync( dir, { recursive: true, force: true } ) );

/** A file as version 0 (extraColumns '') or 1 wrote it, with one open chat of two messages and a counter. */
function writeOld( version: 0 | 1, extraColumns: string ): void {
	const db = new Database( file );
	db.exec( CHATS_V0 + MESSAGES_V0.replace( '%s', extraColumns ) + ( version === 1 ? CONTACTS_V1 : '' ) );
	db.prepare(
		`INSERT INTO chats (id, site, code_hash, mode, status, created_at, visitor_sub, agent_sub, agent_name)
		 VALUES (?, 'test', 'h', 'stored', 'active', ?, 'v', 'wp:1', 'Ann')`
	).run( CHAT, HOUR + 1 );
	db.prepare( "INSERT INTO chat_events VALUES (?, 'waiting', ?)" ).run( CHAT, HOUR + 1 );
	const insert = db.prepare( 'INSERT INTO messages (chat_id, seq, author, text, at, name, event, client_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)' );
	insert.run( CHAT, 1, 'visitor', 'from the first shape', HOUR + 2, null, null, 'c1' );
	insert.run( CHAT, 2, 'agent', 'an answer', HOUR + 3, 'Ann', null, 'a1' );
	db.prepare( "INSERT INTO stats_hourly VALUES (?, 'chat_started', 3)" ).run( HOUR );
	if ( version > 0 ) db.pragma( `user_version = ${ version }` );
	db.close();
}

test.each( [
	[ 'version 0, the first shape', 0 as const, '' ],
	[ 'version 1 without the reply options column', 1 as const, ', dialog TEXT, fields TEXT' ],
] )( 'a file of %s opens: its chat, messages and counters read back, numbering goes on', async ( _name, version, columns ) => {
	writeOld( version, columns );
	const store = new SqliteStore( file, { legacyStatsSite: 'test' } );
	try {
		expect( ( await store.openChats() ).map( ( c ) => c.id ) ).toEqual( [ CHAT ] );
		expect( await store.messagesAfter( CHAT, 0 ) ).toEqual( [
			{ chatId: CHAT, seq: 1, from: 'visitor', text: 'from the first shape', at: HOUR + 2, clientId: 'c1' },
			{ chatId: CHAT, seq: 2, from: 'agent', text: 'an answer', at: HOUR + 3, name: 'Ann', clientId: 'a1' },
		] );
		expect( await store.statusHistory( CHAT ) ).toEqual( [ { status: 'waiting', at: HOUR + 1 } ] );
		expect( await store.stats( 'test', HOUR, HOUR ) ).toEqual( [ { hour: HOUR, kind: 'chat_started', count: 3 } ] );
		expect( await store.appendMessage( { chatId: CHAT, from: 'visitor', text: 'now', at: HOUR + 4 } ) ).toBe( 3 );
		await store.insertContact( { id: 'x', site: 'test', createdAt: HOUR, dept: null, lang: null, fields: { email: 'a@b.c' }, consents: [] } );
		expect( ( await store.contacts( 'test' ) ).map( ( c ) => c.id ) ).toEqual( [ 'x' ] );
	} finally {
		await store.close();
	}
	const db = new Database( file, { readonly: true } );
	expect( db.pragma( 'user_version', { simple: true } ) ).toBe( 5 );
	db.close();
} );

test( 'a file of a newer schema than this service knows is refused, and left as it was', () => {
	const db = new Database( file );
	db.exec( 'CREATE TABLE chats (id TEXT); PRAGMA user_version = 6;' );
	db.close();
	expect( () => new SqliteStore( file ) ).toThrow( /schema 6, newer than this service's \(5\)/ );
	const after = new Database( file, { readonly: true } );
	expect( after.pragma( 'user_version', { simple: true } ) ).toBe( 6 );
	expect( after.prepare( "SELECT name FROM sqlite_master WHERE type = 'table'" ).pluck().all() ).toEqual( [ 'chats' ] );
	after.close();
} );
