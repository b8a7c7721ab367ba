/**
 * Schema 4: messages are appended without a per-insert index; their index
 * by chat (message_index) is folded in batches, and reads by chat scan the
 * unfolded tail too. With a fold every 8 messages (and no idle fold), a chat
 * is partly folded and partly not: it must resume completely and in order,
 * its deletion must leave no text in the database or its WAL, and a SIGKILL
 * with an unfolded tail must need no repair.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../server/store/sqlite-store';
import type { ChatRecord } from '../../server/store/types';
import { hello, spawnService, type ChildService } from '../helpers/child-service';
import { ORIGIN, SITE, startTestService, type TestService } from '../helpers/service';
import { TestClient } from '../helpers/ws-client';

const FOLD = { foldRows: 8, foldIdleMs: 3_600_000 };
const fileText = ( file: string ): string => ( existsSync( file ) ? readFileSync( file ).toString( 'latin1' ) : '' );

/** Folded up to, highest message id, and index entries, read from the file beside the running service. */
function foldState( file: string ): { upTo: number; maxId: number; indexed: number } {
	const db = new Database( file, { readonly: true } );
	try {
		return {
			upTo: db.prepare( 'SELECT up_to FROM message_fold' ).pluck().get() as number,
			maxId: db.prepare( 'SELECT COALESCE(MAX(id), 0) FROM messages' ).pluck().get() as number,
			indexed: db.prepare( 'SELECT COUNT(*) FROM message_index' ).pluck().get() as number,
		};
	} finally {
		db.close();
	}
}

const until = async ( ok: () => boolean ): Promise< void > => {
	for ( let i = 0; i < 100 && ! ok(); i++ ) await new Promise( ( r ) => setTimeout( r, 20 ) );
	expect( ok() ).toBe( true );
};

describe( 'in-process service', () => {
	let svc: TestService;
	let dir: string;
	const clients: TestClient[] = [];
	beforeEach( async () => {
		dir = mkdtempSync( join( tmpdir(), 'cc-fold-' ) );
		svc = await startTestService( {}, { dataDir: dir, service: { store: FOLD } } );
	} );
	afterEach( async () => {
		clients.splice( 0 ).forEach( ( c ) => c.close() );
		await svc.stop();
		rmSync( dir, { recursive: true, force: true } );
	} );

	test( 'a chat partly folded and partly not resumes completely and in order, and its deletion leaves no text', async () => {
		const file = join( dir, 'chats.sqlite' );
		const { agent, visitor, chat, code } = await svc.chatWithAgent( { text: 'fold-text-0' } );
		clients.push( agent, visitor );
		// Another chat's messages interleave in the table (and in its index).
		const other = await svc.connect( 'visitor', 'v2' );
		clients.push( other );
		other.send( { type: 'start', clientId: 'o0', text: 'other-text-0' } );
		const { chat: otherChat } = await other.next( 'started' );
		for ( let i = 1; i <= 19; i++ ) {
			const who = i % 2 ? visitor : agent;
			who.send( { type: 'send', chatId: chat.id, clientId: `k${ i }`, text: `fold-text-${ i }` } );
			await who.acked( `k${ i }` );
			if ( i % 3 === 0 ) {
				other.send( { type: 'send', chatId: otherChat.id, clientId: `o${ i }`, text: `other-text-${ i }` } );
				await other.acked( `o${ i }` );
			}
		}
		// Folded in part: some messages are in the index, the last few are not yet.
		await until( () => foldState( file ).upTo > 0 );
		const state = foldState( file );
		expect( state.maxId - state.upTo ).toBeGreaterThan( 0 );
		expect( state.maxId - state.upTo ).toBeLessThan( FOLD.foldRows );

		// A visitor resuming from the start gets every message, once, in order.
		const resumed = await TestClient.open( svc.wsUrl, ORIGIN );
		clients.push( resumed );
		resumed.send( { type: 'hello', token: svc.token( 'visitor', 'v1-again' ), resume: { chatId: chat.id, code, lastSeq: 0 } } );
		const welcome = await resumed.next( 'welcome', ( w ) => w.chats.length === 1 );
		const texts: string[] = [];
		const seqs: number[] = [];
		while ( seqs.length < welcome.chats[ 0 ].lastSeq ) {
			const m = await resumed.next( 'message', ( f ) => f.chatId === chat.id );
			seqs.push( m.seq );
			texts.push( m.text );
		}
		expect( seqs ).toEqual( Array.from( { length: seqs.length }, ( _, i ) => i + 1 ) );
		expect( texts.filter( ( t ) => t.startsWith( 'fold-text-' ) ) ).toEqual( Array.from( { length: 20 }, ( _, i ) => `fold-text-${ i }` ) );
		// A gap across the folded/unfolded boundary: exactly the messages after seq 10.
		agent.send( { type: 'sync', chatId: chat.id, afterSeq: 10 } );
		const gap: number[] = [];
		while ( gap.length < seqs.length - 10 ) gap.push( ( await agent.next( 'message', ( m ) => m.chatId === chat.id && m.seq > 10 ) ).seq );
		expect( gap ).toEqual( seqs.slice( 10 ) );

		// Deleting it by its code removes its text, folded and unfolded, from the file and the WAL.
		expect( await svc.http( 'POST', '/chats/delete', { site: SITE.id, code } ) ).toEqual( { status: 200, body: { deleted: true } } );
		for ( const f of [ file, `${ file }-wal` ] ) {
			for ( let i = 0; i < 20; i++ ) expect( fileText( f ) ).not.toContain( `fold-text-${ i }` );
		}
		expect( fileText( file ) + fileText( `${ file }-wal` ) ).toContain( 'other-text-18' );
		const db = new Database( file, { readonly: true } );
		const rid = db.prepare( 'SELECT rid FROM chats WHERE id = ?' ).pluck().get( otherChat.id );
		expect( db.prepare( 'SELECT COUNT(*) FROM message_index WHERE chat != ?' ).pluck().get( rid ) ).toBe( 0 );
		db.close();
	} );
} );

describe( 'the store', () => {
	let dir: string;
	beforeEach( () => {
		dir = mkdtempSync( join( tmpdir(), 'cc-fold-store-' ) );
	} );
	afterEach( () => rmSync( dir, { recursive: true, force: true } ) );
	const record = ( id: string ): ChatRecord => ( {
		id, site: SITE.id, codeHash: 'h', mode: 'stored', dept: null, status: 'active', createdAt: 1,
		closedAt: null, keep: false, visitorSub: 'v', visitorName: null, agentSub: null, agentName: null, from: null, consentVersion: null,
	} );
	const A = '55555555-5555-4555-8555-555555555555';
	const B = '66666666-6666-4666-8666-666666666666';
	const C = '77777777-7777-4777-8777-777777777777';
	const fold = () => new Promise( ( r ) => setImmediate( r ) );

	test( 'when the newest folded messages are deleted, messages written after them are still found', async () => {
		const store = new SqliteStore( join( dir, 'chats.sqlite' ), { legacyStatsSite: SITE.id, fold: FOLD } );
		await store.insertChat( record( A ) );
		await store.insertChat( record( B ) );
		for ( let i = 1; i <= 4; i++ ) await store.appendMessage( { chatId: A, from: 'visitor', text: `a${ i }`, at: i } );
		for ( let i = 1; i <= 8; i++ ) await store.appendMessage( { chatId: B, from: 'visitor', text: `b${ i }`, at: i } );
		await fold();
		// B holds the highest ids, all folded; once B is gone, new rows may get B's old ids.
		await store.deleteChat( B );
		await store.insertChat( record( C ) );
		// In one commit: a message of C, and the deletion of A (whose rows are folded).
		const written = store.appendMessage( { chatId: C, from: 'visitor', text: 'c1', at: 9 } );
		await Promise.all( [ written, store.deleteChat( A ) ] );
		await store.appendMessage( { chatId: C, from: 'visitor', text: 'c2', at: 10 } );
		expect( ( await store.messagesAfter( C, 0 ) ).map( ( m ) => m.text ) ).toEqual( [ 'c1', 'c2' ] );
		expect( await store.lastSeq( C ) ).toBe( 2 );
		expect( await store.messagesAfter( A, 0 ) ).toEqual( [] );
		expect( await store.messagesAfter( B, 0 ) ).toEqual( [] );
		// Deleting C, whose rows sit below the old fold mark, removes them too.
		await store.insertChat( record( B.replace( /6/g, '8' ) ) );
		await store.deleteChat( C );
		store.close();
		const db = new Database( join( dir, 'chats.sqlite' ), { readonly: true } );
		expect( db.prepare( 'SELECT COUNT(*) FROM messages' ).pluck().get() ).toBe( 0 );
		expect( db.prepare( 'SELECT COUNT(*) FROM message_index' ).pluck().get() ).toBe( 0 );
		db.close();
	} );

	test( 'the retention purge deletes folded and unfolded messages of its chats, and their index entries', async () => {
		const store = new SqliteStore( join( dir, 'chats.sqlite' ), { legacyStatsSite: SITE.id, fold: FOLD } );
		await store.insertChat( record( A ) );
		await store.insertChat( record( B ) );
		for ( let i = 1; i <= 12; i++ ) await store.appendMessage( { chatId: i % 2 ? A : B, from: 'visitor', text: `t${ i }`, at: i } );
		await fold(); // the first 8 (4 of each chat); the rest are the tail
		for ( let i = 7; i <= 9; i++ ) await store.appendMessage( { chatId: A, from: 'visitor', text: `tail${ i }`, at: i } );
		await store.setStatus( A, 'closed', 100 );
		expect( ( await store.messagesAfter( A, 0 ) ).map( ( m ) => m.seq ) ).toEqual( [ 1, 2, 3, 4, 5, 6, 7, 8, 9 ] );
		expect( await store.purgeClosedBefore( SITE.id, 200 ) ).toBe( 1 );
		expect( await store.messagesAfter( A, 0 ) ).toEqual( [] );
		expect( ( await store.messagesAfter( B, 0 ) ).map( ( m ) => m.text ) ).toEqual( [ 't2', 't4', 't6', 't8', 't10', 't12' ] );
		store.close();
		const db = new Database( join( dir, 'chats.sqlite' ), { readonly: true } );
		expect( db.prepare( 'SELECT COUNT(*) FROM messages' ).pluck().get() ).toBe( 6 );
		// A (rid 1) had folded rows and a tail; B's index entries stay.
		expect( db.prepare( 'SELECT chat, COUNT(*) AS n FROM message_index GROUP BY chat' ).all() ).toEqual( [ { chat: 2, n: 4 } ] );
		db.close();
	} );
} );

describe( 'SIGKILL', () => {
	const services: ChildService[] = [];
	afterAll( async () => {
		for ( const s of services ) await s.remove();
	} );
	const config = { sites: [ SITE ], store: FOLD };

	test( 'after a SIGKILL with an unfolded tail the chat resumes whole and numbering goes on; start-up folds the tail', async () => {
		const first = await spawnService( config );
		services.push( first );
		const file = join( first.dataDir, 'chats.sqlite' );
		const { c: agent } = await hello( first, 'agent', 'wp:1' );
		agent.send( { type: 'presence', online: true } );
		const { c: visitor } = await hello( first, 'visitor', 'v1' );
		visitor.send( { type: 'start', clientId: 'c0', text: 'm0' } );
		const { chat, code } = await visitor.next( 'started' );
		await visitor.next( 'message', ( m ) => m.event === 'agent_joined' );
		for ( let i = 1; i <= 12; i++ ) {
			const who = i % 2 ? visitor : agent;
			who.send( { type: 'send', chatId: chat.id, clientId: `k${ i }`, text: `m${ i }` } );
			await who.acked( `k${ i }` );
		}
		await until( () => foldState( file ).upTo > 0 );
		first.process.kill( 'SIGKILL' );
		await first.exited;
		const left = foldState( file );
		expect( left.maxId ).toBeGreaterThan( left.upTo ); // an unfolded tail, as the crash left it

		const second = await spawnService( config, first.dataDir );
		services.push( second );
		const resumed = await hello( second, 'visitor', 'v1-again', { chatId: chat.id, code, lastSeq: 0 } );
		const lastSeq = resumed.welcome.chats[ 0 ].lastSeq;
		const texts: string[] = [];
		const seqs: number[] = [];
		while ( seqs.length < lastSeq ) {
			const m = await resumed.c.next( 'message', ( f ) => f.chatId === chat.id );
			seqs.push( m.seq );
			texts.push( m.text );
		}
		expect( seqs ).toEqual( Array.from( { length: lastSeq }, ( _, i ) => i + 1 ) );
		expect( texts.filter( ( t ) => /^m\d+$/.test( t ) ) ).toEqual( Array.from( { length: 13 }, ( _, i ) => `m${ i }` ) );
		// A resend of an acknowledged message from the tail is recognised; new ones go on numbering.
		resumed.c.send( { type: 'send', chatId: chat.id, clientId: 'k11', text: 'm11' } );
		expect( ( await resumed.c.next( 'ack', ( a ) => a.clientId === 'k11' ) ).seq ).toBe( seqs[ texts.indexOf( 'm11' ) ] );
		for ( let i = 13; i <= 20; i++ ) {
			resumed.c.send( { type: 'send', chatId: chat.id, clientId: `k${ i }`, text: `m${ i }` } );
			expect( await resumed.c.acked( `k${ i }` ) ).toBe( lastSeq + i - 12 );
		}
		// Start-up folded what the crash left (nothing to repair, only derived data to add).
		expect( foldState( file ).upTo ).toBeGreaterThanOrEqual( left.maxId );
		resumed.c.close();
		agent.close();
	} );
} );
