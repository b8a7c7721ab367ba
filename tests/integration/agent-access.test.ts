/**
 * "May this agent handle this chat?" over real sockets: one rule for the
 * queue an agent is shown (and its previews), `take`, `transfer` and
 * automatic dispatch (server/agent-access.ts).
 */
import { startTestService, type TestService } from '../helpers/service';
import type { TestClient } from '../helpers/ws-client';

let svc: TestService;
const open: TestClient[] = [];
beforeEach( async () => {
	svc = await startTestService( { maxChatsPerAgent: 1 } );
} );
afterEach( async () => {
	open.splice( 0 ).forEach( ( c ) => c.close() );
	await svc.stop();
} );

async function agent( sub: string, depts?: string[], online = false ): Promise< TestClient > {
	const a = await svc.connect( 'agent', sub, sub, depts ? { depts } : {} );
	open.push( a );
	if ( online ) {
		a.send( { type: 'presence', online: true } );
		await a.next( 'presence', ( p ) => p.online );
	}
	return a;
}

async function waiting( sub: string, text: string, dept: string ) {
	const v = await svc.connect( 'visitor', sub );
	open.push( v );
	v.send( { type: 'start', clientId: 's', text, dept } );
	const { chat } = await v.next( 'started' );
	await v.next( 'position' );
	return { v, chatId: chat.id };
}

/** A chat that an online agent gets at once: resolves with who joined. */
async function routed( sub: string, text: string, dept: string ) {
	const v = await svc.connect( 'visitor', sub );
	open.push( v );
	v.send( { type: 'start', clientId: 's', text, dept } );
	const { chat } = await v.next( 'started' );
	const joined = await v.next( 'message', ( m ) => m.event === 'agent_joined' );
	return { v, chatId: chat.id, agent: joined.name };
}

test( 'a sales-only agent is shown neither support chats nor their previews, and cannot take them', async () => {
	const sam = await agent( 'wp:sam', [ 'sales' ] );
	const al = await agent( 'wp:al' );
	const support = await waiting( 'v1', 'my password is hunter2, help', 'support' );
	const sales = await waiting( 'v2', 'a quote please', 'sales' );

	// Al (all departments) sees both, with previews; Sam only the sales chat.
	await al.next( 'queue', ( q ) => q.waiting.length === 2 && q.waiting.every( ( e ) => e.preview !== null ) );
	const samQueue = await sam.next( 'queue', ( q ) => q.waiting.some( ( e ) => e.chat.id === sales.chatId && e.preview === 'a quote please' ) );
	expect( samQueue.waiting.map( ( e ) => e.chat.id ) ).toEqual( [ sales.chatId ] );
	// Nothing of the support chat reached Sam in any frame.
	expect( JSON.stringify( sam.frames ) ).not.toContain( support.chatId );
	expect( JSON.stringify( sam.frames ) ).not.toContain( 'hunter2' );

	sam.send( { type: 'take', chatId: support.chatId } );
	expect( await sam.next( 'error' ) ).toMatchObject( { code: 'forbidden' } );
	expect( ( await svc.store.getChat( support.chatId ) )?.status ).toBe( 'waiting' );

	sam.send( { type: 'take', chatId: sales.chatId } );
	expect( ( await sales.v.next( 'message', ( m ) => m.event === 'agent_joined' ) ).name ).toBe( 'wp:sam' );
	expect( JSON.stringify( sam.frames ) ).not.toContain( 'hunter2' );
} );

test( 'take beyond the parallel-chat limit is refused with a typed error and changes nothing', async () => {
	const ann = await agent( 'wp:ann', undefined, false );
	const first = await waiting( 'v1', 'one', 'sales' );
	const second = await waiting( 'v2', 'two', 'sales' );
	ann.send( { type: 'take', chatId: first.chatId } );
	await first.v.next( 'message', ( m ) => m.event === 'agent_joined' );

	ann.send( { type: 'take', chatId: second.chatId } );
	expect( await ann.next( 'error' ) ).toMatchObject( { code: 'limit_reached' } );
	expect( await svc.store.getChat( second.chatId ) ).toMatchObject( { status: 'waiting', agentSub: null } );

	// Ending the first frees the slot.
	ann.send( { type: 'end', chatId: first.chatId } );
	await first.v.next( 'chat', ( c ) => c.chat.status === 'closed' );
	ann.send( { type: 'take', chatId: second.chatId } );
	await second.v.next( 'message', ( m ) => m.event === 'agent_joined' );
} );

test( 'a transfer goes only to an agent that may handle the chat and has room', async () => {
	await agent( 'wp:ann', undefined, true );
	const ann = open[ 0 ];
	const c = await routed( 'v1', 'refund', 'sales' );
	expect( c.agent ).toBe( 'wp:ann' );

	const sue = await agent( 'wp:sue', [ 'support' ], true );
	await ann.next( 'agents', ( f ) => f.agents.some( ( a ) => a.sub === 'wp:sue' ) );
	ann.send( { type: 'transfer', chatId: c.chatId, toAgent: 'wp:sue' } );
	expect( await ann.next( 'error' ) ).toMatchObject( { code: 'forbidden' } );

	// Bob may handle sales but is at his limit of one with a chat of his own.
	const bob = await agent( 'wp:bob', [ 'sales' ], true );
	await ann.next( 'agents', ( f ) => f.agents.some( ( a ) => a.sub === 'wp:bob' ) );
	expect( ( await routed( 'v2', 'me too', 'sales' ) ).agent ).toBe( 'wp:bob' );
	ann.send( { type: 'transfer', chatId: c.chatId, toAgent: 'wp:bob' } );
	expect( await ann.next( 'error' ) ).toMatchObject( { code: 'limit_reached' } );

	// Still Ann's; neither Sue nor Bob was shown it.
	expect( ( await svc.store.getChat( c.chatId ) )?.agentSub ).toBe( 'wp:ann' );
	for ( const other of [ sue, bob ] ) expect( JSON.stringify( other.frames ) ).not.toContain( c.chatId );
} );

test( 'dispatch never goes past the token, whatever departments the agent asks to be online for', async () => {
	const sam = await agent( 'wp:sam', [ 'sales' ] );
	// Asking for a department the token does not allow leaves none chosen, which means "all the token allows".
	sam.send( { type: 'presence', online: true, depts: [ 'support' ] } );
	expect( await sam.next( 'presence', ( p ) => p.online ) ).toMatchObject( { depts: [] } );
	const support = await waiting( 'v1', 'help', 'support' );
	expect( ( await svc.http( 'GET', '/availability?site=test&dept=support' ) ).body.online ).toBe( false );
	expect( ( await routed( 'v2', 'buy', 'sales' ) ).agent ).toBe( 'wp:sam' );
	// The support chat was never offered: still waiting, Sam's queue never showed it.
	expect( ( await svc.store.getChat( support.chatId ) )?.status ).toBe( 'waiting' );
	expect( JSON.stringify( sam.frames ) ).not.toContain( support.chatId );
} );

test( 'a chat the agent’s new token no longer allows goes back to the queue; the visitor is told', async () => {
	const sam = await agent( 'wp:sam', [ 'sales', 'support' ], true );
	const c = await routed( 'v1', 'my router is broken', 'support' );
	expect( c.agent ).toBe( 'wp:sam' );
	// WordPress took support from Sam: the console comes back with a token for sales only.
	sam.close();
	await sam.closed;
	const again = await svc.connect( 'agent', 'wp:sam', 'wp:sam', { depts: [ 'sales' ] } );
	open.push( again );
	expect( await c.v.next( 'message', ( m ) => m.event === 'agent_left' ) ).toMatchObject( { name: 'wp:sam' } );
	expect( ( await c.v.next( 'chat', ( f ) => f.chat.status === 'waiting' ) ).chat ).toMatchObject( { agent: null, dept: 'support' } );
	// Sam's welcome no longer listed it, and Sam can no longer write in it.
	again.send( { type: 'send', chatId: c.chatId, clientId: 'x', text: 'still mine?' } );
	expect( await again.next( 'error', ( e ) => e.ref === 'x' ) ).toMatchObject( { code: 'not_found' } );
	expect( JSON.stringify( again.frames.filter( ( f ) => f.type === 'queue' ) ) ).not.toContain( c.chatId );
} );
