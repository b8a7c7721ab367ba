/**
 * Routing over real sockets: the next chat goes to the online agent of its
 * department who has been idle longest since their last chat, within their
 * parallel-chat limit; waiting visitors learn their place; availability,
 * transfers and "keep".
 */
import { startTestService, type TestService } from '../helpers/service';
import type { TestClient } from '../helpers/ws-client';

let svc: TestService;
const open: TestClient[] = [];
/** The service's clock: moved on by hand so "who finished first" is never a tie. */
let clock = 1_800_000_000_000;
const tick = () => ( clock += 1000 );
beforeEach( async () => {
	svc = await startTestService( { maxChatsPerAgent: 1 }, { now: () => clock } );
} );
afterEach( async () => {
	open.splice( 0 ).forEach( ( c ) => c.close() );
	await svc.stop();
} );

async function onlineAgent( sub: string, name: string, depts?: string[] ): Promise< TestClient > {
	const a = await svc.connect( 'agent', sub, name, depts ? { depts } : {} );
	open.push( a );
	a.send( { type: 'presence', online: true } );
	await a.next( 'presence', ( p ) => p.online );
	return a;
}

async function visitorChat( sub: string, text: string, dept?: string ) {
	const v = await svc.connect( 'visitor', sub );
	open.push( v );
	v.send( { type: 'start', clientId: 's', text, ...( dept ? { dept } : {} ) } );
	const { chat } = await v.next( 'started' );
	return { v, chatId: chat.id };
}

const joinedBy = async ( v: TestClient ) => ( await v.next( 'message', ( m ) => m.event === 'agent_joined' ) ).name;

test( 'the agent idle longest since their last chat gets the next one, not the one online longest', async () => {
	const ann = await onlineAgent( 'wp:ann', 'Ann' );
	const bob = await onlineAgent( 'wp:bob', 'Bob' );

	const c1 = await visitorChat( 'v1', 'one' );
	expect( await joinedBy( c1.v ) ).toBe( 'Ann' ); // tie (neither had a chat): stable order
	const c2 = await visitorChat( 'v2', 'two' );
	expect( await joinedBy( c2.v ) ).toBe( 'Bob' ); // Ann is at her limit of 1

	// Bob finishes first, then Ann: Bob has been idle longer (and would lose a tie to Ann).
	tick();
	bob.send( { type: 'end', chatId: c2.chatId } );
	await c2.v.next( 'chat', ( c ) => c.chat.status === 'closed' );
	tick();
	ann.send( { type: 'end', chatId: c1.chatId } );
	await c1.v.next( 'chat', ( c ) => c.chat.status === 'closed' );

	// Cy comes online last, but has had no chat at all: idle longest.
	tick();
	await onlineAgent( 'wp:cy', 'Cy' );
	const c3 = await visitorChat( 'v3', 'three' );
	expect( await joinedBy( c3.v ) ).toBe( 'Cy' );
	const c4 = await visitorChat( 'v4', 'four' );
	expect( await joinedBy( c4.v ) ).toBe( 'Bob' );
	const c5 = await visitorChat( 'v5', 'five' );
	expect( await joinedBy( c5.v ) ).toBe( 'Ann' );

	// The record keeps every status change with its time.
	const history = await svc.store.statusHistory( c1.chatId );
	expect( history.map( ( h ) => h.status ) ).toEqual( [ 'waiting', 'active', 'closed' ] );
	expect( history.every( ( h, i ) => i === 0 || h.at >= history[ i - 1 ].at ) ).toBe( true );
} );

test( 'waiting visitors learn their place; a freed agent takes the oldest', async () => {
	const ann = await onlineAgent( 'wp:ann', 'Ann' );
	const first = await visitorChat( 'v1', 'first' );
	await joinedBy( first.v );
	const second = await visitorChat( 'v2', 'second' );
	expect( await second.v.next( 'position' ) ).toMatchObject( { chatId: second.chatId, position: 1 } );
	const third = await visitorChat( 'v3', 'third' );
	expect( await third.v.next( 'position' ) ).toMatchObject( { position: 2 } );

	ann.send( { type: 'end', chatId: first.chatId } );
	expect( await joinedBy( second.v ) ).toBe( 'Ann' );
	expect( await third.v.next( 'position' ) ).toMatchObject( { position: 1 } );
} );

test( 'departments: an agent serves only the departments of its token', async () => {
	await onlineAgent( 'wp:sam', 'Sam', [ 'sales' ] );
	const support = await visitorChat( 'v1', 'broken', 'support' );
	expect( await support.v.next( 'position' ) ).toMatchObject( { position: 1 } );
	const sales = await visitorChat( 'v2', 'buy', 'sales' );
	expect( await joinedBy( sales.v ) ).toBe( 'Sam' );

	expect( ( await svc.http( 'GET', '/availability?site=test&dept=sales' ) ).body ).toEqual( { site: 'test', dept: 'sales', online: true, assistant: false } );
	expect( ( await svc.http( 'GET', '/availability?site=test&dept=support' ) ).body ).toMatchObject( { online: false } );

	// An agent for every department picks up the support chat.
	await onlineAgent( 'wp:all', 'Al' );
	expect( await joinedBy( support.v ) ).toBe( 'Al' );
} );

test( 'availability answers typed errors for bad parameters and follows presence', async () => {
	expect( await svc.http( 'GET', '/availability' ) ).toMatchObject( { status: 400, body: { error: 'bad_request' } } );
	expect( await svc.http( 'GET', '/availability?site=nope' ) ).toMatchObject( { status: 404, body: { error: 'not_found' } } );
	expect( await svc.http( 'POST', '/availability?site=test' ) ).toMatchObject( { status: 405, body: { error: 'method_not_allowed' } } );
	expect( ( await svc.http( 'GET', '/availability?site=test' ) ).body.online ).toBe( false );
	const a = await onlineAgent( 'wp:a', 'A' );
	expect( ( await svc.http( 'GET', '/availability?site=test' ) ).body.online ).toBe( true );
	a.send( { type: 'presence', online: false } );
	await a.next( 'presence', ( p ) => ! p.online );
	expect( ( await svc.http( 'GET', '/availability?site=test' ) ).body.online ).toBe( false );
} );

test( 'transfer to another agent hands over the history; to a department it queues again', async () => {
	const ann = await onlineAgent( 'wp:ann', 'Ann', [ 'sales', 'support' ] );
	const c = await visitorChat( 'v1', 'I want a refund', 'sales' );
	await joinedBy( c.v );
	// Bob may handle sales chats too (a transfer follows the same access rule as dispatch: agent-access.test.ts).
	const bob = await onlineAgent( 'wp:bob', 'Bob', [ 'sales', 'support' ] );
	await ann.next( 'agents', ( f ) => f.agents.some( ( a ) => a.sub === 'wp:bob' ) );

	tick();
	ann.send( { type: 'transfer', chatId: c.chatId, toAgent: 'wp:bob' } );
	const moved = await c.v.next( 'message', ( m ) => m.event === 'transferred' );
	expect( moved.name ).toBe( 'Bob' );
	// Bob's console, seeing a chat it does not hold, asks for its history.
	await bob.next( 'chat', ( f ) => f.chat.id === c.chatId && f.chat.agent === 'wp:bob' );
	bob.send( { type: 'sync', chatId: c.chatId, afterSeq: 0 } );
	expect( await bob.next( 'message', ( m ) => m.seq === 1 ) ).toMatchObject( { text: 'I want a refund' } );
	await ann.next( 'chat', ( f ) => f.chat.id === c.chatId && f.chat.agent === 'wp:bob' );

	// Ann can no longer write in it.
	ann.send( { type: 'send', chatId: c.chatId, clientId: 'x', text: 'still mine?' } );
	expect( await ann.next( 'error', ( e ) => e.ref === 'x' ) ).toMatchObject( { code: 'not_found' } );

	// Bob sends it to support's queue. Both serve support and both are free now; Ann has been
	// idle since she handed it over, Bob only from now, so Ann gets it.
	tick();
	bob.send( { type: 'transfer', chatId: c.chatId, toDept: 'support' } );
	const back = await c.v.next( 'message', ( m ) => m.event === 'agent_joined' );
	expect( back.name ).toBe( 'Ann' );
	expect( ( await svc.store.getChat( c.chatId ) )?.dept ).toBe( 'support' );

	// Transfers to nobody are refused.
	ann.send( { type: 'transfer', chatId: c.chatId, toAgent: 'wp:ghost' } );
	expect( await ann.next( 'error' ) ).toMatchObject( { code: 'not_found' } );
} );

test( 'an agent marks a chat "keep"; the visitor cannot delete it by code then', async () => {
	const ann = await onlineAgent( 'wp:ann', 'Ann' );
	const v = await svc.connect( 'visitor', 'v1' );
	open.push( v );
	v.send( { type: 'start', clientId: 's', text: 'I accept the offer' } );
	const { chat, code } = await v.next( 'started' );
	await joinedBy( v );
	ann.send( { type: 'keep', chatId: chat.id, keep: true } );
	expect( ( await v.next( 'chat', ( c ) => c.chat.keep ) ).chat.id ).toBe( chat.id );
	expect( ( await svc.store.getChat( chat.id ) )?.keep ).toBe( true );
	expect( await svc.http( 'POST', '/chats/delete', { site: 'test', code } ) ).toMatchObject( { status: 409, body: { error: 'conflict' } } );
	v.send( { type: 'restart', chatId: chat.id, clientId: 'r' } );
	expect( await v.next( 'error', ( e ) => e.ref === 'r' ) ).toMatchObject( { code: 'conflict' } );
} );
