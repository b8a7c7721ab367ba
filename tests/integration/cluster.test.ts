/**
 * Two nodes on one PostgreSQL and one Redis, in this process: a visitor on
 * one node and its agent on the other chat live; the HTTP API answers for
 * the site on either node; a node that stops hands its site to the other.
 */
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { push } from '../helpers/assistant-content';
import { startRedis, type RunningRedis } from '../helpers/redis';
import { ORIGIN, startTestService, type TestService } from '../helpers/service';
import type { ServerFrame } from '../../server/protocol';
import { TestClient } from '../helpers/ws-client';

let pg: TestPostgres;
let redis: RunningRedis;

beforeAll( async () => {
	[ pg, redis ] = await Promise.all( [ startPostgres(), startRedis( { persistence: false } ) ] );
}, 60_000 );

afterAll( async () => {
	await redis?.stop();
	pg?.stop();
} );

/** Two nodes on a fresh database; resolves once each knows who serves the site. */
async function twoNodes(): Promise< [ TestService, TestService ] > {
	const service = { databaseUrl: pg.createDatabase(), redisUrl: redis.url };
	const a = await startTestService( {}, { service } );
	const b = await startTestService( {}, { service } );
	await servedThrough( b );
	return [ a, b ];
}

/** Two fresh nodes for the enclosing describe block: handed to `use` before its tests, stopped after them. */
function withTwoNodes( use: ( a: TestService, b: TestService ) => void ): void {
	let nodes: TestService[] = [];
	beforeAll( async () => {
		nodes = await twoNodes();
		use( nodes[ 0 ], nodes[ 1 ] );
	}, 30_000 );
	afterAll( async () => {
		await Promise.all( nodes.map( ( n ) => n.stop() ) );
	} );
}

/** The site's availability answers through `node`: a request that finds no owner waits for one (up to the expiry), else 503. */
async function servedThrough( node: TestService ): Promise< void > {
	const { status, body } = await node.http( 'GET', '/availability?site=test' );
	if ( status !== 200 ) throw new Error( `no node serves the site: ${ status } ${ JSON.stringify( body ) }` );
}

/** An agent online on `node`. */
async function onlineAgent( node: TestService, sub: string, name: string, maxChats?: number ): Promise< TestClient > {
	const agent = await node.connect( 'agent', sub, name, maxChats ? { maxChats } : undefined );
	agent.send( { type: 'presence', online: true } );
	await agent.next( 'presence', ( p ) => p.online );
	return agent;
}

describe( 'two nodes', () => {
	let a: TestService;
	let b: TestService;
	withTwoNodes( ( x, y ) => ( [ a, b ] = [ x, y ] ) );

	test( 'a visitor on one node and its agent on the other chat live: assignment, messages both ways in order, typing', async () => {
		const agent = await b.connect( 'agent', 'wp:1', 'Ann' );
		agent.send( { type: 'presence', online: true } );
		await agent.next( 'presence', ( p ) => p.online );
		const visitor = await a.connect( 'visitor', 'v1' );
		visitor.send( { type: 'start', clientId: 's', text: 'hello from node A' } );
		const { chat } = await visitor.next( 'started' );
		await visitor.next( 'message', ( m ) => m.event === 'agent_joined' );
		const assigned = await agent.next( 'chat', ( f ) => f.chat.id === chat.id && f.chat.status === 'active' );
		expect( assigned.chat.agentName ).toBe( 'Ann' );

		agent.send( { type: 'sync', chatId: chat.id, afterSeq: 0 } );
		await agent.next( 'message', ( m ) => m.text === 'hello from node A' );

		for ( let i = 0; i < 20; i++ ) {
			visitor.send( { type: 'send', chatId: chat.id, clientId: `v${ i }`, text: `visitor ${ i }` } );
			agent.send( { type: 'send', chatId: chat.id, clientId: `a${ i }`, text: `agent ${ i }` } );
		}
		const seen = { agent: [] as number[], visitor: [] as number[] };
		for ( let i = 0; i < 20; i++ ) {
			seen.agent.push( ( await agent.next( 'message', ( m ) => m.text === `visitor ${ i }` ) ).seq );
			seen.visitor.push( ( await visitor.next( 'message', ( m ) => m.text === `agent ${ i }` ) ).seq );
		}
		// Each side's messages arrive in the order sent, numbered upwards.
		expect( seen.agent ).toEqual( [ ...seen.agent ].sort( ( x, y ) => x - y ) );
		expect( seen.visitor ).toEqual( [ ...seen.visitor ].sort( ( x, y ) => x - y ) );

		visitor.send( { type: 'typing', chatId: chat.id, typing: true } );
		await agent.next( 'typing', ( t ) => t.from === 'visitor' && t.typing );
		agent.send( { type: 'typing', chatId: chat.id, typing: true } );
		await visitor.next( 'typing', ( t ) => t.from === 'agent' && t.typing );
		visitor.close();
		agent.close();
	} );

	test( 'the queue and the visitor\'s position cross nodes; an agent on the non-serving node takes the chat', async () => {
		const agent = await a.connect( 'agent', 'wp:2', 'Bo' );
		const other = await b.connect( 'visitor', 'v2' );
		other.send( { type: 'start', clientId: 's', text: 'waiting on B' } );
		const { chat } = await other.next( 'started' );
		await other.next( 'position', ( p ) => p.chatId === chat.id && p.position === 1 );
		await agent.next( 'queue', ( q ) => q.waiting.some( ( w ) => w.chat.id === chat.id ) );
		agent.send( { type: 'take', chatId: chat.id } );
		await other.next( 'message', ( m ) => m.event === 'agent_joined' );
		other.close();
		agent.close();
	}, 15_000 );

	test( 'the HTTP API answers for the site on both nodes', async () => {
		const site = a.token( 'site', 'wp' );
		const [ onA, onB ] = await Promise.all( [ a.http( 'GET', '/admin/status?site=test', undefined, site ), b.http( 'GET', '/admin/status?site=test', undefined, site ) ] );
		expect( onA.status ).toBe( 200 );
		expect( onB.body ).toEqual( onA.body );
	} );

	test( 'a policy WordPress sends to the node that does not serve the site is in force where the chats run', async () => {
		const site = a.token( 'site', 'wp' );
		const policy = { defaultMode: 'ephemeral', visitorChoosesMode: false, retentionDays: 30 };
		expect( ( await b.http( 'PUT', '/admin/policy', policy, site ) ).status ).toBe( 200 );
		// The other node reads it from PostgreSQL when the bus tells it: a bounded wait for that word.
		for ( let i = 0; i < 50 && ( await a.http( 'GET', '/admin/policy', undefined, site ) ).body.defaultMode !== 'ephemeral'; i++ ) {
			await new Promise( ( r ) => setTimeout( r, 50 ) );
		}
		const visitor = await b.connect( 'visitor', 'v-policy' );
		visitor.send( { type: 'start', clientId: 's', text: 'which mode?' } );
		expect( ( await visitor.next( 'started' ) ).chat.mode ).toBe( 'ephemeral' );
		visitor.close();
		await b.http( 'PUT', '/admin/policy', { ...policy, defaultMode: 'stored' }, site );
	} );

	test( 'the assistant WordPress sends to one node is in force on the other, whichever serves the chats', async () => {
		const site = a.token( 'site', 'wp' );
		const modeOn = async ( node: TestService ) => ( await node.http( 'GET', '/admin/assistant', undefined, site ) ).body.settings.mode;
		for ( const [ to, other, mode ] of [ [ b, a, 'first' ], [ a, b, 'when_offline' ], [ b, a, 'first' ] ] as const ) {
			expect( ( await to.http( 'PUT', '/admin/assistant', push( mode ), site ) ).status ).toBe( 200 );
			// The other node reads it from PostgreSQL when the bus tells it: a bounded wait for that word.
			for ( let i = 0; i < 50 && ( await modeOn( other ) ) !== mode; i++ ) await new Promise( ( r ) => setTimeout( r, 50 ) );
			expect( await modeOn( other ) ).toBe( mode );
		}
		const visitor = await b.connect( 'visitor', 'v-assistant' );
		visitor.send( { type: 'start', clientId: 's', text: 'How much is shipping?', lang: 'en_US' } );
		expect( ( await visitor.next( 'started' ) ).chat.status ).toBe( 'assistant' );
		expect( ( await visitor.next( 'message', ( m ) => m.from === 'assistant' ) ).text ).toBe( 'Shipping is **free** from 50 €.' );
		visitor.close();
		await b.http( 'PUT', '/admin/assistant', push( 'off' ), site );
	} );
} );

describe( 'routing across nodes', () => {
	let a: TestService;
	let b: TestService;
	withTwoNodes( ( x, y ) => ( [ a, b ] = [ x, y ] ) );

	/** A visitor starts a chat on `node`; resolves once it has its chat. */
	async function start( node: TestService, sub: string ): Promise< { id: string; visitor: TestClient } > {
		const visitor = await node.connect( 'visitor', sub );
		visitor.send( { type: 'start', clientId: 's', text: `from ${ sub }` } );
		const { chat } = await visitor.next( 'started' );
		return { id: chat.id, visitor };
	}

	/** …and once an agent joined it (a `position` may come first: an agent just online is a candidate once the store said when it was last busy); resolves to that agent's name. */
	async function startJoined( node: TestService, sub: string ): Promise< { id: string; visitor: TestClient; agent: string } > {
		const started = await start( node, sub );
		const joined = await started.visitor.next( 'message', ( m ) => m.event === 'agent_joined' );
		return { ...started, agent: joined.name ?? '' };
	}

	test( 'the longest-idle agent gets the next chat, whichever node either is on', async () => {
		// One chat each at most: two chats at once then need both agents, so both are candidates
		// (an agent just online is one once the store said when it was last busy, which under load
		// can take longer than a whole chat) before the order of idleness is tested.
		const onA = await onlineAgent( a, 'wp:20', 'Ada', 1 );
		const onB = await onlineAgent( b, 'wp:21', 'Ben', 1 );
		const end = async ( c: { id: string; visitor: TestClient; agent: string } ): Promise< void > => {
			( c.agent === 'Ada' ? onA : onB ).send( { type: 'end', chatId: c.id } );
			await c.visitor.next( 'chat', ( f ) => f.chat.status === 'closed' );
			c.visitor.close();
		};
		const [ first, second ] = await Promise.all( [ startJoined( b, 'r1' ), startJoined( a, 'r2' ) ] );
		expect( [ first.agent, second.agent ].sort() ).toEqual( [ 'Ada', 'Ben' ] );
		await end( first );
		await end( second );
		// Now the one whose chat ended first has been idle longest, wherever the visitor starts.
		for ( const [ node, sub ] of [ [ a, 'r3' ], [ b, 'r4' ] ] as const ) {
			const next = await startJoined( node, sub );
			expect( next.agent ).toBe( first.agent );
			await end( next );
			const after = await startJoined( node === a ? b : a, `${ sub }-other` );
			expect( after.agent ).toBe( second.agent );
			await end( after );
		}
		onA.close();
		onB.close();
	}, 30_000 );

	test( 'visitors starting on both nodes at once: no chat goes to two agents, no agent over its limit, the rest wait', async () => {
		const limits: Record< string, number > = { Cat: 2, Dan: 2, Eve: 1 };
		const agents = [ await onlineAgent( a, 'wp:30', 'Cat', 2 ), await onlineAgent( b, 'wp:31', 'Dan', 2 ), await onlineAgent( b, 'wp:32', 'Eve', 1 ) ];
		// Every chat each agent is given, as its console hears it.
		const held = new Map< string, Set< string > >( Object.keys( limits ).map( ( name ) => [ name, new Set() ] ) );
		const total = (): number => [ ...held.values() ].reduce( ( n, chats ) => n + chats.size, 0 );
		let all: () => void = () => undefined;
		const allGiven = new Promise< void >( ( resolve ) => ( all = resolve ) );
		for ( const [ i, agent ] of agents.entries() ) {
			const name = Object.keys( limits )[ i ];
			agent.ws.on( 'message', ( data ) => {
				const f = JSON.parse( data.toString() ) as ServerFrame;
				if ( f.type === 'chat' && f.chat.status === 'active' && f.chat.agentName === name ) held.get( name )!.add( f.chat.id );
				if ( total() >= 5 ) all();
			} );
		}
		const status = async (): Promise< { open: number; waiting: number } > => ( await a.http( 'GET', '/admin/status?site=test', undefined, a.token( 'site', 'wp' ) ) ).body;
		const before = await status();
		const chats = await Promise.all( Array.from( { length: 12 }, ( _, i ) => start( i % 2 ? a : b, `h${ i }` ) ) );
		await allGiven;
		// Barrier: the serving node counts seven waiting, and a round trip on each console proves it has heard everything sent before.
		expect( await status() ).toMatchObject( { open: before.open + 12, waiting: before.waiting + 7 } );
		for ( const agent of agents ) {
			agent.send( { type: 'presence', online: true } );
			await agent.next( 'presence', ( p ) => p.online );
		}
		expect( Object.fromEntries( [ ...held ].map( ( [ name, chats ] ) => [ name, chats.size ] ) ) ).toEqual( limits );
		const given = [ ...held.values() ].flatMap( ( chats ) => [ ...chats ] );
		expect( new Set( given ).size ).toBe( given.length ); // no chat to two agents
		expect( given.every( ( id ) => chats.some( ( c ) => c.id === id ) ) ).toBe( true );
		for ( const c of chats ) c.visitor.close();
		for ( const agent of agents ) agent.close();
	}, 30_000 );
} );

describe( 'the node serving the site stops', () => {
	test( 'a no-storage chat carries on on the other node: both sides told, numbering above what either holds, no text in PostgreSQL', async () => {
		const [ a, b ] = await twoNodes();
		const stopped = b; // b serves nothing: both clients are on it, their chat runs on a
		const agent = await b.connect( 'agent', 'wp:9', 'Cy' );
		agent.send( { type: 'presence', online: true } );
		await agent.next( 'presence', ( p ) => p.online );
		const visitor = await b.connect( 'visitor', 'v9' );
		visitor.send( { type: 'start', clientId: 's', text: 'before the stop', mode: 'ephemeral' } );
		const { chat, code } = await visitor.next( 'started' );
		expect( chat.mode ).toBe( 'ephemeral' );
		visitor.send( { type: 'send', chatId: chat.id, clientId: 'm1', text: 'one more before' } );
		const held = await visitor.acked( 'm1' );
		await agent.next( 'message', ( m ) => m.text === 'one more before' );

		// The owner goes; both connections are asked to reconnect (1012), and b takes the site over.
		await a.stop();
		expect( ( await visitor.closed ).code ).toBe( 1012 );
		expect( ( await agent.closed ).code ).toBe( 1012 );
		await servedThrough( stopped );

		const back = await TestClient.open( b.wsUrl, ORIGIN );
		back.send( { type: 'hello', token: b.token( 'visitor', 'v9' ), resume: { chatId: chat.id, code, lastSeq: held } } );
		const welcome = await back.next( 'welcome' );
		expect( welcome.chats[ 0 ] ).toMatchObject( { id: chat.id, mode: 'ephemeral' } );
		const notice = await back.next( 'message', ( m ) => m.event === 'memory_lost' );
		expect( notice.seq ).toBeGreaterThan( held );

		const agentBack = await b.connect( 'agent', 'wp:9', 'Cy' );
		agentBack.send( { type: 'sync', chatId: chat.id, afterSeq: held } );
		await agentBack.next( 'message', ( m ) => m.event === 'memory_lost' );
		back.send( { type: 'send', chatId: chat.id, clientId: 'm2', text: 'after the stop' } );
		const after = await agentBack.next( 'message', ( m ) => m.text === 'after the stop' );
		expect( after.seq ).toBeGreaterThan( notice.seq );
		agentBack.send( { type: 'send', chatId: chat.id, clientId: 'r2', text: 'still here' } );
		await back.next( 'message', ( m ) => m.text === 'still here' );

		const rows = pg.psql( b.config.databaseUrl as string, 'SELECT count(*) FROM messages' );
		expect( rows.trim() ).toBe( '0' );
		back.close();
		agentBack.close();
		await b.stop();
	}, 30_000 );
} );
