/**
 * AgentDirectory: agents, their connections and presence, and what the
 * access rule and routing need of them. Their load is not its own: it is
 * the registry's agent index.
 */
import { GRACE_MS, SITE_ID, useHarness } from './harness';

const t = useHarness();

test( 'join and leave: "first" is the first open connection, "back" a first one within the grace period', async () => {
	const { core, clock } = t.h;
	const [ p1, p2, p3, p4 ] = [ 1, 2, 3, 4 ].map( () => t.h.agent( 'ann' ) );
	const joined = ( p: typeof p1 ): unknown => {
		const { first, back } = core.agents.join( p );
		return { first, back };
	};
	expect( joined( p1 ) ).toEqual( { first: true, back: false } );
	expect( joined( p2 ) ).toEqual( { first: false, back: false } );
	expect( core.agents.leave( p1 ) ).toBeNull();
	expect( core.agents.leave( p2 )?.sub ).toBe( 'ann' );
	expect( core.agents.away( SITE_ID, 'ann' ) ).toBe( true );

	clock.advance( GRACE_MS - 1 );
	expect( joined( p3 ) ).toEqual( { first: true, back: true } );
	expect( core.agents.away( SITE_ID, 'ann' ) ).toBe( false );
	core.agents.leave( p3 );
	clock.advance( GRACE_MS );
	// Gone: the next connection is a fresh start, not a return.
	expect( core.agents.away( SITE_ID, 'ann' ) ).toBe( false );
	expect( joined( p4 ) ).toEqual( { first: true, back: false } );
	// A connection the directory never had is no leave.
	expect( core.agents.leave( t.h.agent( 'nobody' ) ) ).toBeNull();
} );

test( 'choose() keeps the presence within the token’s departments: it cannot widen them', () => {
	const { core } = t.h;
	const limited = core.agents.join( t.h.agent( 'sally', { depts: [ 'sales', 'support' ] } ) ).agent;
	expect( core.agents.choose( limited, true, [ 'sales', 'billing' ] ) ).toEqual( { online: true, depts: [ 'sales' ] } );
	expect( core.agents.choose( limited, true, [ 'billing' ] ).depts ).toEqual( [] ); // empty: all its token allows, no more
	expect( core.agents.access( limited ) ).toMatchObject( { tokenDepts: [ 'sales', 'support' ], depts: [] } );
	expect( core.agents.available( SITE_ID, 'billing' ) ).toBe( false );
	expect( core.agents.available( SITE_ID, 'support' ) ).toBe( true );

	const any = core.agents.join( t.h.agent( 'any' ) ).agent;
	expect( core.agents.choose( any, true, [ 'billing' ] ).depts ).toEqual( [ 'billing' ] );
} );

test( 'access().load is the registry’s count of the agent’s open chats', async () => {
	const { core } = t.h;
	const { agent } = await t.h.onlineAgent( 'ann', { maxChats: 5 } );
	const chats = [];
	for ( let i = 0; i < 3; i++ ) chats.push( ( await t.h.start( t.h.visitor() ) ).chat );
	await core.store.flush();
	expect( core.agents.access( agent ) ).toMatchObject( { load: 3, maxChats: 5, online: true, connected: true } );
	expect( core.agents.access( agent ).load ).toBe( core.chats.load( agent.key ) );

	await core.lifecycle.end( chats[ 0 ] );
	await core.lifecycle.setStatus( chats[ 1 ], 'away' ); // the visitor's absence changes nothing
	expect( core.agents.access( agent ).load ).toBe( 2 );
	expect( core.agents.agentsFrame( SITE_ID ) ).toEqual( { type: 'agents', agents: [ { sub: 'ann', name: 'Agent ann', depts: [], chats: 2 } ] } );
} );

test( 'routing waits for the store’s "idle since" of a new agent, then dispatches what it passed over', async () => {
	const { core, clock } = t.h;
	await t.h.pastChat( 'ann', clock.now - 60_000 );
	const visitor = t.h.visitor();
	const { chat } = await t.h.start( visitor );
	const { agent } = core.agents.join( t.h.agent( 'ann' ) );
	core.agents.choose( agent, true, [] );
	// Not a candidate yet: an unknown idle time would jump the longest-idle order.
	expect( core.agents.candidates( SITE_ID ) ).toEqual( [] );
	core.dispatcher.dispatch( SITE_ID );
	expect( chat.record.status ).toBe( 'waiting' );

	await t.h.idleKnown( agent );
	expect( core.agents.candidates( SITE_ID ).map( ( c ) => [ c.key, c.idleSince ] ) ).toEqual( [ [ agent.key, clock.now - 60_000 ] ] );
	expect( chat.record.agentSub ).toBe( 'ann' );
	await visitor.waitFor( 'message', ( m ) => m.event === 'agent_joined' );

	// Its last chat ending makes it idle from that moment.
	clock.advance( 10_000 );
	await core.lifecycle.end( chat );
	expect( agent.idleSince ).toBe( clock.now );
} );
