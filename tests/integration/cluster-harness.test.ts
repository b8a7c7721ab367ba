/**
 * The multi-node harness itself (tests/helpers/cluster.ts) and the load
 * balancing in docs/deploy/nginx.conf: three nodes on one PostgreSQL and one
 * Redis behind nginx. Nothing here is about chats across nodes; it shows
 * that the nodes, nginx and the restart the cluster tests rely on work.
 *
 * Three nodes, because nginx takes a node it saw fail out of its rotation for
 * fail_timeout (10 s): after node 0 is killed and another drains, the third
 * is the one left to land on, and no test waits those 10 s.
 *
 * In the `integration` project: it starts its own PostgreSQL (the `postgres`
 * project's is for running the engine-neutral suites again).
 */
import { servesTheSite, startCluster, type Cluster, type Connected } from '../helpers/cluster';
import { CLOSE } from '../../server/protocol';

jest.setTimeout( 30_000 );

let cluster: Cluster;

beforeAll( async () => {
	// drainSeconds: after SIGTERM a node refuses new sockets with 503 for a second before its port closes.
	cluster = await startCluster( { nodes: 3, service: { drainSeconds: 1 } } );
}, 60_000 );

afterAll( async () => {
	await cluster?.stop();
} );

/** For a failing expectation: what the nodes and nginx said. */
function logs(): string {
	return [ ...cluster.nodes.map( ( n ) => `--- node ${ n.index }\n${ n.log().slice( -2000 ) }` ), `--- nginx\n${ cluster.lbErrors() }` ].join( '\n' );
}

/**
 * `n` sockets through nginx, one after the other. Each open socket counts for
 * least_conn, so the nodes nginx uses get one each before any gets two.
 */
async function throughLb( n: number, sub: string ): Promise< Connected[] > {
	const out: Connected[] = [];
	for ( let i = 0; i < n; i++ ) out.push( await cluster.connect( 'lb', 'visitor', `${ sub }-${ i }` ) );
	return out;
}

/** Closes them and waits until each is closed, by which time nginx has let go of their nodes' connections too. */
async function closeAll( connections: Connected[] ): Promise< void > {
	for ( const c of connections ) c.client.close();
	await Promise.all( connections.map( ( c ) => c.client.closed ) );
}

test( 'every node is ready on its own port and through nginx, which reaches each of them', async () => {
	for ( const node of cluster.nodes ) {
		const res = await fetch( `${ node.url }/readyz` );
		expect( { status: res.status, body: await res.json() } ).toEqual( { status: 200, body: { status: 'ready' } } );
	}
	// With no connection open, least_conn takes the nodes in turn.
	const answered = new Set< number >();
	for ( let i = 0; i < 6; i++ ) {
		const { status, body, node } = await cluster.viaLb( '/readyz' );
		expect( { status, body } ).toEqual( { status: 200, body: { status: 'ready' } } );
		answered.add( node.index );
	}
	expect( [ ...answered ].sort() ).toEqual( [ 0, 1, 2 ] );
} );

test( 'sockets through nginx spread over the nodes; a client can also go straight to the node it wants', async () => {
	const through = await throughLb( 3, 'v-spread' );
	expect( through.map( ( c ) => c.node.index ).sort() ).toEqual( [ 0, 1, 2 ] );
	// The next socket goes to the node with the fewest (least_conn), not the next in turn (round robin: the first's).
	await closeAll( [ through[ 1 ] ] );
	const refill = await cluster.connect( 'lb', 'visitor', 'v-spread-refill' );
	expect( refill.node ).toBe( through[ 1 ].node );

	const direct = await cluster.connect( cluster.nodes[ 1 ], 'agent', 'wp:1' );
	expect( direct.welcome ).toMatchObject( { role: 'agent', name: 'Ann' } );
	expect( direct.node.index ).toBe( 1 );
	await closeAll( [ through[ 0 ], through[ 2 ], refill, direct ] );
} );

test( 'after a SIGKILL of node 0 its sockets close, a reconnect through nginx lands on a live node, and so do requests', async () => {
	const open = await throughLb( 3, 'v-kill' );
	const onZero = open.find( ( c ) => c.node.index === 0 );
	if ( ! onZero ) throw new Error( `no socket on node 0 (${ open.map( ( c ) => c.node.index ) }):\n${ logs() }` );

	await cluster.nodes[ 0 ].kill( 'SIGKILL' );
	expect( cluster.nodes[ 0 ].running() ).toBe( false );
	await onZero.client.closed;

	// Node 0 now holds the fewest sockets, so nginx tries it first, is refused, and passes the upgrade on.
	const again = await cluster.connect( 'lb', 'visitor', 'v-kill-again' );
	expect( again.tried.map( ( n ) => n.index ) ).toEqual( [ 0, again.node.index ] );
	expect( again.node.index ).not.toBe( 0 );

	// nginx now leaves node 0 out: every request is answered by another node at the first try.
	for ( let i = 0; i < 4; i++ ) {
		const { status, tried } = await cluster.viaLb( '/readyz' );
		expect( status ).toBe( 200 );
		expect( tried ).toHaveLength( 1 );
		expect( tried[ 0 ].index ).not.toBe( 0 );
	}
	await closeAll( [ ...open.filter( ( c ) => c !== onZero ), again ] );
} );

test( 'a killed node starts again on its port and is ready', async () => {
	const node = cluster.nodes[ 0 ];
	const { port } = node;
	await node.restart();
	expect( node.running() ).toBe( true );
	const res = await fetch( `http://127.0.0.1:${ port }/readyz` );
	expect( res.status ).toBe( 200 );
	expect( node.log() ).toContain( 'started again' );
}, 15_000 );

test( 'a node draining after SIGTERM sends its clients away, and nginx passes their reconnects (503) to a live node', async () => {
	// Node 1 or 2, whichever does not serve the site: draining the one that does would also send away the sockets
	// the other forwards to it, and this test is about nginx, not a change of owner (cluster-failover.test.ts).
	const draining = [ cluster.nodes[ 1 ], cluster.nodes[ 2 ] ].find( ( n ) => ! servesTheSite( n ) )!;
	// Every node nginx uses gets a socket (node 0 may still be out of its rotation after its failure above).
	const open = await throughLb( 3, 'v-drain' );
	const onIt = open.filter( ( c ) => c.node === draining );
	if ( onIt.length === 0 ) throw new Error( `no socket on node ${ draining.index } (${ open.map( ( c ) => c.node.index ) }):\n${ logs() }` );

	const exited = draining.kill( 'SIGTERM' );
	// Told to reconnect; from now until its port closes, the node answers upgrades with 503.
	for ( const c of onIt ) expect( ( await c.client.closed ).code ).toBe( CLOSE.serviceRestart );
	// It holds the fewest sockets now, so nginx asks it first.
	const again = await cluster.connect( 'lb', 'visitor', 'v-drain-again' );
	expect( again.tried.map( ( n ) => n.index ) ).toEqual( [ draining.index, again.node.index ] );
	expect( again.node ).not.toBe( draining );
	await exited;
	await closeAll( [ ...open.filter( ( c ) => ! onIt.includes( c ) ), again ] );
} );
