/**
 * The AddressLimits contract (server/address-limits.ts states it), written
 * against the interface only. A one-node implementation runs the first
 * part; one whose counts the nodes share (harness.nodes 2) also the part
 * across nodes. tests/unit/address-limits.test.ts runs it on memory,
 * tests/integration/redis-address-limits.test.ts on Redis.
 */
import type { AddressLimits, AddressLimitSettings } from '../../server/address-limits';

export interface LimitsCluster {
	/** Another node on this cluster's counters (a one-node harness gives one). */
	node(): Promise< AddressLimits >;
	/** Closes its nodes and removes what they left. */
	close(): Promise< void >;
}

export interface AddressLimitsHarness {
	/** How many nodes may share one cluster's counters. */
	nodes: 1 | 2;
	/** Fresh counters, nothing counted yet. */
	cluster( settings: AddressLimitSettings ): Promise< LimitsCluster >;
}

const A = '203.0.113.7';
const B = '2001:db8::1';

export function addressLimitsContract( harness: AddressLimitsHarness ): void {
	const open: LimitsCluster[] = [];
	afterEach( async () => {
		for ( const c of open.splice( 0 ) ) await c.close();
	} );
	const cluster = async ( s: AddressLimitSettings ): Promise< LimitsCluster > => {
		const c = await harness.cluster( s );
		open.push( c );
		return c;
	};
	/** A clock the test moves; starts at the real time (Redis expires by the real one). */
	const clock = (): { now: () => number; advance: ( ms: number ) => void } => {
		let t = Date.now();
		return { now: () => t, advance: ( ms ) => ( t += ms ) };
	};

	test( 'an address gets connections up to the limit, another after a release; another address is not affected', async () => {
		const n = await ( await cluster( { maxConnections: 2, maxFailures: 3 } ) ).node();
		expect( await n.acquireConnection( A ) ).toBe( true );
		expect( await n.acquireConnection( A ) ).toBe( true );
		expect( await n.acquireConnection( A ) ).toBe( false );
		expect( await n.acquireConnection( B ) ).toBe( true );
		await n.releaseConnection( A );
		expect( await n.acquireConnection( A ) ).toBe( true );
		expect( await n.acquireConnection( A ) ).toBe( false );
	} );

	test( 'a refused connection counts nothing, and releasing more than was acquired does not make room', async () => {
		const n = await ( await cluster( { maxConnections: 1, maxFailures: 3 } ) ).node();
		expect( await n.acquireConnection( A ) ).toBe( true );
		expect( await n.acquireConnection( A ) ).toBe( false );
		await n.releaseConnection( A );
		await n.releaseConnection( A );
		await n.releaseConnection( B );
		expect( await n.acquireConnection( A ) ).toBe( true );
		expect( await n.acquireConnection( A ) ).toBe( false );
	} );

	test( 'failures: an address may try until it has the limit within the window, then again as they age out; per address', async () => {
		const t = clock();
		const n = await ( await cluster( { maxConnections: 2, maxFailures: 3, failureWindowMs: 60_000, now: t.now } ) ).node();
		await n.recordFailure( A );
		t.advance( 20_000 );
		await n.recordFailure( A );
		expect( await n.mayTry( A ) ).toBe( true );
		await n.recordFailure( A );
		expect( await n.mayTry( A ) ).toBe( false );
		expect( await n.mayTry( B ) ).toBe( true );
		t.advance( 40_001 ); // the first failure is out of the window
		expect( await n.mayTry( A ) ).toBe( true );
		await n.recordFailure( A );
		expect( await n.mayTry( A ) ).toBe( false );
	} );

	if ( harness.nodes < 2 ) return;

	test( 'two nodes: one address\'s connections are limited across both; another address is not affected', async () => {
		const c = await cluster( { maxConnections: 3, maxFailures: 3 } );
		const [ n1, n2 ] = [ await c.node(), await c.node() ];
		expect( await n1.acquireConnection( A ) ).toBe( true );
		expect( await n2.acquireConnection( A ) ).toBe( true );
		expect( await n1.acquireConnection( A ) ).toBe( true );
		expect( await n2.acquireConnection( A ) ).toBe( false );
		expect( await n1.acquireConnection( A ) ).toBe( false );
		expect( await n2.acquireConnection( B ) ).toBe( true );
		await n1.releaseConnection( A );
		expect( await n2.acquireConnection( A ) ).toBe( true );
		expect( await n1.acquireConnection( A ) ).toBe( false );
	} );

	test( 'two nodes acquiring at once never go over the limit together', async () => {
		const c = await cluster( { maxConnections: 5, maxFailures: 3 } );
		const [ n1, n2 ] = [ await c.node(), await c.node() ];
		const answers = await Promise.all( Array.from( { length: 24 }, ( _, i ) => ( i % 2 ? n1 : n2 ).acquireConnection( A ) ) );
		expect( answers.filter( Boolean ) ).toHaveLength( 5 );
	} );

	test( 'two nodes: failures add up across both', async () => {
		const c = await cluster( { maxConnections: 2, maxFailures: 3 } );
		const [ n1, n2 ] = [ await c.node(), await c.node() ];
		await n1.recordFailure( A );
		await n2.recordFailure( A );
		expect( await n1.mayTry( A ) ).toBe( true );
		await n2.recordFailure( A );
		expect( await n1.mayTry( A ) ).toBe( false );
		expect( await n2.mayTry( A ) ).toBe( false );
		expect( await n1.mayTry( B ) ).toBe( true );
	} );

	test( 'a node that closes takes its connections with it', async () => {
		const c = await cluster( { maxConnections: 2, maxFailures: 3 } );
		const [ n1, n2 ] = [ await c.node(), await c.node() ];
		expect( await n2.acquireConnection( A ) ).toBe( true );
		expect( await n2.acquireConnection( A ) ).toBe( true );
		expect( await n1.acquireConnection( A ) ).toBe( false );
		await n2.close();
		expect( await n1.acquireConnection( A ) ).toBe( true );
		expect( await n1.acquireConnection( A ) ).toBe( true );
		expect( await n1.acquireConnection( A ) ).toBe( false );
	} );
}
