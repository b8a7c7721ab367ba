/**
 * Presence follows the agent's connections, over real sockets: while the
 * agent has no connection its visitors see it away and it gets no new
 * chat; back within the grace period it keeps its state and its chats;
 * after it, the agent is offline, its chats go back to the queue (the
 * visitor told that the agent left) and a console that connects then
 * starts offline (server/presence.ts).
 */
import { ORIGIN, startTestService, type TestService } from '../helpers/service';
import { TestClient } from '../helpers/ws-client';

let svc: TestService;
const open: TestClient[] = [];
afterEach( async () => {
	open.splice( 0 ).forEach( ( c ) => c.close() );
	await svc.stop();
} );

async function connect( ...args: Parameters< TestService[ 'connect' ] > ): Promise< TestClient > {
	const c = await svc.connect( ...args );
	open.push( c );
	return c;
}

/** An agent's console connecting: resolves with the service's welcome (left unread by `connect`). */
async function openConsole( sub: string, name: string ) {
	const c = await TestClient.open( svc.wsUrl, ORIGIN );
	open.push( c );
	c.send( { type: 'hello', token: svc.token( 'agent', sub, name ) } );
	return { c, welcome: await c.next( 'welcome' ) };
}

/** An online agent with one chat; resolves once the visitor saw it join. */
async function agentWithChat() {
	const agent = await connect( 'agent', 'wp:1', 'Ann' );
	expect( agent.frames.find( ( f ) => f.type === 'presence' ) ).toMatchObject( { online: false } );
	agent.send( { type: 'presence', online: true } );
	await agent.next( 'presence', ( p ) => p.online );
	const visitor = await connect( 'visitor', 'v1' );
	visitor.send( { type: 'start', clientId: 's', text: 'hello' } );
	const { chat } = await visitor.next( 'started' );
	await visitor.next( 'message', ( m ) => m.event === 'agent_joined' );
	return { agent, visitor, chatId: chat.id };
}

test( 'back within the grace period: still online, still its chats; meanwhile the visitor saw it away and no chat reached it', async () => {
	svc = await startTestService( {}, { service: { agentGraceSeconds: 30 } } );
	const { agent, visitor, chatId } = await agentWithChat();

	agent.close();
	await agent.closed;
	const away = await visitor.next( 'chat', ( c ) => c.chat.agentAway === true );
	expect( away.chat ).toMatchObject( { id: chatId, status: 'active', agent: 'wp:1' } );
	expect( ( await svc.http( 'GET', '/availability?site=test' ) ).body.online ).toBe( false );
	// A chat started while it is away waits.
	const second = await connect( 'visitor', 'v2' );
	second.send( { type: 'start', clientId: 's', text: 'me too' } );
	await second.next( 'position' );
	// The visitor writes meanwhile; nothing is lost.
	visitor.send( { type: 'send', chatId, clientId: 'm1', text: 'are you there?' } );
	await visitor.acked( 'm1' );

	const { c: back, welcome } = await openConsole( 'wp:1', 'Ann' );
	expect( welcome ).toMatchObject( { online: true, chats: [ { id: chatId } ] } );
	expect( await back.next( 'presence' ) ).toMatchObject( { online: true } );
	const present = await visitor.next( 'chat', ( c ) => c.chat.agentAway === undefined );
	expect( present.chat.agent ).toBe( 'wp:1' );
	// Online again: the waiting chat reaches it, and its history fills the gap.
	await second.next( 'message', ( m ) => m.event === 'agent_joined' );
	back.send( { type: 'sync', chatId, afterSeq: 0 } );
	await back.next( 'message', ( m ) => m.chatId === chatId && m.text === 'are you there?' );
} );

test( 'after the grace period: offline, its chats back in the queue, the visitor told; the next console starts offline', async () => {
	svc = await startTestService( {}, { service: { agentGraceSeconds: 0.3 } } );
	const { agent, visitor, chatId } = await agentWithChat();

	agent.close();
	await agent.closed;
	await visitor.next( 'chat', ( c ) => c.chat.agentAway === true );
	const left = await visitor.next( 'message', ( m ) => m.event === 'agent_left' );
	expect( left.name ).toBe( 'Ann' );
	expect( ( await visitor.next( 'chat', ( c ) => c.chat.status === 'waiting' ) ).chat ).toMatchObject( { agent: null } );
	expect( await visitor.next( 'position' ) ).toMatchObject( { chatId, position: 1 } );

	const { c: later, welcome } = await openConsole( 'wp:1', 'Ann' );
	expect( welcome ).toMatchObject( { online: false, chats: [] } );
	expect( await later.next( 'presence' ) ).toMatchObject( { online: false } );
	expect( ( await later.next( 'queue' ) ).waiting.map( ( e ) => e.chat.id ) ).toEqual( [ chatId ] );

	// Another agent that is online gets it.
	const bob = await connect( 'agent', 'wp:2', 'Bob' );
	bob.send( { type: 'presence', online: true } );
	expect( ( await visitor.next( 'message', ( m ) => m.event === 'agent_joined' ) ).name ).toBe( 'Bob' );
	await bob.next( 'chat', ( c ) => c.chat.id === chatId && c.chat.agent === 'wp:2' );
} );
