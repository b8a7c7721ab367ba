/**
 * The ChatStore contract: what every engine must do, written against the
 * interface only (server/store/types.ts, whose doc comment states the
 * promises tested here). An engine's test file calls chatStoreContract()
 * with a harness that opens its store on fresh storage; see
 * tests/unit/store/sqlite.contract.test.ts. Assignment and cluster-once
 * jobs are in assignment.contract.ts, which this runs too.
 */
import { randomUUID } from 'node:crypto';
import type { ChatMessage } from '../../server/protocol';
import type { ChatRecord, ChatStore, ContactSubmission, NewMessage } from '../../server/store/types';
import { HOUR_MS } from '../../server/store/types';
import { assignmentContract } from './assignment.contract';

export interface StoreHarness {
	/**
	 * Opens a store on this harness's storage. Called again, it opens another
	 * store on the same storage, whether or not the earlier one was closed
	 * (left open, it stands for a process that died: nothing it has not
	 * resolved may be relied on).
	 */
	open(): Promise< ChatStore >;
	/**
	 * Everything the engine keeps on disk, as text, for "no trace left"
	 * checks after a deletion has resolved. Optional: an engine that cannot
	 * show its files skips those checks.
	 */
	files?(): string;
	/** Closes whatever open() opened and removes the storage. */
	cleanup(): Promise< void >;
}

export const T0 = 1_700_000_000_000;
let made = 0;

export const chatRecord = ( over: Partial< ChatRecord > = {} ): ChatRecord => {
	made++;
	return {
		id: randomUUID(),
		site: 'alpha',
		codeHash: `code-${ made }`,
		mode: 'stored',
		dept: null,
		status: 'waiting',
		createdAt: T0 + made,
		closedAt: null,
		keep: false,
		visitorSub: `visitor-${ made }`,
		visitorName: null,
		agentSub: null,
		agentName: null,
		from: null,
		consentVersion: null,
		...over,
	};
};

export const message = ( chatId: string, text: string, extra: Partial< NewMessage > = {} ): NewMessage => ( {
	chatId,
	from: 'visitor',
	text,
	at: T0 + 1000,
	...extra,
} );

const contact = ( over: Partial< ContactSubmission > = {} ): ContactSubmission => ( {
	id: randomUUID(),
	site: 'alpha',
	createdAt: T0,
	dept: null,
	lang: 'en_US',
	fields: { name: 'Ada', message: 'call me' },
	consents: [ { id: 'privacy', version: '1', text: 'I agree' } ],
	...over,
} );

/** Settles the promises, recording the order they settled in (by index). */
export async function settleOrder( promises: Array< Promise< unknown > > ): Promise< number[] > {
	const order: number[] = [];
	await Promise.allSettled( promises.map( ( p, i ) => p.then( () => order.push( i ), () => order.push( i ) ) ) );
	return order;
}

const seqs = ( messages: ChatMessage[] ): number[] => messages.map( ( m ) => m.seq );
const oneTo = ( n: number ): number[] => Array.from( { length: n }, ( _, i ) => i + 1 );

export function chatStoreContract( engine: string, makeHarness: () => Promise< StoreHarness > ): void {
	describe( `ChatStore contract: ${ engine }`, () => {
		let harness: StoreHarness;
		let store: ChatStore;
		beforeEach( async () => {
			harness = await makeHarness();
			store = await harness.open();
		} );
		afterEach( () => harness.cleanup() );

		/** Closes the store and opens it again on the same storage. */
		const reopen = async (): Promise< ChatStore > => {
			await store.close();
			store = await harness.open();
			return store;
		};

		describe( 'chats', () => {
			test( 'a chat reads back as written; status changes, agent, department and keep are recorded', async () => {
				const chat = chatRecord( { dept: 'sales', visitorName: 'Ada', from: 'app', consentVersion: 'v2' } );
				await store.insertChat( chat );
				expect( await store.getChat( chat.id ) ).toEqual( chat );
				expect( await store.findByCode( 'alpha', chat.codeHash ) ).toEqual( chat );
				expect( await store.findByCode( 'beta', chat.codeHash ) ).toBeUndefined();

				await store.setStatus( chat.id, 'active', T0 + 10, { agent: { sub: 'wp:1', name: 'Ann' } } );
				await store.setStatus( chat.id, 'waiting', T0 + 20, { agent: null, dept: 'support' } );
				await store.setKeep( chat.id, true );
				await store.setStatus( chat.id, 'closed', T0 + 30 );
				expect( await store.getChat( chat.id ) ).toEqual( {
					...chat, status: 'closed', closedAt: T0 + 30, dept: 'support', agentSub: null, agentName: null, keep: true,
				} );
				expect( await store.statusHistory( chat.id ) ).toEqual( [
					{ status: 'waiting', at: chat.createdAt },
					{ status: 'active', at: T0 + 10 },
					{ status: 'waiting', at: T0 + 20 },
					{ status: 'closed', at: T0 + 30 },
				] );
			} );

			test( 'open chats, oldest first; when an agent was last freed', async () => {
				const a = chatRecord( { createdAt: T0 + 2 } );
				const b = chatRecord( { createdAt: T0 + 1 } );
				const c = chatRecord( { createdAt: T0 + 3 } );
				for ( const r of [ a, b, c ] ) await store.insertChat( r );
				await store.setStatus( a.id, 'active', T0 + 5, { agent: { sub: 'wp:1', name: 'Ann' } } );
				await store.setStatus( a.id, 'closed', T0 + 50 );
				expect( ( await store.openChats() ).map( ( r ) => r.id ) ).toEqual( [ b.id, c.id ] );
				expect( await store.lastChatEnd( 'alpha', 'wp:1' ) ).toBe( T0 + 50 );
				expect( await store.lastChatEnd( 'alpha', 'wp:2' ) ).toBe( 0 );
				expect( await store.lastChatEnd( 'beta', 'wp:1' ) ).toBe( 0 );
			} );
		} );

		describe( 'messages and their numbers', () => {
			test( 'numbered 1, 2, 3… in call order; every field reads back; reads start after any number', async () => {
				const chat = chatRecord();
				// Not awaited: a write sees every write called before it.
				const inserted = store.insertChat( chat );
				const written = [
					message( chat.id, 'hello "quoted" \\ ünïcödé ✓', { clientId: 'c1' } ),
					message( chat.id, '', { dialog: 'prechat', fields: { name: 'Ada', email: 'ada@example.org' } } ),
					message( chat.id, '', { from: 'system', event: 'agent_joined', name: 'Ann' } ),
					message( chat.id, 'Which one?', { from: 'agent', name: 'Ann', clientId: 'a1', options: [ 'Parcel', 'Letter' ] } ),
				];
				const numbers = await Promise.all( [ inserted, ...written.map( ( m ) => store.appendMessage( m ) ) ] );
				expect( numbers.slice( 1 ) ).toEqual( [ 1, 2, 3, 4 ] );
				const expected = written.map( ( m, i ) => ( { ...m, seq: i + 1 } ) );
				expect( await store.messagesAfter( chat.id, 0 ) ).toEqual( expected );
				expect( await store.messagesAfter( chat.id, 2 ) ).toEqual( expected.slice( 2 ) );
				expect( await store.messagesAfter( chat.id, 4 ) ).toEqual( [] );
				expect( await store.lastSeq( chat.id ) ).toBe( 4 );
				// A later turn goes on from there.
				expect( await store.appendMessage( message( chat.id, 'later' ) ) ).toBe( 5 );
				expect( await store.lastSeq( chat.id ) ).toBe( 5 );
				expect( await store.messagesAfter( randomUUID(), 0 ) ).toEqual( [] );
				expect( await store.lastSeq( randomUUID() ) ).toBe( 0 );
			} );

			test( 'many concurrent appends to many chats: each chat numbered 1..n, no gap, no duplicate', async () => {
				const chats = Array.from( { length: 25 }, () => chatRecord() );
				await Promise.all( chats.map( ( c ) => store.insertChat( c ) ) );
				const per = 40;
				const calls: Array< { chat: number; text: string; seq: Promise< number > } > = [];
				// Three waves: two in one turn each, and one spread over several turns.
				const wave = ( from: number, to: number ): void => {
					for ( let i = from; i < to; i++ ) {
						for ( let c = 0; c < chats.length; c++ ) {
							const k = ( c * 7 + i ) % chats.length; // interleaved, not chat by chat
							const text = `chat ${ k } message ${ i }`;
							calls.push( { chat: k, text, seq: store.appendMessage( message( chats[ k ].id, text ) ) } );
						}
					}
				};
				wave( 0, 15 );
				wave( 15, 30 );
				for ( let i = 30; i < per; i++ ) {
					wave( i, i + 1 );
					await new Promise( ( r ) => setImmediate( r ) );
				}
				const got = await Promise.all( calls.map( ( c ) => c.seq ) );
				for ( let c = 0; c < chats.length; c++ ) {
					const mine = calls.map( ( call, i ) => ( { ...call, got: got[ i ] } ) ).filter( ( call ) => call.chat === c );
					// In call order, exactly 1..n.
					expect( mine.map( ( m ) => m.got ) ).toEqual( oneTo( per ) );
					const stored = await store.messagesAfter( chats[ c ].id, 0 );
					expect( seqs( stored ) ).toEqual( oneTo( per ) );
					expect( stored.map( ( m ) => m.text ) ).toEqual( mine.map( ( m ) => m.text ) );
				}
			} );

			test( 'writes settle in call order, across chats and kinds of write', async () => {
				const a = chatRecord();
				const b = chatRecord();
				const calls: Array< Promise< unknown > > = [
					store.insertChat( a ),
					store.appendMessage( message( a.id, 'a1' ) ),
					store.insertChat( b ),
					store.appendMessage( message( b.id, 'b1' ) ),
					store.setStatus( a.id, 'active', T0 + 5 ),
					store.appendMessage( message( a.id, 'a2' ) ),
					store.insertContact( contact() ),
					store.appendMessage( message( b.id, 'b2' ) ),
					store.setKeep( b.id, true ),
					store.flush(),
				];
				expect( await settleOrder( calls ) ).toEqual( calls.map( ( _, i ) => i ) );
			} );

			test( 'a failing write fails alone and takes no number; the writes around it go through', async () => {
				const chat = chatRecord();
				const gone = chatRecord();
				await store.insertChat( chat );
				await store.insertChat( gone );
				await store.appendMessage( message( chat.id, 'one' ) );
				// One turn: good writes around writes that must fail (no such chat, a chat deleted
				// just before, an id that exists), and the deleted chat's message before its deletion.
				const calls = [
					store.appendMessage( message( chat.id, 'two' ) ),
					store.appendMessage( message( randomUUID(), 'to nowhere' ) ),
					store.appendMessage( message( gone.id, 'last words' ) ),
					store.deleteChat( gone.id ),
					store.appendMessage( message( gone.id, 'after the end' ) ),
					store.insertChat( { ...chatRecord(), id: chat.id } ),
					store.appendMessage( message( chat.id, 'three' ) ),
				];
				const outcomes = await Promise.allSettled( calls );
				expect( outcomes.map( ( o ) => o.status ) ).toEqual( [
					'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled',
				] );
				expect( ( outcomes[ 0 ] as PromiseFulfilledResult< number > ).value ).toBe( 2 );
				expect( ( outcomes[ 6 ] as PromiseFulfilledResult< number > ).value ).toBe( 3 );
				// The chat whose id was offered again is untouched, and numbering goes on without a hole.
				expect( await store.getChat( chat.id ) ).toEqual( chat );
				expect( await store.appendMessage( message( chat.id, 'four' ) ) ).toBe( 4 );
				const stored = await store.messagesAfter( chat.id, 0 );
				expect( stored.map( ( m ) => [ m.seq, m.text ] ) ).toEqual( [ [ 1, 'one' ], [ 2, 'two' ], [ 3, 'three' ], [ 4, 'four' ] ] );
				expect( await store.getChat( gone.id ) ).toBeUndefined();
				expect( await store.messagesAfter( gone.id, 0 ) ).toEqual( [] );
			} );
		} );

		describe( 'durability', () => {
			test( 'what resolved is there after closing and opening again, and numbering goes on', async () => {
				const chat = chatRecord();
				await store.insertChat( chat );
				for ( let i = 1; i <= 3; i++ ) await store.appendMessage( message( chat.id, `m${ i }` ) );
				await store.setStatus( chat.id, 'active', T0 + 9, { agent: { sub: 'wp:1', name: 'Ann' } } );
				await store.insertContact( contact( { id: 'kept-contact' } ) );
				// Called but not awaited: close() writes what is queued and settles it.
				const queued = store.appendMessage( message( chat.id, 'm4' ) );
				await reopen();
				expect( await queued ).toBe( 4 );
				expect( ( await store.messagesAfter( chat.id, 0 ) ).map( ( m ) => m.text ) ).toEqual( [ 'm1', 'm2', 'm3', 'm4' ] );
				expect( await store.getChat( chat.id ) ).toMatchObject( { status: 'active', agentSub: 'wp:1' } );
				expect( ( await store.contacts( 'alpha' ) ).map( ( c ) => c.id ) ).toEqual( [ 'kept-contact' ] );
				expect( await store.appendMessage( message( chat.id, 'm5' ) ) ).toBe( 5 );
			} );

			test( 'what resolved is there for a store opened while the first was never closed (as after a crash)', async () => {
				const chat = chatRecord();
				await store.insertChat( chat );
				await store.appendMessage( message( chat.id, 'acknowledged' ) );
				const abandoned = store;
				const other = await harness.open();
				expect( await other.getChat( chat.id ) ).toEqual( chat );
				expect( ( await other.messagesAfter( chat.id, 0 ) ).map( ( m ) => [ m.seq, m.text ] ) ).toEqual( [ [ 1, 'acknowledged' ] ] );
				expect( abandoned ).not.toBe( other );
			} );
		} );

		describe( 'deletion', () => {
			test( 'deleting a chat leaves nothing of it: record, messages, history, search, and its text in the files', async () => {
				const chat = chatRecord( { visitorName: 'Grace' } );
				const neighbour = chatRecord();
				await store.insertChat( chat );
				await store.insertChat( neighbour );
				await store.appendMessage( message( chat.id, '', { dialog: 'prechat', fields: { email: 'grace@example.org' } } ) );
				await store.appendMessage( message( chat.id, 'delete-me-secret-text' ) );
				await store.appendMessage( message( neighbour.id, 'neighbour-text' ) );
				await store.setStatus( chat.id, 'active', T0 + 5 );
				await store.deleteChat( chat.id );

				expect( await store.getChat( chat.id ) ).toBeUndefined();
				expect( await store.findByCode( 'alpha', chat.codeHash ) ).toBeUndefined();
				expect( await store.messagesAfter( chat.id, 0 ) ).toEqual( [] );
				expect( await store.lastSeq( chat.id ) ).toBe( 0 );
				expect( await store.statusHistory( chat.id ) ).toEqual( [] );
				expect( ( await store.openChats() ).map( ( r ) => r.id ) ).toEqual( [ neighbour.id ] );
				expect( ( await store.findByEmail( 'alpha', 'grace@example.org' ) ).chats ).toEqual( [] );
				await expect( store.appendMessage( message( chat.id, 'too late' ) ) ).rejects.toThrow();
				expect( ( await store.messagesAfter( neighbour.id, 0 ) ).map( ( m ) => m.text ) ).toEqual( [ 'neighbour-text' ] );
				await store.deleteChat( chat.id ); // deleting what is gone is no error
				if ( harness.files ) {
					const files = harness.files();
					expect( files ).not.toContain( 'delete-me-secret-text' );
					expect( files ).not.toContain( 'grace@example.org' );
					expect( files ).toContain( 'neighbour-text' ); // the search would find text that is there
				}
			} );

			test( "retention deletes a site's closed, unkept chats closed before the cutoff, and nothing else", async () => {
				const old = chatRecord();
				const kept = chatRecord();
				const recent = chatRecord();
				const running = chatRecord();
				const otherSite = chatRecord( { site: 'beta' } );
				for ( const r of [ old, kept, recent, running, otherSite ] ) {
					await store.insertChat( r );
					await store.appendMessage( message( r.id, `text of ${ r.codeHash }` ) );
				}
				await store.setKeep( kept.id, true );
				for ( const r of [ old, kept, otherSite ] ) await store.setStatus( r.id, 'closed', T0 + 100 );
				await store.setStatus( recent.id, 'closed', T0 + 300 );
				expect( await store.purgeClosedBefore( 'alpha', T0 + 200 ) ).toBe( 1 );
				expect( await store.getChat( old.id ) ).toBeUndefined();
				expect( await store.messagesAfter( old.id, 0 ) ).toEqual( [] );
				for ( const r of [ kept, recent, running, otherSite ] ) {
					expect( ( await store.messagesAfter( r.id, 0 ) ).map( ( m ) => m.text ) ).toEqual( [ `text of ${ r.codeHash }` ] );
				}
				expect( await store.purgeClosedBefore( 'alpha', T0 + 200 ) ).toBe( 0 );
				if ( harness.files ) expect( harness.files() ).not.toContain( `text of ${ old.codeHash }` );
			} );

			test( 'a deleted contact-form submission is gone, from the list, the search and the files', async () => {
				const gone = contact( { fields: { email: 'gone@example.org', message: 'contact-secret-text' } } );
				const stays = contact( { fields: { email: 'stays@example.org' } } );
				await store.insertContact( gone );
				await store.insertContact( stays );
				await store.deleteContact( gone.id );
				expect( ( await store.contacts( 'alpha' ) ).map( ( c ) => c.id ) ).toEqual( [ stays.id ] );
				expect( ( await store.findByEmail( 'alpha', 'gone@example.org' ) ).contacts ).toEqual( [] );
				if ( harness.files ) expect( harness.files() ).not.toContain( 'contact-secret-text' );
			} );
		} );

		describe( 'statistics', () => {
			test( 'counted per site and hour, by hour then kind; a read sees every count so far; they outlive the chats and a restart', async () => {
				const h = Math.floor( T0 / HOUR_MS ) * HOUR_MS;
				store.bumpStat( 'alpha', 'message_received', h + 5 );
				store.bumpStat( 'alpha', 'message_received', h + HOUR_MS - 1 );
				store.bumpStat( 'alpha', 'chat_started', h + 1 );
				store.bumpStat( 'beta', 'message_received', h + 7 );
				store.bumpStat( 'alpha', 'message_sent', h + HOUR_MS ); // the next hour
				store.bumpStat( 'alpha', 'chat_ended', h + 3 * HOUR_MS ); // outside the range asked for below
				const expected = [
					{ hour: h, kind: 'chat_started', count: 1 },
					{ hour: h, kind: 'message_received', count: 2 },
					{ hour: h + HOUR_MS, kind: 'message_sent', count: 1 },
				];
				// Right away, before anything was written.
				expect( await store.stats( 'alpha', h, h + 2 * HOUR_MS ) ).toEqual( expected );
				expect( await store.stats( 'beta', h, h + 2 * HOUR_MS ) ).toEqual( [ { hour: h, kind: 'message_received', count: 1 } ] );
				expect( await store.stats( 'gamma', h, h + 2 * HOUR_MS ) ).toEqual( [] );

				// Written with a batch, then counted on: written and unwritten counts add up.
				const chat = chatRecord();
				await store.insertChat( chat );
				store.bumpStat( 'alpha', 'message_received', h + 10 );
				expected[ 1 ].count = 3;
				expect( await store.stats( 'alpha', h, h + 2 * HOUR_MS ) ).toEqual( expected );

				await store.deleteChat( chat.id );
				await reopen();
				expect( await store.stats( 'alpha', h, h + 2 * HOUR_MS ) ).toEqual( expected );
				expect( await store.stats( 'alpha', h + 3 * HOUR_MS, h + 3 * HOUR_MS ) ).toEqual( [ { hour: h + 3 * HOUR_MS, kind: 'chat_ended', count: 1 } ] );
			} );
		} );

		describe( 'contacts and the e-mail search', () => {
			test( "a site's submissions, newest first; by e-mail (any case) its submissions and the stored chats whose pre-chat form gave it", async () => {
				const older = contact( { createdAt: T0 + 1, fields: { email: 'Ada@Example.org' } } );
				const newer = contact( { createdAt: T0 + 2, fields: { name: 'Ada', mail: 'ada@example.org' } } );
				const unrelated = contact( { createdAt: T0 + 3, fields: { email: 'bob@example.org' } } );
				const elsewhere = contact( { site: 'beta', fields: { email: 'ada@example.org' } } );
				for ( const c of [ older, newer, unrelated, elsewhere ] ) await store.insertContact( c );
				expect( await store.contacts( 'alpha' ) ).toEqual( [ unrelated, newer, older ] );
				expect( await store.contacts( 'beta' ) ).toEqual( [ elsewhere ] );

				const withForm = chatRecord( { createdAt: T0 + 1 } );
				const laterForm = chatRecord( { createdAt: T0 + 2 } );
				const inText = chatRecord();
				const otherSite = chatRecord( { site: 'beta' } );
				for ( const r of [ withForm, laterForm, inText, otherSite ] ) await store.insertChat( r );
				await store.appendMessage( message( withForm.id, 'hello' ) );
				await store.appendMessage( message( withForm.id, '', { dialog: 'prechat', fields: { email: 'ADA@example.org' } } ) );
				await store.appendMessage( message( laterForm.id, '', { dialog: 'prechat', fields: { name: 'Ada', email: 'ada@example.org' } } ) );
				await store.appendMessage( message( inText.id, 'write to ada@example.org' ) );
				await store.appendMessage( message( inText.id, '', { dialog: 'survey', fields: { email: 'ada@example.org' } } ) );
				await store.appendMessage( message( otherSite.id, '', { dialog: 'prechat', fields: { email: 'ada@example.org' } } ) );

				const found = await store.findByEmail( 'alpha', 'ada@EXAMPLE.org' );
				expect( found.contacts ).toEqual( [ older, newer ] );
				expect( found.chats ).toEqual( [ withForm, laterForm ] );
				expect( await store.findByEmail( 'alpha', 'nobody@example.org' ) ).toEqual( { contacts: [], chats: [] } );
			} );
		} );

		describe( 'housekeeping', () => {
			test( 'flush resolves once what was called before is durable; a healthy store is writable', async () => {
				const chat = chatRecord();
				void store.insertChat( chat );
				await store.flush();
				expect( await store.getChat( chat.id ) ).toEqual( chat );
				await expect( store.checkWritable() ).resolves.toBeUndefined();
			} );
		} );
	} );

	assignmentContract( engine, makeHarness );
}
