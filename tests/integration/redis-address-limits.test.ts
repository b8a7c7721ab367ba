/**
 * The address limits shared through Redis (server/cluster/address-counters.ts
 * and address-secrets.ts): the AddressLimits contract with two nodes, a
 * node SIGKILLed (a real process) whose counts expire, an outage answered
 * from the node's own counts, and the nodes agreeing on the address secret.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { ADDRESS_SECRET_CHANNEL, AddressSecrets } from '../../server/cluster/address-secrets';
import { RedisAddressLimits, type RedisAddressLimitsOptions } from '../../server/cluster/address-counters';
import { NodeBus } from '../../server/cluster/bus';
import { closeRedis, openRedis, whenReady } from '../../server/cluster/redis';
import { addressLimitsContract } from '../contract/address-limits.contract';
import { capturedLog } from '../helpers/captured-log';
import { startRedis, type RunningRedis } from '../helpers/redis';

const BUILD = resolve( __dirname, '../../build/server/cluster' );
const log = capturedLog().log;
let redis: RunningRedis;
let made = 0;
beforeAll( async () => {
	redis = await startRedis( { persistence: false } );
} );
afterAll( () => redis?.stop() );

/** A node: its bus, its command connection, its limits; close() closes all three. */
async function limitsNode( url: string, o: Omit< RedisAddressLimitsOptions, 'redis' | 'bus' | 'log' > ) {
	const bus = await NodeBus.open( url, { log, namespace: o.namespace } );
	const client = openRedis( url, { log, role: 'counters' } );
	const limits = await RedisAddressLimits.start( { ...o, redis: client, bus, log } );
	return {
		bus,
		client,
		limits,
		close: async () => {
			await limits.close();
			await closeRedis( client );
			await bus.close();
		},
	};
}

describe( 'AddressLimits contract on Redis, two nodes', () => {
	addressLimitsContract( {
		nodes: 2,
		async cluster( settings ) {
			const namespace = `contract-${ ++made }`;
			const nodes: Array< Awaited< ReturnType< typeof limitsNode > > > = [];
			return {
				async node() {
					const n = await limitsNode( redis.url, { ...settings, namespace } );
					nodes.push( n );
					return n.limits;
				},
				async close() {
					for ( const n of nodes ) await n.close();
				},
			};
		},
	} );
} );

const X = '198.51.100.23';

test( 'a node SIGKILLed holding connections: its counts expire with its TTL, and the address may connect again', async () => {
	const namespace = `killed-${ ++made }`;
	const watcher = new Redis( redis.url );
	const events = new Redis( redis.url );
	await watcher.config( 'SET', 'notify-keyspace-events', 'Ex' );
	await events.psubscribe( '__keyevent@*__:expired' );
	const expired: string[] = [];
	events.on( 'pmessage', ( _p, _c, key: string ) => expired.push( key ) );

	// The other node is a real process on the built code (the integration setup builds it), killed without a goodbye.
	const child = spawn( process.execPath, [ '-e', CHILD_NODE, BUILD, redis.url, namespace, X ], { stdio: [ 'ignore', 'pipe', 'pipe' ] } );
	let out = '';
	child.stderr.on( 'data', ( d ) => ( out += d ) );
	const [ line ] = ( await once( child.stdout, 'data' ) ) as [ Buffer ];
	const childId = ( JSON.parse( line.toString() ) as { node: string } ).node;
	const node = await limitsNode( redis.url, { namespace, maxConnections: 3, maxFailures: 3 } );
	try {
		expect( await node.limits.acquireConnection( X ) ).toBe( false ); // the child holds all 3
		const gone = new Promise< void >( ( done ) => {
			const key = `${ namespace }:addr:conn:${ childId }`;
			events.on( 'pmessage', () => expired.includes( key ) && done() );
		} );
		child.kill( 'SIGKILL' );
		await once( child, 'exit' );
		await gone;
		expect( await node.limits.acquireConnection( X ) ).toBe( true );
		expect( await watcher.sismember( `${ namespace }:addr:nodes`, childId ) ).toBe( 0 ); // the script dropped the dead node
	} finally {
		child.kill( 'SIGKILL' );
		await node.close();
		await closeRedis( watcher );
		await closeRedis( events );
	}
	expect( out ).toBe( '' );
} );

/** The child node: 3 connections for the address, its node id on stdout, then it waits to be killed. */
const CHILD_NODE = `
const [ build, url, namespace, address ] = process.argv.slice( 1 );
const pino = require( 'pino' );
const { NodeBus } = require( build + '/bus.js' );
const { openRedis } = require( build + '/redis.js' );
const { RedisAddressLimits } = require( build + '/address-counters.js' );
( async () => {
	const log = pino( { level: 'error' }, pino.destination( 2 ) );
	const bus = await NodeBus.open( url, { log, namespace } );
	const limits = await RedisAddressLimits.start( { redis: openRedis( url, { log, role: 'counters' } ), bus, log, namespace, maxConnections: 3, maxFailures: 3, nodeTtlMs: 600 } );
	for ( let i = 0; i < 3; i++ ) if ( ! ( await limits.acquireConnection( address ) ) ) throw new Error( 'refused' );
	process.stdout.write( JSON.stringify( { node: bus.id } ) + '\\n' );
} )().catch( ( e ) => { console.error( e ); process.exit( 1 ); } );
`;

test( 'Redis gone: each node answers from its own counts; once back, the node writes its counts again and the limit holds across nodes', async () => {
	const own = await startRedis( { persistence: false } );
	const namespace = `outage-${ ++made }`;
	const n1 = await limitsNode( own.url, { namespace, maxConnections: 3, maxFailures: 2 } );
	const n2 = await limitsNode( own.url, { namespace, maxConnections: 3, maxFailures: 2 } );
	try {
		expect( await n1.limits.acquireConnection( X ) ).toBe( true );
		await own.kill();
		expect( await n1.limits.acquireConnection( X ) ).toBe( true );
		expect( await n1.limits.acquireConnection( X ) ).toBe( true );
		expect( await n1.limits.acquireConnection( X ) ).toBe( false ); // this node's own count: 3
		await n1.limits.recordFailure( X );
		await n1.limits.recordFailure( X );
		expect( await n1.limits.mayTry( X ) ).toBe( false ); // this node's own failures
		expect( await n2.limits.mayTry( X ) ).toBe( true ); // n2 saw none, and cannot ask

		// Started again empty (no persistence): n1's "ready" rewrites its hash; a PING after it on the same connection is answered after.
		// n2 must be connected again too, else it answers from its own counts (none).
		await own.start();
		await Promise.all( [ whenReady( n1.client, 10_000 ), whenReady( n2.client, 10_000 ) ] );
		await new Promise( ( r ) => setImmediate( r ) ); // ioredis emits 'ready' on the tick after its status says so
		await n1.client.ping();
		expect( await n2.limits.acquireConnection( X ) ).toBe( false );
	} finally {
		await n1.close();
		await n2.close();
		await own.stop();
	}
} );

test( 'failures counted just before the secret rotates still count after it: the previous secret\'s key is asked too', async () => {
	let t = Date.now();
	const now = (): number => t;
	const settings = { namespace: `rotation-${ ++made }`, maxConnections: 2, maxFailures: 2, failureWindowMs: 60_000, rotationMs: 60_000, now };
	const n1 = await limitsNode( redis.url, settings );
	const n2 = await limitsNode( redis.url, settings );
	try {
		await n1.limits.recordFailure( X );
		await n1.limits.recordFailure( X );
		expect( await n2.limits.mayTry( X ) ).toBe( false );
		t = ( Math.floor( t / 60_000 ) + 1 ) * 60_000 + 1; // the next epoch; the failures are still within their window
		expect( await n2.limits.mayTry( X ) ).toBe( false );
		t += 60_000; // two rotations on: the failures are out of the window, and their secret is forgotten
		expect( await n2.limits.mayTry( X ) ).toBe( true );
	} finally {
		await n1.close();
		await n2.close();
	}
} );

test( 'a new secret while an acquire is in flight: the hash written again under it still counts that connection', async () => {
	let t = Date.now();
	const n = await limitsNode( redis.url, { namespace: `race-${ ++made }`, maxConnections: 2, maxFailures: 2, rotationMs: 3_600_000, failureWindowMs: 60_000, now: () => t } );
	try {
		const inFlight = n.limits.acquireConnection( X ); // its script is on the wire
		t = ( Math.floor( t / 3_600_000 ) + 1 ) * 3_600_000; // the next epoch:
		const other = n.limits.mayTry( '192.0.2.1' ); // its key starts it, and the hash is rewritten behind the script, without X
		expect( await inFlight ).toBe( true );
		await other;
		expect( await n.limits.acquireConnection( X ) ).toBe( true );
		expect( await n.limits.acquireConnection( X ) ).toBe( false ); // 2 counted under the new secret, not 1
	} finally {
		await n.close();
	}
} );

test( 'a release that starts a new secret: the rewritten hash still had that connection, which the release then takes off once', async () => {
	let t = Date.now();
	const n = await limitsNode( redis.url, { namespace: `release-${ ++made }`, maxConnections: 2, maxFailures: 2, rotationMs: 3_600_000, failureWindowMs: 60_000, now: () => t } );
	try {
		expect( await n.limits.acquireConnection( X ) ).toBe( true );
		expect( await n.limits.acquireConnection( X ) ).toBe( true );
		t = ( Math.floor( t / 3_600_000 ) + 1 ) * 3_600_000;
		await n.limits.releaseConnection( X );
		expect( await n.limits.acquireConnection( X ) ).toBe( true );
		expect( await n.limits.acquireConnection( X ) ).toBe( false );
	} finally {
		await n.close();
	}
} );

test( 'a rotation shorter than the failure window is refused', async () => {
	const bus = await NodeBus.open( redis.url, { log } );
	const client = openRedis( redis.url, { log, role: 'counters' } );
	try {
		await expect( RedisAddressLimits.start( { redis: client, bus, log, maxConnections: 1, maxFailures: 1, failureWindowMs: 60_000, rotationMs: 59_999 } ) ).rejects.toBeInstanceOf( RangeError );
	} finally {
		await closeRedis( client );
		await bus.close();
	}
} );

describe( 'the address secret', () => {
	const opened: Array< { close(): Promise< void > } > = [];
	afterEach( async () => {
		for ( const o of opened.splice( 0 ) ) await o.close();
	} );
	const bus = async ( namespace: string ): Promise< NodeBus > => {
		const b = await NodeBus.open( redis.url, { log, namespace } );
		opened.push( b );
		return b;
	};
	const secrets = async ( b: NodeBus, rotationMs?: number ): Promise< AddressSecrets > => {
		const s = await AddressSecrets.start( { bus: b, log, rotationMs } );
		opened.unshift( s );
		return s;
	};

	test( 'a node that starts takes the secret of the nodes already there (and the previous one); keys are HMACs, never the address', async () => {
		const ns = `secret-${ ++made }`;
		const first = await secrets( await bus( ns ) );
		const second = await secrets( await bus( ns ) );
		expect( second.current( X ) ).toBe( first.current( X ) );
		expect( second.current( X ) ).toMatch( /^[A-Za-z0-9_-]{43}$/ );
		expect( second.current( X ) ).not.toBe( second.current( '198.51.100.24' ) );
		expect( first.previous( X ) ).toBeNull(); // no epoch before the first node's
		// Another cluster (namespace) has a secret of its own.
		const apart = await secrets( await bus( `${ ns }-other` ) );
		expect( apart.current( X ) ).not.toBe( first.current( X ) );
	} );

	test( 'at each rotation both nodes move to one new secret, and previous() gives the old one', async () => {
		const ns = `rotate-${ ++made }`;
		const a = await secrets( await bus( ns ), 400 );
		const b = await secrets( await bus( ns ), 400 );
		const before = a.current( X );
		// Each node's timer fires at the epoch's start; whichever made a secret later takes the earlier one ('changed' again).
		await Promise.all( [ once( a, 'changed' ), once( b, 'changed' ) ] );
		while ( a.current( X ) !== b.current( X ) ) await Promise.race( [ once( a, 'changed' ), once( b, 'changed' ) ] );
		expect( a.current( X ) ).not.toBe( before );
		expect( a.previous( X ) ).toBe( before );
		expect( b.previous( X ) ).toBe( before );
	} );

	test( 'two secrets for one epoch: every node takes the one made earlier, and answers a later one with its own', async () => {
		const ns = `conflict-${ ++made }`;
		const a = await secrets( await bus( ns ) );
		const b = await secrets( await bus( ns ) );
		const outsider = await bus( ns );
		const heard: Array< { secret: string; born: number } > = [];
		let twoHeard: () => void = () => undefined;
		const answered = new Promise< void >( ( r ) => ( twoHeard = r ) );
		await outsider.subscribe( ADDRESS_SECRET_CHANNEL, ( m ) => {
			if ( m.type === 'secret' && heard.push( m ) === 2 ) twoHeard();
		} );
		const epoch = Math.floor( Date.now() / 3_600_000 );
		const later = 'L'.repeat( 43 );
		const before = a.current( X );
		await outsider.publish( ADDRESS_SECRET_CHANNEL, { type: 'secret', epoch, secret: later, born: Date.now() + 1_000 } );
		// Both answer with their (earlier) secret; neither changes.
		await answered;
		expect( heard[ 0 ].secret ).not.toBe( later );
		expect( heard[ 1 ] ).toEqual( heard[ 0 ] ); // the same (shared) secret from each
		expect( a.current( X ) ).toBe( before );

		const changed = Promise.all( [ once( a, 'changed' ), once( b, 'changed' ) ] );
		await outsider.publish( ADDRESS_SECRET_CHANNEL, { type: 'secret', epoch, secret: 'E'.repeat( 43 ), born: 1 } );
		await changed;
		expect( a.current( X ) ).toBe( b.current( X ) );
		expect( a.current( X ) ).not.toBe( before );
	} );
} );
