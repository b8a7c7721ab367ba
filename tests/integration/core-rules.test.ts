/**
 * Rules of the chat core that hold whatever the path (server/chats/): the
 * history reaches an agent once per assignment, and a status change whose
 * write fails leaves memory as the store has it.
 */
import type { ChatStore } from '../../server/store/types';
import { startTestService, type TestService } from '../helpers/service';
import type { TestClient } from '../helpers/ws-client';

let svc: TestService;
const open: TestClient[] = [];
afterEach( async () => {
	open.splice( 0 ).forEach( ( c ) => c.close() );
	await svc?.stop();
} );

async function connect( role: 'agent' | 'visitor', sub: string ): Promise< TestClient > {
	const c = await svc.connect( role, sub, role === 'agent' ? 'Ann' : undefined );
	open.push( c );
	return c;
}

test( 'an assignment reads the chat’s history once: the console’s sync, not also a push from the service', async () => {
	const reads = new Map< string, number >();
	svc = await startTestService( {}, {
		wrapStore: ( store ) =>
			new Proxy( store, {
				get( target, prop, receiver ) {
					if ( prop !== 'messagesAfter' ) return Reflect.get( target, prop, receiver );
					return ( chatId: string, afterSeq: number ) => {
						reads.set( chatId, ( reads.get( chatId ) ?? 0 ) + 1 );
						return target.messagesAfter( chatId, afterSeq );
					};
				},
			} ),
	} );
	const visitor = await connect( 'visitor', 'v1' );
	visitor.send( { type: 'start', clientId: 's', text: 'first' } );
	const { chat } = await visitor.next( 'started' );
	for ( const text of [ 'second', 'third' ] ) {
		visitor.send( { type: 'send', chatId: chat.id, clientId: text, text } );
		await visitor.acked( text );
	}

	const agent = await connect( 'agent', 'wp:1' );
	agent.send( { type: 'presence', online: true } );
	await agent.next( 'chat', ( c ) => c.chat.id === chat.id && c.chat.agent === 'wp:1' );
	// What the console does for a chat it does not hold.
	agent.send( { type: 'sync', chatId: chat.id, afterSeq: 0 } );
	const third = await agent.next( 'message', ( m ) => m.chatId === chat.id && m.seq === 3 );
	// Barrier: the agent's own message coming back proves that whatever the service sent before it has arrived.
	agent.send( { type: 'send', chatId: chat.id, clientId: 'a1', text: 'hi' } );
	await agent.next( 'message', ( m ) => m.clientId === 'a1' );

	// Every visitor message reached the agent once (`next` took the third out of `frames`).
	const history = [ third, ...agent.frames ].filter( ( f ) => f.type === 'message' && f.chatId === chat.id && f.from === 'visitor' );
	expect( history.map( ( m ) => ( m.type === 'message' ? m.text : '' ) ).sort() ).toEqual( [ 'first', 'second', 'third' ] );
	expect( reads.get( chat.id ) ).toBe( 1 );
} );

test( 'a status write that fails is rolled back: the chat stays in the queue, the agent’s load stays 0', async () => {
	let failNext = false;
	svc = await startTestService( {}, {
		wrapStore: ( store ): ChatStore =>
			new Proxy( store, {
				get( target, prop, receiver ) {
					// An assignment's write (the store's compare-and-set, which records the status change).
					if ( prop !== 'assign' ) return Reflect.get( target, prop, receiver );
					return ( ...args: Parameters< ChatStore[ 'assign' ] > ) => {
						if ( ! failNext ) return target.assign( ...args );
						failNext = false;
						return Promise.reject( new Error( 'disk full (injected)' ) );
					};
				},
			} ),
	} );
	const agent = await connect( 'agent', 'wp:1' ); // offline: takes by hand
	const visitor = await connect( 'visitor', 'v1' );
	visitor.send( { type: 'start', clientId: 's', text: 'help' } );
	const { chat } = await visitor.next( 'started' );
	await agent.next( 'queue', ( q ) => q.waiting.some( ( e ) => e.chat.id === chat.id ) );

	failNext = true;
	agent.send( { type: 'take', chatId: chat.id } );
	expect( await agent.next( 'error' ) ).toMatchObject( { code: 'internal' } );
	// Memory follows the store: still waiting, in the queue, nobody's.
	expect( ( await svc.http( 'GET', '/health' ) ).body ).toMatchObject( { open: 1, waiting: 1 } );
	expect( ( await svc.store.getChat( chat.id ) )?.status ).toBe( 'waiting' );
	expect( agent.frames.some( ( f ) => f.type === 'chat' && f.chat.id === chat.id && f.chat.agent === 'wp:1' ) ).toBe( false );

	// The write goes through the second time: the agent was not counted as holding it.
	agent.send( { type: 'take', chatId: chat.id } );
	await visitor.next( 'message', ( m ) => m.event === 'agent_joined' );
	expect( ( await svc.store.statusHistory( chat.id ) ).map( ( h ) => h.status ) ).toEqual( [ 'waiting', 'active' ] );
} );

test( 'the parallel-chat limit counts the agent’s chats in the store, also those another node handed out', async () => {
	svc = await startTestService();
	// Another node gave wp:1 a chat: it is in the shared store, not in this node's memory.
	const elsewhere = {
		id: 'chat-on-another-node', site: 'test', codeHash: 'x'.repeat( 64 ), mode: 'stored' as const, dept: null, status: 'waiting' as const,
		createdAt: Date.now(), closedAt: null, keep: false, visitorSub: 'v-other', visitorName: null, agentSub: null, agentName: null, from: null, consentVersion: null,
	};
	await svc.store.insertChat( elsewhere );
	expect( await svc.store.assign( elsewhere.id, { agent: { sub: 'wp:1', name: 'Ann' }, maxChats: 1, status: 'active', at: Date.now() } ) ).toBe( 'assigned' );

	const agent = await svc.connect( 'agent', 'wp:1', 'Ann', { maxChats: 1 } );
	open.push( agent );
	const visitor = await connect( 'visitor', 'v1' );
	visitor.send( { type: 'start', clientId: 's', text: 'help' } );
	const { chat } = await visitor.next( 'started' );
	await agent.next( 'queue', ( q ) => q.waiting.some( ( e ) => e.chat.id === chat.id ) );
	agent.send( { type: 'take', chatId: chat.id } );
	expect( await agent.next( 'error' ) ).toMatchObject( { code: 'limit_reached' } );
	// Still waiting, in memory and in the store.
	expect( ( await svc.http( 'GET', '/health' ) ).body ).toMatchObject( { waiting: 1 } );
	expect( ( await svc.store.getChat( chat.id ) )?.agentSub ).toBeNull();
} );
