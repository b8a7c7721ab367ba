/**
 * The ChatStore contract, continued: assignment (`assign`, the compare-and-set
 * the routing gives chats through) and cluster-once jobs (`exclusive`), as
 * types.ts states them, through the interface only. chatStoreContract()
 * runs this with the engine's harness; what only several processes can show
 * (two nodes racing) is the engine's own test (for PostgreSQL:
 * tests/integration/postgres-assign.test.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Assignment, ChatStore } from '../../server/store/types';
import { chatRecord, settleOrder, T0, type StoreHarness } from './chat-store.contract';

const ann = { sub: 'wp:1', name: 'Ann' };
const bob = { sub: 'wp:2', name: 'Bob' };

/** An assignment to `agent` with room for `maxChats`, as 'active' at T0 + 10, unless told otherwise. */
const to = ( agent: { sub: string; name: string }, maxChats: number, over: Partial< Assignment > = {} ): Assignment => ( {
	agent,
	maxChats,
	status: 'active',
	at: T0 + 10,
	...over,
} );

export function assignmentContract( engine: string, makeHarness: () => Promise< StoreHarness > ): void {
	describe( `ChatStore contract, assignment and cluster-once jobs: ${ engine }`, () => {
		let harness: StoreHarness;
		let store: ChatStore;
		beforeEach( async () => {
			harness = await makeHarness();
			store = await harness.open();
		} );
		afterEach( () => harness.cleanup() );

		/** Inserts waiting chats (of site alpha unless told). */
		const waiting = async ( n: number, site = 'alpha' ): Promise< string[] > => {
			const ids: string[] = [];
			for ( let i = 0; i < n; i++ ) {
				const chat = chatRecord( { site } );
				await store.insertChat( chat );
				ids.push( chat.id );
			}
			return ids;
		};

		describe( 'assign', () => {
			test( 'gives a waiting chat once: the agent and status are recorded, with a history entry, durably; after that it is taken', async () => {
				const [ chat, other ] = await waiting( 2 );
				expect( await store.assign( chat, to( ann, 2 ) ) ).toBe( 'assigned' );
				expect( await store.assign( chat, to( bob, 2 ) ) ).toBe( 'taken' );
				expect( await store.assign( chat, to( ann, 2 ) ) ).toBe( 'taken' );
				expect( await store.assign( other, to( bob, 2, { status: 'away', at: T0 + 20 } ) ) ).toBe( 'assigned' );

				await store.close();
				store = await harness.open();
				expect( await store.getChat( chat ) ).toMatchObject( { status: 'active', agentSub: 'wp:1', agentName: 'Ann', closedAt: null } );
				expect( await store.getChat( other ) ).toMatchObject( { status: 'away', agentSub: 'wp:2', agentName: 'Bob' } );
				expect( ( await store.statusHistory( chat ) ).slice( 1 ) ).toEqual( [ { status: 'active', at: T0 + 10 } ] );
				expect( ( await store.statusHistory( other ) ).slice( 1 ) ).toEqual( [ { status: 'away', at: T0 + 20 } ] );
			} );

			test( "the limit counts the agent's open chats of the chat's site in the store, and nothing else", async () => {
				const [ mine, closed, byStatus, first, second, third ] = await waiting( 6 );
				const [ elsewhere, elsewhere2 ] = await waiting( 2, 'beta' );
				const [ bobs ] = await waiting( 1 );
				expect( await store.assign( mine, to( ann, 9 ) ) ).toBe( 'assigned' );
				expect( await store.assign( closed, to( ann, 9 ) ) ).toBe( 'assigned' );
				await store.setStatus( closed, 'closed', T0 + 11 );
				expect( await store.assign( elsewhere, to( ann, 9 ) ) ).toBe( 'assigned' );
				expect( await store.assign( bobs, to( bob, 9 ) ) ).toBe( 'assigned' );
				// However a chat became the agent's, it is in the count.
				await store.setStatus( byStatus, 'away', T0 + 12, { agent: ann } );

				// Ann holds two open chats of alpha (mine, byStatus): not the closed one, Bob's, or beta's.
				expect( await store.assign( first, to( ann, 2 ) ) ).toBe( 'limit' );
				expect( await store.assign( first, to( ann, 3 ) ) ).toBe( 'assigned' );
				expect( await store.assign( second, to( ann, 3 ) ) ).toBe( 'limit' );
				expect( await store.assign( second, to( bob, 0 ) ) ).toBe( 'limit' );
				// 'limit' changed nothing.
				expect( await store.getChat( second ) ).toMatchObject( { status: 'waiting', agentSub: null } );
				expect( await store.statusHistory( second ) ).toHaveLength( 1 );
				// Beta counts apart: one there.
				expect( await store.assign( elsewhere2, to( ann, 2 ) ) ).toBe( 'assigned' );

				// A chat that ends frees its place; one handed back to the queue too.
				await store.setStatus( mine, 'closed', T0 + 13 );
				expect( await store.assign( second, to( ann, 3 ) ) ).toBe( 'assigned' );
				await store.setStatus( first, 'waiting', T0 + 14, { agent: null } );
				expect( await store.assign( third, to( ann, 3 ) ) ).toBe( 'assigned' );
				expect( await store.assign( first, to( ann, 3 ) ) ).toBe( 'limit' );
				expect( ( await store.statusHistory( first ) ).map( ( e ) => e.status ) ).toEqual( [ 'waiting', 'active', 'waiting' ] );
			} );

			test( 'a transfer: only from the agent that holds the open chat, and only under the new agent’s limit', async () => {
				const [ chat, full, queued, ended ] = await waiting( 4 );
				for ( const id of [ chat, full, ended ] ) expect( await store.assign( id, to( ann, 9 ) ) ).toBe( 'assigned' );
				await store.setStatus( ended, 'closed', T0 + 11 );

				expect( await store.assign( chat, to( bob, 1, { from: 'wp:1', status: 'away', at: T0 + 20 } ) ) ).toBe( 'assigned' );
				expect( await store.getChat( chat ) ).toMatchObject( { status: 'away', agentSub: 'wp:2', agentName: 'Bob' } );
				expect( ( await store.statusHistory( chat ) ).map( ( e ) => e.status ) ).toEqual( [ 'waiting', 'active', 'away' ] );
				// Ann no longer holds it: a second transfer from her, or a take as if it were waiting, is too late.
				expect( await store.assign( chat, to( ann, 9, { from: 'wp:1' } ) ) ).toBe( 'taken' );
				expect( await store.assign( chat, to( ann, 9 ) ) ).toBe( 'taken' );
				// Bob is at his limit of 1: the chat stays Ann's.
				expect( await store.assign( full, to( bob, 1, { from: 'wp:1' } ) ) ).toBe( 'limit' );
				expect( await store.getChat( full ) ).toMatchObject( { status: 'active', agentSub: 'wp:1' } );
				expect( await store.assign( full, to( bob, 2, { from: 'wp:1' } ) ) ).toBe( 'assigned' );
				// From an agent, a waiting chat or an ended one is not there.
				expect( await store.assign( queued, to( bob, 9, { from: 'wp:1' } ) ) ).toBe( 'taken' );
				expect( await store.assign( ended, to( bob, 9, { from: 'wp:1' } ) ) ).toBe( 'taken' );
				expect( await store.getChat( ended ) ).toMatchObject( { status: 'closed', agentSub: 'wp:1' } );
			} );

			test( 'a write like the others: applied and settled in call order, so assignments called in one turn see each other', async () => {
				const a = chatRecord();
				const b = chatRecord();
				const calls = [
					store.insertChat( a ),
					store.insertChat( b ),
					store.assign( a.id, to( ann, 1 ) ),
					store.assign( a.id, to( bob, 1 ) ),
					store.assign( b.id, to( ann, 1 ) ),
					store.setStatus( a.id, 'closed', T0 + 30 ),
					store.assign( b.id, to( ann, 1 ) ),
					store.flush(),
				];
				expect( await settleOrder( calls ) ).toEqual( calls.map( ( _, i ) => i ) );
				expect( await Promise.all( calls.slice( 2, 7 ) ) ).toEqual( [ 'assigned', 'taken', 'limit', undefined, 'assigned' ] );
				expect( await store.getChat( b.id ) ).toMatchObject( { agentSub: 'wp:1', status: 'active' } );
			} );

			test( 'an assignment that cannot be made fails alone, with a typed error; the writes around it go through', async () => {
				const [ chat ] = await waiting( 1 );
				const calls = [
					store.assign( randomUUID(), to( ann, 1 ) ),
					store.assign( chat, to( ann, -1 ) ),
					store.assign( chat, to( ann, 1.5 ) ),
					store.assign( chat, to( ann, 1, { status: 'closed' as 'active' } ) ),
					store.assign( chat, to( ann, 1 ) ),
				];
				const outcomes = await Promise.allSettled( calls );
				expect( outcomes.map( ( o ) => ( o.status === 'fulfilled' ? o.value : ( o.reason as { code?: string } ).code ) ) ).toEqual( [
					'no_such_chat', 'store_input', 'store_input', 'store_input', 'assigned',
				] );
				expect( await store.statusHistory( chat ) ).toHaveLength( 2 );
			} );
		} );

		describe( 'exclusive', () => {
			test( 'runs the job; the same name is refused while it runs, another name is not; a failing job rejects and frees its name', async () => {
				let entered!: () => void;
				let release!: () => void;
				const inside = new Promise< void >( ( r ) => ( entered = r ) );
				const gate = new Promise< void >( ( r ) => ( release = r ) );
				const ran: string[] = [];
				const first = store.exclusive( 'purge', async () => {
					entered();
					await gate;
					ran.push( 'first' );
				} );
				await inside;
				expect( await store.exclusive( 'purge', async () => void ran.push( 'second' ) ) ).toBe( false );
				expect( await store.exclusive( 'sweep', async () => void ran.push( 'other' ) ) ).toBe( true );
				release();
				expect( await first ).toBe( true );
				expect( await store.exclusive( 'purge', async () => void ran.push( 'third' ) ) ).toBe( true );
				expect( ran ).toEqual( [ 'other', 'first', 'third' ] );

				await expect( store.exclusive( 'purge', async () => Promise.reject( new Error( 'job failed' ) ) ) ).rejects.toThrow( 'job failed' );
				expect( await store.exclusive( 'purge', async () => void ran.push( 'after the failure' ) ) ).toBe( true );
				expect( ran ).toHaveLength( 4 );
			} );
		} );
	} );
}
