/**
 * Assignment and cluster-once jobs across nodes on PostgreSQL: two stores on
 * one database stand for two service nodes, routing at the same moment. The
 * contract suite (assignment.contract.ts) says what one store does; this is
 * what only a race between two can show. One throw-away PostgreSQL 15 for
 * the file, a fresh database per test.
 */
import pg from 'pg';
import { PostgresStore } from '../../server/store/postgres-store';
import { agentKey } from '../../server/store/postgres/locks';
import type { AssignOutcome, Assignment, ChatRecord } from '../../server/store/types';
import { chatRecord, T0 } from '../contract/chat-store.contract';
import { capturedLog } from '../helpers/log';
import { postgresStores } from '../helpers/postgres-stores';

const stores = postgresStores();
const open = stores.open;

const turn = (): Promise< void > => new Promise( ( r ) => setImmediate( r ) );

/** A small seeded generator (mulberry32): the same attempts on every run; only the race between the nodes varies. */
function seeded( seed: number ): < T >( list: readonly T[] ) => T {
	let s = seed;
	const next = (): number => {
		s = ( s + 0x6d2b79f5 ) | 0;
		let t = Math.imul( s ^ ( s >>> 15 ), 1 | s );
		t = ( t + Math.imul( t ^ ( t >>> 7 ), 61 | t ) ) ^ t;
		return ( ( t ^ ( t >>> 14 ) ) >>> 0 ) / 4294967296;
	};
	return ( list ) => list[ Math.floor( next() * list.length ) ];
}

interface Agent {
	sub: string;
	name: string;
	max: number;
}

const AGENTS: Agent[] = [
	{ sub: 'wp:1', name: 'Ann', max: 1 },
	{ sub: 'wp:2', name: 'Bob', max: 2 },
	{ sub: 'wp:3', name: 'Cy', max: 3 },
	{ sub: 'wp:4', name: 'Di', max: 3 },
];

interface Attempt {
	node: number;
	chat: string;
	agent: Agent;
	from?: string;
}

/**
 * Calls every attempt, a few per node per event-loop turn, so each node's
 * batches are small and the two nodes' batches overlap all through; each
 * batch holds assignments to several agents (their locks, in one order).
 */
async function race( nodes: PostgresStore[], attempts: Attempt[] ): Promise< AssignOutcome[] > {
	const calls: Array< Promise< AssignOutcome > > = [];
	for ( let i = 0; i < attempts.length; i++ ) {
		const { node, chat, agent, from } = attempts[ i ];
		const a: Assignment = { agent: { sub: agent.sub, name: agent.name }, maxChats: agent.max, status: i % 3 ? 'active' : 'away', at: T0 + i, from };
		calls.push( nodes[ node ].assign( chat, a ) );
		if ( i % 10 === 9 ) await turn();
	}
	return Promise.all( calls );
}

type State = Map< string, { record: ChatRecord; history: string[] } >;

/** Every chat as the store has it now, with its status history. */
async function readBack( store: PostgresStore, chats: ChatRecord[] ): Promise< State > {
	const out: State = new Map();
	for ( const c of chats ) {
		out.set( c.id, { record: ( await store.getChat( c.id ) )!, history: ( await store.statusHistory( c.id ) ).map( ( e ) => e.status ) } );
	}
	return out;
}

const openOf = ( state: State, sub: string ): string[] =>
	[ ...state.values() ].filter( ( s ) => s.record.agentSub === sub && s.record.status !== 'closed' ).map( ( s ) => s.record.id );

/**
 * One round of the race, checked. `agents` have these limits in it;
 * `gaining` are the agents that only gain
 * chats in it (no chat of theirs is moved away or ends meanwhile), so what
 * they hold at its end is the most they held at any moment of it.
 */
async function round( nodes: PostgresStore[], chats: ChatRecord[], attempts: Attempt[], agents: Agent[], gaining: Agent[] ): Promise< AssignOutcome[] > {
	const before = await readBack( nodes[ 0 ], chats );
	const outcomes = await race( nodes, attempts );
	const after = await readBack( nodes[ 1 ], chats );
	const won = new Map< string, Attempt >();
	attempts.forEach( ( t, i ) => {
		if ( outcomes[ i ] !== 'assigned' ) return;
		expect( won.has( t.chat ) ).toBe( false ); // one 'assigned' per chat, across both nodes
		won.set( t.chat, t );
	} );
	for ( const c of chats ) {
		const was = before.get( c.id )!;
		const { record, history } = after.get( c.id )!;
		const winner = won.get( c.id );
		// Every 'assigned' is true in the store, with one history entry; nothing else moved a chat.
		expect( record.agentSub ).toBe( winner?.agent.sub ?? was.record.agentSub );
		expect( history ).toEqual( winner ? [ ...was.history, record.status ] : was.history );
	}
	for ( const agent of gaining ) {
		const wins = [ ...won.values() ].filter( ( t ) => t.agent.sub === agent.sub ).length;
		expect( openOf( after, agent.sub ) ).toHaveLength( openOf( before, agent.sub ).length + wins );
		expect( openOf( after, agent.sub ).length ).toBeLessThanOrEqual( agent.max );
	}
	for ( const agent of agents ) expect( openOf( after, agent.sub ).length ).toBeLessThanOrEqual( agent.max );
	return outcomes;
}

/** Ends every open chat, so the next round starts with every agent free. */
async function endAll( store: PostgresStore, chats: ChatRecord[] ): Promise< void > {
	const state = await readBack( store, chats );
	await Promise.all( chats.filter( ( c ) => state.get( c.id )!.record.status !== 'closed' ).map( ( c ) => store.setStatus( c.id, 'closed', T0 + 9_000 ) ) );
}

test( 'two nodes assigning and transferring the same chats to the same agents at once: no chat goes twice, no agent over its limit, every answer true', async () => {
	const url = stores.server().createDatabase();
	const { log, lines } = capturedLog();
	const nodes = [ await open( url, { log } ), await open( url, { log } ) ];
	const pick = seeded( 17 );
	const seen = new Set< AssignOutcome >();
	const fresh = async ( n: number ): Promise< ChatRecord[] > => {
		const chats = Array.from( { length: n }, () => chatRecord() );
		await Promise.all( chats.map( ( c ) => nodes[ 0 ].insertChat( c ) ) );
		return chats;
	};

	// Takes (dispatch, take): every round starts with every agent free, and both nodes'
	// first batches ask for every agent in the same turn, so they count at the edge together.
	for ( let r = 0; r < 8; r++ ) {
		const chats = await fresh( 24 );
		const takes = Array.from( { length: 60 }, ( _, i ) => ( { node: i % 2, chat: pick( chats ).id, agent: pick( AGENTS ) } ) );
		( await round( nodes, chats, takes, AGENTS, AGENTS ) ).forEach( ( o ) => seen.add( o ) );
		await endAll( nodes[ 0 ], chats );
	}
	expect( seen ).toEqual( new Set( [ 'assigned', 'taken', 'limit' ] ) );

	// Transfers: Ann and Bob hold three chats each and hand them to Cy and Di, who have room
	// for one each, from both nodes at once (each node's first batch of a round has transfers
	// to both); in every other round both nodes also give Cy and Di waiting chats (a batch
	// with a take to Cy holds Cy's lock for all its writes, so the other rounds have transfers
	// only). Cy and Di only gain, Ann and Bob only lose.
	const givers = [ { ...AGENTS[ 0 ], max: 3 }, { ...AGENTS[ 1 ], max: 3 } ];
	const receivers = AGENTS.slice( 2 ).map( ( a ) => ( { ...a, max: 1 } ) );
	let transferred = 0;
	for ( let r = 0; r < 8; r++ ) {
		const chats = await fresh( 18 );
		const given = chats.slice( 0, 6 );
		for ( const [ i, c ] of given.entries() ) {
			const g = givers[ i % 2 ];
			await nodes[ 0 ].assign( c.id, { agent: { sub: g.sub, name: g.name }, maxChats: g.max, status: 'active', at: T0 } );
		}
		const moves = Array.from( { length: 40 }, ( _, i ): Attempt => {
			const node = ( i >> 1 ) % 2;
			if ( i % 2 === 1 && r % 2 === 1 ) return { node, chat: pick( chats ).id, agent: pick( receivers ) };
			// Each node moves its own half: batches that shared a chat's row would run one after the other.
			const k = node * 3 + pick( [ 0, 1, 2 ] );
			return { node, chat: given[ k ].id, agent: pick( receivers ), from: givers[ k % 2 ].sub };
		} );
		const outcomes = await round( nodes, chats, moves, [ ...givers, ...receivers ], receivers );
		transferred += moves.filter( ( t, i ) => t.from !== undefined && outcomes[ i ] === 'assigned' ).length;
		expect( outcomes ).toContain( 'limit' );
		await endAll( nodes[ 0 ], chats );
	}
	expect( transferred ).toBeGreaterThan( 0 );

	// The batches' lock order held: no batch met a deadlock and had to run again.
	expect( lines ).toEqual( [] );
}, 120_000 );

test( "a batch takes its agents' locks in one order, whatever the order of its assignments: two nodes' batches cannot wait for each other in a circle", async () => {
	const url = stores.server().createDatabase();
	const node = await open( url );
	const [ low, high ] = [ 'wp:1', 'wp:2' ].sort( ( a, b ) => ( agentKey( a ) < agentKey( b ) ? -1 : 1 ) );
	const [ first, second ] = [ chatRecord(), chatRecord() ];
	await node.insertChat( first );
	await node.insertChat( second );
	// Another session (another node's batch, say) holds the agent that comes later in key order.
	const other = new pg.Client( { connectionString: url } );
	await other.connect();
	try {
		await other.query( 'BEGIN' );
		await other.query( 'SELECT pg_advisory_xact_lock($1::bigint)', [ String( agentKey( high ) ) ] );
		// One batch, the later agent's assignment called first.
		const a = ( sub: string ): Assignment => ( { agent: { sub, name: sub }, maxChats: 5, status: 'active', at: T0 } );
		const calls = [ node.assign( first.id, a( high ) ), node.assign( second.id, a( low ) ) ];
		const blocked = "SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND NOT l.granted";
		await stores.server().until( url, `SELECT EXISTS (${ blocked })` );
		// While it waits for the later one, it already holds the earlier one: key order, not call order.
		expect( stores.server().psql( url, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid IN (${ blocked })` ) ).toBe( '1' );
		await other.query( 'ROLLBACK' );
		expect( await Promise.all( calls ) ).toEqual( [ 'assigned', 'assigned' ] );
	} finally {
		await other.end();
	}
} );

/** A job that waits inside until released: `entered` once it runs. */
function heldJob(): { entered: Promise< void >; release: () => void; job: () => Promise< void > } {
	let entered!: () => void;
	let release!: () => void;
	const inside = new Promise< void >( ( r ) => ( entered = r ) );
	const gate = new Promise< void >( ( r ) => ( release = r ) );
	return { entered: inside, release, job: async () => {
		entered();
		await gate;
	} };
}

test( 'a cluster-once job runs on one node at a time, whichever node asks; a node that dies frees it at once', async () => {
	const url = stores.server().createDatabase();
	const { log, lines } = capturedLog();
	const [ a, b ] = [ await open( url, { log } ), await open( url, { log } ) ];
	const ran: string[] = [];

	const first = heldJob();
	const running = a.exclusive( 'retention', first.job );
	await first.entered;
	expect( await b.exclusive( 'retention', async () => void ran.push( 'b: retention' ) ) ).toBe( false );
	expect( await b.exclusive( 'sweep', async () => void ran.push( 'b: sweep' ) ) ).toBe( true );
	first.release();
	expect( await running ).toBe( true );
	expect( await b.exclusive( 'retention', async () => void ran.push( 'b: retention' ) ) ).toBe( true );
	expect( ran ).toEqual( [ 'b: sweep', 'b: retention' ] );

	// Both nodes ask at once, over and over: a job is never inside twice, and each 'true' ran it once.
	let inside = 0;
	let most = 0;
	let runs = 0;
	const job = ( store: PostgresStore ) => async (): Promise< void > => {
		inside++;
		runs++;
		most = Math.max( most, inside );
		await store.lastSeq( 'none' ); // a round trip to PostgreSQL while inside
		inside--;
	};
	const answers = await Promise.all( Array.from( { length: 60 }, ( _, i ) => ( i % 2 ? a : b ).exclusive( 'retention', job( i % 2 ? a : b ) ) ) );
	expect( most ).toBe( 1 );
	expect( runs ).toBe( answers.filter( Boolean ).length );
	expect( runs ).toBeGreaterThan( 0 );
	expect( answers ).toContain( false );

	// Node A dies holding the lock (its session ends): B need not wait for anything to expire.
	const second = heldJob();
	const orphaned = a.exclusive( 'retention', second.job );
	await second.entered;
	expect( stores.server().psql( url, "SELECT count(pg_terminate_backend(pid, 10000)) FROM pg_locks WHERE locktype = 'advisory' AND granted" ) ).toBe( '1' );
	expect( await b.exclusive( 'retention', async () => void ran.push( 'b: after A died' ) ) ).toBe( true );
	second.release();
	// A's job ran to its end; the lock it could not release went with its session; A connects anew.
	expect( await orphaned ).toBe( true );
	expect( await a.exclusive( 'retention', async () => void ran.push( 'a: again' ) ) ).toBe( true );
	expect( ran.slice( -2 ) ).toEqual( [ 'b: after A died', 'a: again' ] );
	expect( lines.some( ( l ) => l.includes( 'job lock' ) ) ).toBe( true );
}, 60_000 );
