/**
 * A database of schema 2 (messages keyed by the chat's UUID, eleven columns,
 * a foreign key) is rebuilt at start-up into schema 3 (chats get an integer
 * rid; a message is rid, seq and one compact body). The real service starts
 * on such a file: every message comes back as it was written (to a resuming
 * visitor, in the personal-data export), resent clientIds are still
 * recognised, numbering goes on, and deleting a migrated chat removes its
 * text from the database and its WAL. Files of schemas 3 and 4 go on to the
 * folded index (4) and to rows that hold an array of bodies (5).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashCode } from '../../server/chat-code';
import type { ChatMessage } from '../../server/protocol';
import { SqliteStore } from '../../server/store/sqlite-store';
import { ORIGIN, startTestService, SITE, type TestService } from '../helpers/service';
import { TestClient } from '../helpers/ws-client';

/** The tables as schema 2 made them (sqlite-store.ts before schema 3). */
const SCHEMA_V2 = `
CREATE TABLE chats (
	id TEXT PRIMARY KEY, site TEXT NOT NULL, code_hash TEXT NOT NULL, mode TEXT NOT NULL, dept TEXT,
	status TEXT NOT NULL, created_at INTEGER NOT NULL, closed_at INTEGER, keep INTEGER NOT NULL DEFAULT 0,
	visitor_sub TEXT NOT NULL, visitor_name TEXT, agent_sub TEXT, agent_name TEXT, from_ref TEXT, consent_version TEXT
);
CREATE INDEX chats_status ON chats(status, closed_at);
CREATE INDEX chats_code ON chats(code_hash);
CREATE INDEX chats_agent ON chats(site, agent_sub, closed_at);
CREATE TABLE chat_events (chat_id TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE, status TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX chat_events_chat ON chat_events(chat_id);
CREATE TABLE messages (
	chat_id TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE, seq INTEGER NOT NULL, author TEXT NOT NULL,
	text TEXT NOT NULL, at INTEGER NOT NULL, name TEXT, event TEXT, client_id TEXT, dialog TEXT, fields TEXT, options TEXT,
	PRIMARY KEY (chat_id, seq)
) WITHOUT ROWID;
CREATE TABLE contact_submissions (
	id TEXT PRIMARY KEY, site TEXT NOT NULL, created_at INTEGER NOT NULL, dept TEXT, lang TEXT, fields TEXT NOT NULL, consents TEXT NOT NULL
);
CREATE TABLE stats_hourly (site TEXT NOT NULL, hour INTEGER NOT NULL, kind TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (site, hour, kind)) WITHOUT ROWID;
`;

const HOUR = 3_600_000;
const now = Date.now();
const CLOSED = { id: '11111111-1111-4111-8111-111111111111', code: 'AAAABBBBCCCC' };
const OPEN = { id: '22222222-2222-4222-8222-222222222222', code: 'DDDDEEEEFFFF' };

const closedMessages: ChatMessage[] = [
	{ chatId: CLOSED.id, seq: 1, from: 'visitor', text: 'Hello, I am Ada (migrated)', at: now - 50 * HOUR, clientId: 'c-start' },
	{ chatId: CLOSED.id, seq: 2, from: 'visitor', text: '', at: now - 50 * HOUR + 1, clientId: 'c-form', dialog: 'prechat', fields: { name: 'Ada', email: 'Ada@Example.org' } },
	{ chatId: CLOSED.id, seq: 3, from: 'system', text: '', at: now - 50 * HOUR + 2, event: 'agent_joined', name: 'Ann' },
	{ chatId: CLOSED.id, seq: 4, from: 'agent', text: 'Which one? "quotes" \\ and ünïcödé', at: now - 50 * HOUR + 3, name: 'Ann', clientId: 'a1', options: [ 'Parcel', 'Letter' ] },
	{ chatId: CLOSED.id, seq: 5, from: 'system', text: '', at: now - 49 * HOUR, event: 'ended' },
];
const openMessages: ChatMessage[] = [
	{ chatId: OPEN.id, seq: 1, from: 'visitor', text: 'Still there? (migrated)', at: now - HOUR, clientId: 'o1' },
	{ chatId: OPEN.id, seq: 2, from: 'agent', text: 'Yes, one moment', at: now - HOUR + 5, name: 'Ann', clientId: 'o2' },
];

function writeV2( file: string ): void {
	const db = new Database( file );
	db.pragma( 'journal_mode = WAL' );
	db.pragma( 'foreign_keys = ON' );
	db.exec( SCHEMA_V2 );
	const chat = db.prepare(
		`INSERT INTO chats (id, site, code_hash, mode, dept, status, created_at, closed_at, keep, visitor_sub, visitor_name, agent_sub, agent_name, from_ref, consent_version)
		 VALUES (?, ?, ?, 'stored', NULL, ?, ?, ?, 0, ?, ?, 'wp:1', 'Ann', NULL, 'v1')`
	);
	chat.run( CLOSED.id, SITE.id, hashCode( CLOSED.code ), 'closed', now - 50 * HOUR, now - 49 * HOUR, 'v-ada', 'Ada' );
	chat.run( OPEN.id, SITE.id, hashCode( OPEN.code ), 'active', now - HOUR, null, 'v-open', null );
	const event = db.prepare( 'INSERT INTO chat_events (chat_id, status, at) VALUES (?, ?, ?)' );
	event.run( CLOSED.id, 'waiting', now - 50 * HOUR );
	event.run( CLOSED.id, 'active', now - 50 * HOUR + 2 );
	event.run( CLOSED.id, 'closed', now - 49 * HOUR );
	event.run( OPEN.id, 'waiting', now - HOUR );
	event.run( OPEN.id, 'active', now - HOUR + 1 );
	const message = db.prepare( 'INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)' );
	for ( const m of [ ...closedMessages, ...openMessages ] ) {
		message.run(
			m.chatId, m.seq, m.from, m.text, m.at, m.name ?? null, m.event ?? null, m.clientId ?? null,
			m.dialog ?? null, m.fields ? JSON.stringify( m.fields ) : null, m.options ? JSON.stringify( m.options ) : null
		);
	}
	db.pragma( 'user_version = 2' );
	db.close();
}

let dir: string;
let svc: TestService | null = null;
const clients: TestClient[] = [];

beforeEach( () => {
	dir = mkdtempSync( join( tmpdir(), 'cc-migrate-' ) );
} );
afterEach( async () => {
	clients.splice( 0 ).forEach( ( c ) => c.close() );
	await svc?.stop();
	svc = null;
	rmSync( dir, { recursive: true, force: true } );
} );

const fileText = ( file: string ): string => ( existsSync( file ) ? readFileSync( file ).toString( 'latin1' ) : '' );

test( 'a schema-2 database is migrated at start-up and reads back unchanged', async () => {
	const file = join( dir, 'chats.sqlite' );
	writeV2( file );
	svc = await startTestService( {}, { dataDir: dir } );

	// The open chat was recovered from the migrated rows: a resuming visitor gets all of it.
	const visitor = await TestClient.open( svc.wsUrl, ORIGIN );
	clients.push( visitor );
	visitor.send( { type: 'hello', token: svc.token( 'visitor', 'v-open' ), resume: { chatId: OPEN.id, code: OPEN.code, lastSeq: 0 } } );
	await visitor.next( 'welcome', ( w ) => w.chats.length === 1 );
	const resumed: ChatMessage[] = [];
	for ( let i = 0; i < openMessages.length; i++ ) {
		const { type: _type, ...m } = await visitor.next( 'message', ( f ) => f.chatId === OPEN.id );
		resumed.push( m as ChatMessage );
	}
	expect( resumed ).toEqual( openMessages );
	// A resent clientId from before the migration gets its original ack; new messages go on numbering.
	visitor.send( { type: 'send', chatId: OPEN.id, clientId: 'o1', text: 'Still there? (migrated)' } );
	expect( await visitor.next( 'ack', ( a ) => a.clientId === 'o1' ) ).toMatchObject( { seq: 1 } );
	visitor.send( { type: 'send', chatId: OPEN.id, clientId: 'o3', text: 'after the migration' } );
	const acked = await visitor.acked( 'o3' );
	expect( acked ).toBeGreaterThan( 2 );

	// The closed chat, found by the e-mail in its migrated pre-chat form, with every field of every message.
	const site = svc.token( 'site', 'wp' );
	const exported = await svc.http( 'GET', '/admin/personal-data?email=ada%40example.org', undefined, site );
	expect( exported.status ).toBe( 200 );
	expect( exported.body.chats.map( ( c: { id: string } ) => c.id ) ).toEqual( [ CLOSED.id ] );
	expect( exported.body.chats[ 0 ].messages ).toEqual( closedMessages );

	// Deleting a migrated chat by its code removes its text from the files.
	expect( await svc.http( 'POST', '/chats/delete', { site: SITE.id, code: CLOSED.code } ) ).toEqual( { status: 200, body: { deleted: true } } );
	for ( const f of [ file, `${ file }-wal` ] ) {
		expect( fileText( f ) ).not.toContain( 'I am Ada (migrated)' );
		expect( fileText( f ) ).not.toContain( 'Ada@Example.org' );
	}
	expect( fileText( file ) ).toContain( 'Still there? (migrated)' );

	await svc.stop();
	svc = null;
	const db = new Database( file, { readonly: true } );
	expect( db.pragma( 'user_version', { simple: true } ) ).toBe( 5 );
	expect( ( db.pragma( 'table_info(messages)' ) as Array< { name: string } > ).map( ( c ) => c.name ) ).toEqual( [ 'id', 'chat', 'seq', 'body' ] );
	expect( db.prepare( "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages'" ).pluck().all() ).toEqual( [] );
	expect( db.prepare( 'SELECT COUNT(*) FROM chats' ).pluck().get() ).toBe( 1 );
	expect( db.prepare( "SELECT COUNT(*) FROM chat_events WHERE chat_id = ?" ).pluck().get( CLOSED.id ) ).toBe( 0 );
	expect( db.pragma( 'foreign_key_check' ) ).toEqual( [] );
	db.close();

	// Read back through the store itself: the open chat's history and status changes survived.
	const store = new SqliteStore( file, { legacyStatsSite: SITE.id } );
	const history = await store.messagesAfter( OPEN.id, 0 );
	expect( history.slice( 0, 2 ) ).toEqual( openMessages );
	expect( history.map( ( m ) => m.clientId ) ).toContain( 'o3' );
	expect( await store.lastSeq( OPEN.id ) ).toBe( history[ history.length - 1 ].seq );
	expect( ( await store.statusHistory( OPEN.id ) ).slice( 0, 2 ) ).toEqual( [
		{ status: 'waiting', at: now - HOUR },
		{ status: 'active', at: now - HOUR + 1 },
	] );
	expect( await store.getChat( CLOSED.id ) ).toBeUndefined();
	store.close();
} );

test( 'chat numbers are never reused, and a deleted chat leaves no messages behind', async () => {
	const file = join( dir, 'chats.sqlite' );
	const store = new SqliteStore( file, { legacyStatsSite: SITE.id } );
	const record = ( id: string ) => ( {
		id, site: SITE.id, codeHash: 'h', mode: 'stored' as const, dept: null, status: 'active' as const, createdAt: now,
		closedAt: null, keep: false, visitorSub: 'v', visitorName: null, agentSub: null, agentName: null, from: null, consentVersion: null,
	} );
	const a = '33333333-3333-4333-8333-333333333333';
	const b = '44444444-4444-4444-8444-444444444444';
	await store.insertChat( record( a ) );
	await store.appendMessage( { chatId: a, from: 'visitor', text: 'first chat', at: now } );
	await store.deleteChat( a );
	await store.insertChat( record( b ) );
	await store.appendMessage( { chatId: b, from: 'visitor', text: 'second chat', at: now } );
	expect( ( await store.messagesAfter( b, 0 ) ).map( ( m ) => m.text ) ).toEqual( [ 'second chat' ] );
	expect( await store.messagesAfter( a, 0 ) ).toEqual( [] );
	// A message for a chat that is not there is refused, as the foreign key did.
	await expect( store.appendMessage( { chatId: a, from: 'visitor', text: 'orphan', at: now } ) ).rejects.toThrow( /no chat/ );
	store.close();
	const db = new Database( file, { readonly: true } );
	expect( db.prepare( 'SELECT chat, seq FROM messages' ).all() ).toEqual( [ { chat: 2, seq: 1 } ] );
	db.close();
} );

test( 'a schema-3 database gets its folded index and one-array rows (schema 5) at start-up: every message is found, numbering goes on', async () => {
	const file = join( dir, 'chats.sqlite' );
	// A schema-3 file: the tables as schema 4 has them, less its two, plus the unique index it drops.
	const store3 = new SqliteStore( file, { legacyStatsSite: SITE.id } );
	store3.close();
	const raw = new Database( file );
	raw.exec( `DROP TABLE message_index; DROP TABLE message_fold; PRAGMA user_version = 3;
		CREATE UNIQUE INDEX messages_chat ON messages(chat, seq);` );
	const chat = raw.prepare(
		`INSERT INTO chats (id, site, code_hash, mode, status, created_at, visitor_sub, agent_sub, agent_name)
		 VALUES (?, ?, ?, 'stored', 'active', ?, ?, 'wp:1', 'Ann')`
	);
	const ridOpen = Number( chat.run( OPEN.id, SITE.id, hashCode( OPEN.code ), now - HOUR, 'v-open' ).lastInsertRowid );
	const ridOther = Number( chat.run( CLOSED.id, SITE.id, hashCode( CLOSED.code ), now - HOUR, 'v-other' ).lastInsertRowid );
	const message = raw.prepare( 'INSERT INTO messages (chat, seq, body) VALUES (?, ?, ?)' );
	for ( let i = 1; i <= 6; i++ ) {
		message.run( ridOpen, i, JSON.stringify( { f: 'visitor', t: `v3 text ${ i }`, a: now - HOUR + i, c: `c${ i }` } ) );
		message.run( ridOther, i, JSON.stringify( { f: 'visitor', t: `other ${ i }`, a: now - HOUR + i } ) );
	}
	raw.close();

	svc = await startTestService( {}, { dataDir: dir } );
	const visitor = await TestClient.open( svc.wsUrl, ORIGIN );
	clients.push( visitor );
	visitor.send( { type: 'hello', token: svc.token( 'visitor', 'v-open' ), resume: { chatId: OPEN.id, code: OPEN.code, lastSeq: 2 } } );
	await visitor.next( 'welcome', ( w ) => w.chats.length === 1 );
	const texts: string[] = [];
	for ( let i = 3; i <= 6; i++ ) texts.push( ( await visitor.next( 'message', ( f ) => f.chatId === OPEN.id && f.seq === i ) ).text );
	expect( texts ).toEqual( [ 'v3 text 3', 'v3 text 4', 'v3 text 5', 'v3 text 6' ] );
	visitor.send( { type: 'send', chatId: OPEN.id, clientId: 'c4', text: 'v3 text 4' } );
	expect( await visitor.next( 'ack', ( a ) => a.clientId === 'c4' ) ).toMatchObject( { seq: 4 } );
	visitor.send( { type: 'send', chatId: OPEN.id, clientId: 'c-new', text: 'after schema 4' } );
	expect( await visitor.acked( 'c-new' ) ).toBeGreaterThan( 6 );
	await svc.stop();
	svc = null;

	const db = new Database( file, { readonly: true } );
	expect( db.pragma( 'user_version', { simple: true } ) ).toBe( 5 );
	expect( db.prepare( "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages'" ).pluck().all() ).toEqual( [] );
	expect( db.prepare( 'SELECT chat, seq FROM message_index WHERE chat = ? ORDER BY seq LIMIT 6' ).all( ridOther ) ).toEqual(
		Array.from( { length: 6 }, ( _, i ) => ( { chat: ridOther, seq: i + 1 } ) )
	);
	// Schema 5: each row's body became an array of one, with its seq inside.
	expect( ( db.prepare( 'SELECT body FROM messages WHERE chat = ? ORDER BY id' ).pluck().all( ridOther ) as string[] ).map( ( b ) => JSON.parse( b ) ) ).toEqual(
		Array.from( { length: 6 }, ( _, i ) => [ { f: 'visitor', t: `other ${ i + 1 }`, a: now - HOUR + i + 1, s: i + 1 } ] )
	);
	db.close();
} );
