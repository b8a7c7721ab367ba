/**
 * Nothing lost across nodes, with real processes: two service nodes behind
 * Debian's nginx, on one PostgreSQL and one Redis (tests/helpers/cluster.ts).
 * The visitor starts on one node and the agent on the other; mid-conversation
 * the node serving the site is SIGKILLed, Redis is restarted, PostgreSQL is
 * restarted. The clients reconnect through the load balancer and resume by
 * number, as the real ones do (tests/helpers/participant.ts): every
 * acknowledged message is present exactly once, in order, on both sides.
 */
import { servesTheSite, startCluster, type Cluster, type ClusterNode } from '../helpers/cluster';
import { Participant } from '../helpers/participant';

jest.setTimeout( 120_000 );

let cluster: Cluster;
afterEach( async () => {
	await cluster?.stop();
} );

/** The node whose log says it serves the site now. */
function owner( c: Cluster ): ClusterNode {
	const serving = c.nodes.filter( servesTheSite );
	if ( serving.length !== 1 ) throw new Error( `expected one node serving the site, found ${ serving.length }` );
	return serving[ 0 ];
}

/** A visitor on one node, its agent on the other, their chat assigned. */
async function conversation( c: Cluster ): Promise< { visitor: Participant; agent: Participant } > {
	const serving = owner( c );
	const other = c.nodes.find( ( n ) => n !== serving )!;
	const agent = new Participant( c, 'agent', 'wp:1' );
	await agent.attach( other );
	const visitor = new Participant( c, 'visitor', 'v1' );
	await visitor.attach( serving );
	visitor.client!.send( { type: 'start', clientId: 'v0', text: 'v0' } );
	await visitor.until( () => visitor.texts().includes( 'v0' ) && [ ...visitor.bySeq.values() ].some( ( m ) => m.event === 'agent_joined' ) );
	await agent.until( () => agent.chatId !== null );
	return { visitor, agent };
}

/** `n` messages from each side, `during` run once half of them are acknowledged. */
async function exchange( visitor: Participant, agent: Participant, n: number, during: () => Promise< void > ): Promise< void > {
	for ( let i = 1; i <= n; i++ ) {
		visitor.send( `v${ i }`, `v${ i }` );
		agent.send( `a${ i }`, `a${ i }` );
		if ( i === Math.floor( n / 2 ) ) {
			await visitor.until( () => visitor.acked.has( `v${ i }` ) );
			await agent.until( () => agent.acked.has( `a${ i }` ) );
			await during();
		}
	}
	const everything = [ 'v0', ...Array.from( { length: n }, ( _, i ) => [ `v${ i + 1 }`, `a${ i + 1 }` ] ).flat() ];
	const hasAll = ( p: Participant ) => () => everything.every( ( t ) => p.texts().includes( t ) );
	await visitor.until( hasAll( visitor ), 60_000 );
	await agent.until( hasAll( agent ), 60_000 );
}

/** Every acknowledged message once, in the order each side sent, the same numbers on both sides, no conflicts. */
function checkNothingLost( visitor: Participant, agent: Participant, n: number ): void {
	for ( const p of [ visitor, agent ] ) {
		expect( p.conflicts ).toEqual( [] );
		const texts = p.texts().filter( ( t ) => /^[va]\d+$/.test( t ) );
		// Exactly once each…
		expect( texts.length ).toBe( new Set( texts ).size );
		// …and each sender's messages in the order sent.
		for ( const side of [ 'v', 'a' ] ) {
			const mine = texts.filter( ( t ) => t.startsWith( side ) ).map( ( t ) => Number( t.slice( 1 ) ) );
			expect( mine ).toEqual( Array.from( { length: side === 'v' ? n + 1 : n }, ( _, i ) => ( side === 'v' ? i : i + 1 ) ) );
		}
	}
	// Both sides hold the same conversation under the same numbers.
	const numbered = ( p: Participant ) => [ ...p.bySeq ].filter( ( [ , m ] ) => /^[va]\d+$/.test( m.text ) ).map( ( [ s, m ] ) => `${ s }:${ m.text }` ).sort();
	expect( numbered( visitor ) ).toEqual( numbered( agent ) );
	// Every acknowledgement names the number the message has.
	for ( const [ clientId, seq ] of visitor.acked ) expect( agent.bySeq.get( seq )?.text ).toBe( clientId );
	for ( const [ clientId, seq ] of agent.acked ) expect( visitor.bySeq.get( seq )?.text ).toBe( clientId );
}

test( 'SIGKILL of the node serving the site mid-conversation: clients reconnect through nginx to the other node and resume by number; nothing acknowledged lost, nothing doubled', async () => {
	cluster = await startCluster( { nodes: 2 } );
	const { visitor, agent } = await conversation( cluster );
	const n = 30;
	await exchange( visitor, agent, n, async () => {
		await owner( cluster ).kill( 'SIGKILL' );
	} );
	checkNothingLost( visitor, agent, n );
	// The visitor was on the killed node: it reconnected at least once (abnormal close, 1006).
	expect( visitor.reconnects.length ).toBeGreaterThan( 0 );
	expect( owner( cluster ) ).toBeDefined();
	visitor.stop();
	agent.stop();
} );

test( 'Redis restarted mid-conversation: nothing acknowledged lost, fan-out between the nodes resumes by itself', async () => {
	cluster = await startCluster( { nodes: 2 } );
	const { visitor, agent } = await conversation( cluster );
	const n = 30;
	await exchange( visitor, agent, n, async () => {
		await cluster.redis.kill();
		await cluster.redis.start();
	} );
	checkNothingLost( visitor, agent, n );
	// After the restart, a message crosses the nodes live again.
	visitor.send( 'late', 'late' );
	await agent.until( () => agent.texts().includes( 'late' ) );
	visitor.stop();
	agent.stop();
} );

test( 'PostgreSQL restarted mid-conversation: writes in the outage are refused or wait, clients retry, nothing acknowledged lost; the nodes recover without a restart', async () => {
	cluster = await startCluster( { nodes: 2 } );
	const { visitor, agent } = await conversation( cluster );
	const n = 30;
	const pids = cluster.nodes.map( ( node ) => node.pid() );
	await exchange( visitor, agent, n, async () => {
		cluster.postgres.kill();
		cluster.postgres.start();
	} );
	checkNothingLost( visitor, agent, n );
	expect( cluster.nodes.map( ( node ) => node.pid() ) ).toEqual( pids );
	expect( cluster.nodes.every( ( node ) => node.running() ) ).toBe( true );
	visitor.stop();
	agent.stop();
} );
