/**
 * Dispatcher: the queue. Which waiting chat goes to which agent, what each
 * agent's queue shows, each waiting visitor's place, and chats handed back
 * when their agent is gone.
 */
import type { AgentState } from '../../../server/chats/agents';
import { ChatError, type LiveChat } from '../../../server/chats/live-chat';
import { GRACE_MS, SITE_ID, useHarness, type ClaimsInput, type RecordingPeer } from './harness';

const t = useHarness();

/** An agent console connected but offline: nothing is dispatched to it until it is made online. */
async function connected( sub: string, claims?: ClaimsInput ): Promise< { peer: RecordingPeer; agent: AgentState } > {
	const peer = t.h.agent( sub, claims );
	await t.h.sessions.connect( peer, { type: 'hello', token: 'x' } );
	const agent = t.h.core.agents.of( peer );
	await t.h.idleKnown( agent );
	return { peer, agent };
}

async function waitingChat( dept?: string, text?: string ): Promise< { visitor: RecordingPeer; chat: LiveChat } > {
	const visitor = t.h.visitor();
	const { chat } = await t.h.start( visitor, { dept, text } );
	t.h.clock.advance( 1_000 ); // each chat younger than the last
	return { visitor, chat };
}

const refusal = ( p: Promise< unknown > ): Promise< unknown > =>
	p.then(
		() => 'allowed',
		( e: unknown ) => ( e instanceof ChatError ? e.code : e )
	);

test( 'dispatch gives the oldest waiting chat to the longest-idle agent allowed to have it', async () => {
	const { core, clock } = t.h;
	await t.h.pastChat( 'carol', clock.now - 30 * 60_000 ); // idle longest, but sales only
	await t.h.pastChat( 'ann', clock.now - 20 * 60_000 );
	await t.h.pastChat( 'bob', clock.now - 10 * 60_000 );
	const agents = [ await connected( 'bob' ), await connected( 'carol', { depts: [ 'sales' ] } ), await connected( 'ann' ) ];
	const older = await waitingChat( 'support' );
	const newer = await waitingChat( 'support' );
	for ( const { agent } of agents ) core.agents.choose( agent, true, [] );

	core.dispatcher.dispatch( SITE_ID );
	expect( older.chat.record.agentSub ).toBe( 'ann' );
	// Ann has one now: an agent with none comes first.
	expect( newer.chat.record.agentSub ).toBe( 'bob' );
	await older.visitor.waitFor( 'message', ( m ) => m.event === 'agent_joined' && m.name === 'Agent ann' );
	await newer.visitor.waitFor( 'message', ( m ) => m.event === 'agent_joined' && m.name === 'Agent bob' );
} );

test( 'overlapping dispatches never hand one chat out twice', async () => {
	const { core } = t.h;
	const agents = [ await connected( 'ann' ), await connected( 'bob' ) ];
	const { chat, visitor } = await waitingChat();
	for ( const { agent } of agents ) core.agents.choose( agent, true, [] );
	core.dispatcher.dispatch( SITE_ID );
	core.dispatcher.dispatch( SITE_ID );
	await visitor.waitFor( 'message', ( m ) => m.event === 'agent_joined' );
	await core.store.flush();
	expect( ( await core.store.statusHistory( chat.record.id ) ).map( ( s ) => s.status ) ).toEqual( [ 'waiting', 'active' ] );
	expect( visitor.events() ).toEqual( [ 'agent_joined' ] );
} );

test( 'take is refused by department (forbidden) and by the limit (limit_reached), with typed errors', async () => {
	const { core } = t.h;
	const { peer } = await connected( 'sally', { depts: [ 'sales' ], maxChats: 1 } );
	const support = await waitingChat( 'support' );
	const sales1 = await waitingChat( 'sales' );
	const sales2 = await waitingChat( 'sales' );

	expect( await refusal( core.dispatcher.take( peer, support.chat.record.id ) ) ).toBe( 'forbidden' );
	// Offline, an agent still takes by hand what its token allows.
	expect( await refusal( core.dispatcher.take( peer, sales1.chat.record.id ) ) ).toBe( 'allowed' );
	expect( await refusal( core.dispatcher.take( peer, sales2.chat.record.id ) ) ).toBe( 'limit_reached' );
	expect( await refusal( core.dispatcher.take( peer, sales1.chat.record.id ) ) ).toBe( 'conflict' );
	expect( await refusal( core.dispatcher.take( peer, 'no-such-chat' ) ) ).toBe( 'not_found' );
	expect( [ support, sales1, sales2 ].map( ( c ) => c.chat.record.agentSub ) ).toEqual( [ null, 'sally', null ] );
} );

test( 'each agent’s queue shows only the chats its token allows, and only their previews', async () => {
	const { core } = t.h;
	const sally = await connected( 'sally', { depts: [ 'sales' ] } );
	const anyone = await connected( 'any' );
	await waitingChat( 'sales', 'preview-sales' );
	await waitingChat( 'support', 'preview-support' );
	await waitingChat( undefined, 'preview-none' );

	const previews = ( p: RecordingPeer ): unknown => p.last( 'queue' )?.waiting.map( ( e ) => e.preview );
	expect( previews( sally.peer ) ).toEqual( [ 'preview-sales', 'preview-none' ] );
	expect( previews( anyone.peer ) ).toEqual( [ 'preview-sales', 'preview-support', 'preview-none' ] );
	expect( JSON.stringify( sally.peer.frames ) ).not.toContain( 'preview-support' );
	expect( core.dispatcher.queueFrame( sally.agent ) ).toEqual( sally.peer.last( 'queue' ) );
} );

test( 'each waiting visitor learns its place among the chats of its own department', async () => {
	const { core } = t.h;
	const { peer } = await connected( 'ann' );
	const chats = [ await waitingChat( 'sales' ), await waitingChat( 'support' ), await waitingChat( 'sales' ), await waitingChat() ];
	const places = (): unknown => chats.map( ( c ) => c.visitor.last( 'position' )?.position );
	expect( places() ).toEqual( [ 1, 1, 2, 1 ] );

	await core.dispatcher.take( peer, chats[ 0 ].chat.record.id );
	expect( places() ).toEqual( [ 1, 1, 1, 1 ] );
	// Only a changed place is sent.
	expect( chats[ 1 ].visitor.of( 'position' ) ).toHaveLength( 1 );
} );

test( 'an agent gone after its grace period hands its chats back to the queue, each visitor told, and they are dispatched again', async () => {
	const { core, clock } = t.h;
	const ann = await t.h.onlineAgent( 'ann' );
	const chats = [ await waitingChat(), await waitingChat() ];
	expect( core.chats.load( ann.agent.key ) ).toBe( 2 );
	const bob = await t.h.onlineAgent( 'bob', { maxChats: 1 } ); // online after they were given out
	t.h.sessions.disconnect( ann.peer );

	clock.advance( GRACE_MS - 1 );
	expect( core.chats.load( ann.agent.key ) ).toBe( 2 );
	clock.advance( 1 );
	for ( const { visitor } of chats ) await visitor.waitFor( 'chat', ( c ) => c.chat.status === 'waiting' && c.chat.agent === null );
	expect( core.chats.load( ann.agent.key ) ).toBe( 0 );
	for ( const { visitor } of chats ) expect( visitor.of( 'message' ).find( ( m ) => m.event === 'agent_left' )?.name ).toBe( 'Agent ann' );

	// The first handed back goes to Bob (his limit is one), the other waits.
	await chats[ 0 ].visitor.waitFor( 'message', ( m ) => m.event === 'agent_joined' && m.name === 'Agent bob' );
	await core.store.flush();
	expect( core.chats.load( bob.agent.key ) ).toBe( 1 );
	expect( await core.store.getChat( chats[ 1 ].chat.record.id ) ).toMatchObject( { status: 'waiting', agentSub: null } );
} );
