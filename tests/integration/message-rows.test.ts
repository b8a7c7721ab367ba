/**
 * Schema 5: the messages of one commit are written as one row per chat (a
 * JSON array of bodies, the row's seq its highest). A read that starts in the
 * middle of a row must return exactly the messages after it, in order, folded
 * or not; deleting a chat must leave its neighbours' rows and none of its
 * text; the e-mail search must find a pre-chat form inside a longer row.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatMessage } from '../../server/protocol';
import { SqliteStore } from '../../server/store/sqlite-store';
import type { ChatRecord } from '../../server/store/types';
import { SITE, startTestService, type TestService } from '../helpers/service';
import type { TestClient } from '../helpers/ws-client';

const A = '55555555-5555-4555-8555-555555555555';
const B = '66666666-6666-4666-8666-666666666666';
const record = ( id: string ): ChatRecord => ( {
	id, site: SITE.id, codeHash: `h-${ id }`, mode: 'stored', dept: null, status: 'active', createdAt: 1,
	closedAt: null, keep: false, visitorSub: 'v', visitorName: null, agentSub: null, agentName: null, from: null, consentVersion: null,
} );
const msg = ( chatId: string, seq: number, text: string, extra: Partial< ChatMessage > = {} ): ChatMessage => ( {
	chatId, seq, from: 'visitor', text, at: 1000 + seq, ...extra,
} );
const fileText = ( file: string ): string => ( existsSync( file ) ? readFileSync( file ).toString( 'latin1' ) : '' );

let dir: string;
beforeEach( () => {
	dir = mkdtempSync( join( tmpdir(), 'cc-rows-' ) );
} );
afterEach( () => rmSync( dir, { recursive: true, force: true } ) );

/** The messages table as (chat rid, seq, number of messages in the row), in write order. */
function rows( file: string ): Array< [ number, number, number ] > {
	const db = new Database( file, { readonly: true } );
	try {
		return ( db.prepare( 'SELECT chat, seq, body FROM messages ORDER BY id' ).all() as Array< { chat: number; seq: number; body: string } > ).map(
			( r ) => [ r.chat, r.seq, ( JSON.parse( r.body ) as unknown[] ).length ]
		);
	} finally {
		db.close();
	}
}

test.each( [
	[ 'unfolded', { foldRows: 1_000, foldIdleMs: 3_600_000 } ],
	[ 'folded', { foldRows: 1, foldIdleMs: 3_600_000 } ],
] )( 'one commit writes a row per chat; reads from the middle of a row get exactly the rest (%s)', async ( _name, fold ) => {
	const file = join( dir, 'chats.sqlite' );
	const store = new SqliteStore( file, { legacyStatsSite: SITE.id, fold } );
	await store.insertChat( record( A ) );
	await store.insertChat( record( B ) );
	// One commit: A and B interleaved, split by another write (a status change) in the middle.
	// The store numbers each chat's messages in call order (msg()'s seq is what it must give).
	const form = { dialog: 'prechat', fields: { name: 'Ada', email: 'Ada@Example.org' } };
	const numbers = await Promise.all( [
		store.appendMessage( msg( A, 1, 'a1' ) ),
		store.appendMessage( msg( B, 1, 'b1' ) ),
		store.appendMessage( msg( A, 2, '', form ) ),
		store.appendMessage( msg( A, 3, 'a3 "quoted" \\ ünïcödé' ) ),
		store.setStatus( B, 'away', 2000 ),
		store.appendMessage( msg( B, 2, 'b2' ) ),
		store.appendMessage( msg( A, 4, 'a4', { clientId: 'c4', options: [ 'x', 'y' ] } ) ),
		store.appendMessage( msg( A, 5, 'a5' ) ),
	] );
	expect( numbers ).toEqual( [ 1, 1, 2, 3, undefined, 2, 4, 5 ] );
	// A later commit: the fold (if any) has run in it.
	expect( await store.appendMessage( msg( A, 6, 'a6' ) ) ).toBe( 6 );

	const texts = async ( after: number ) => ( await store.messagesAfter( A, after ) ).map( ( m ) => m.seq );
	expect( await texts( 0 ) ).toEqual( [ 1, 2, 3, 4, 5, 6 ] );
	expect( await texts( 1 ) ).toEqual( [ 2, 3, 4, 5, 6 ] );
	expect( await texts( 4 ) ).toEqual( [ 5, 6 ] );
	expect( await texts( 6 ) ).toEqual( [] );
	expect( await store.messagesAfter( A, 2 ) ).toEqual( [
		msg( A, 3, 'a3 "quoted" \\ ünïcödé' ),
		msg( A, 4, 'a4', { clientId: 'c4', options: [ 'x', 'y' ] } ),
		msg( A, 5, 'a5' ),
		msg( A, 6, 'a6' ),
	] );
	expect( ( await store.messagesAfter( A, 1 ) )[ 0 ] ).toEqual( msg( A, 2, '', form ) );
	expect( ( await store.messagesAfter( B, 0 ) ).map( ( m ) => m.text ) ).toEqual( [ 'b1', 'b2' ] );
	expect( await store.lastSeq( A ) ).toBe( 6 );
	expect( await store.lastSeq( B ) ).toBe( 2 );
	// The pre-chat form is found inside a row of three messages.
	expect( ( await store.findByEmail( SITE.id, 'ada@example.org' ) ).chats.map( ( c ) => c.id ) ).toEqual( [ A ] );

	// Deleting A leaves B's rows, and none of A's text in the database or its WAL.
	await store.deleteChat( A );
	expect( await store.messagesAfter( A, 0 ) ).toEqual( [] );
	expect( ( await store.messagesAfter( B, 0 ) ).map( ( m ) => m.text ) ).toEqual( [ 'b1', 'b2' ] );
	for ( const f of [ file, `${ file }-wal` ] ) {
		expect( fileText( f ) ).not.toContain( 'a3 "quoted"' );
		expect( fileText( f ) ).not.toContain( 'Ada@Example.org' );
	}
	store.close();
	expect( rows( file ) ).toEqual( [
		[ 2, 1, 1 ],
		[ 2, 2, 1 ],
	] );
} );

test( 'the rows are as designed: per chat and commit, in seq order, the row keyed by its highest seq', async () => {
	const file = join( dir, 'chats.sqlite' );
	const store = new SqliteStore( file, { legacyStatsSite: SITE.id } );
	await store.insertChat( record( A ) );
	await store.insertChat( record( B ) );
	await Promise.all( [
		store.appendMessage( msg( A, 1, 'a1' ) ),
		store.appendMessage( msg( B, 1, 'b1' ) ),
		store.appendMessage( msg( A, 2, 'a2' ) ),
		store.setStatus( B, 'away', 2000 ),
		store.appendMessage( msg( A, 3, 'a3' ) ),
		store.appendMessage( msg( B, 2, 'b2' ) ),
		store.appendMessage( msg( B, 3, 'b3' ) ),
	] );
	await store.appendMessage( msg( A, 4, 'a4' ) );
	store.close();
	// Rids: A 1, B 2. Other writes end a run of messages; each commit starts new rows.
	expect( rows( file ) ).toEqual( [
		[ 1, 2, 2 ],
		[ 2, 1, 1 ],
		[ 1, 3, 1 ],
		[ 2, 3, 2 ],
		[ 1, 4, 1 ],
	] );
} );

describe( 'through the service', () => {
	let svc: TestService;
	const clients: TestClient[] = [];
	beforeEach( async () => {
		svc = await startTestService( {}, { dataDir: dir } );
	} );
	afterEach( async () => {
		clients.splice( 0 ).forEach( ( c ) => c.close() );
		await svc.stop();
	} );

	test( 'a burst of messages, resumed by the agent from the middle, arrives whole and in order', async () => {
		const { agent, visitor, chat } = await svc.chatWithAgent();
		clients.push( agent, visitor );
		// Sent together, so the service reads them in one turn and stores them in one commit.
		for ( let i = 1; i <= 20; i++ ) visitor.send( { type: 'send', chatId: chat.id, clientId: `b${ i }`, text: `burst ${ i }` } );
		const acks: number[] = [];
		for ( let i = 1; i <= 20; i++ ) acks.push( await visitor.acked( `b${ i }` ) );
		const from = acks[ 6 ];
		agent.send( { type: 'sync', chatId: chat.id, afterSeq: from } );
		const got: string[] = [];
		for ( let seq = from + 1; seq <= acks[ 19 ]; seq++ ) {
			got.push( ( await agent.next( 'message', ( m ) => m.chatId === chat.id && m.seq === seq ) ).text );
		}
		expect( got ).toEqual( Array.from( { length: 13 }, ( _, i ) => `burst ${ i + 8 }` ) );
	} );
} );
