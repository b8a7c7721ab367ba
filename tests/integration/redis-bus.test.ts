/**
 * The node bus (server/cluster/bus.ts) between two "nodes" (two NodeBus
 * instances, each with its own two connections) on a throw-away Redis:
 * delivery, no self-delivery, malformed messages dropped with a log line,
 * and a Redis SIGKILLed and started again on the same port, after which the
 * bus is back by itself.
 */
import { once } from 'node:events';
import { Redis } from 'ioredis';
import * as v from 'valibot';
import { busChannel, BusClosedError, NodeBus } from '../../server/cluster/bus';
import { closeRedis, RedisUnavailableError } from '../../server/cluster/redis';
import { capturedLog, type CapturedLog } from '../helpers/captured-log';
import { freePort } from '../helpers/nginx';
import { startRedis, type RunningRedis } from '../helpers/redis';

const Note = v.variant( 'type', [
	v.object( { type: v.literal( 'note' ), n: v.number(), text: v.string() } ),
	v.object( { type: v.literal( 'bye' ) } ),
] );
type Note = v.InferOutput< typeof Note >;
const NOTES = busChannel( 'notes', Note );

/** What a handler got, in order, and a way to await the next one. */
class Inbox {
	readonly got: Array< { m: Note; from: string } > = [];
	private waiters: Array< () => void > = [];
	readonly handler = ( m: Note, from: string ): void => {
		this.got.push( { m, from } );
		for ( const w of this.waiters.splice( 0 ) ) w();
	};
	/** Resolves with the message number `count` (1-based), once it is there. */
	async nth( count: number ): Promise< Note > {
		while ( this.got.length < count ) await new Promise< void >( ( r ) => this.waiters.push( r ) );
		return this.got[ count - 1 ].m;
	}
}

let redis: RunningRedis;
const buses: NodeBus[] = [];
const clients: Redis[] = [];
beforeAll( async () => {
	redis = await startRedis( { persistence: false } );
} );
afterEach( async () => {
	for ( const b of buses.splice( 0 ) ) await b.close();
	for ( const c of clients.splice( 0 ) ) await closeRedis( c );
} );
afterAll( () => redis?.stop() );

async function node( log: CapturedLog = capturedLog() ): Promise< NodeBus > {
	const bus = await NodeBus.open( redis.url, { log: log.log } );
	buses.push( bus );
	return bus;
}

test( 'two nodes: each gets the other\'s messages, typed and in order, and never its own', async () => {
	const a = await node();
	const b = await node();
	expect( a.id ).not.toBe( b.id );
	const atA = new Inbox();
	const atB = new Inbox();
	await a.subscribe( NOTES, atA.handler );
	await b.subscribe( NOTES, atB.handler );

	expect( await a.publish( NOTES, { type: 'note', n: 1, text: 'hello' } ) ).toBe( 2 ); // both subscriber connections got it
	await a.publish( NOTES, { type: 'note', n: 2, text: 'again' } );
	expect( await atB.nth( 2 ) ).toEqual( { type: 'note', n: 2, text: 'again' } );
	expect( atB.got ).toEqual( [
		{ m: { type: 'note', n: 1, text: 'hello' }, from: a.id },
		{ m: { type: 'note', n: 2, text: 'again' }, from: a.id },
	] );

	// Barrier: B answers after it got A's messages, so A's connection had them (and dropped them) before this.
	await b.publish( NOTES, { type: 'bye' } );
	expect( await atA.nth( 1 ) ).toEqual( { type: 'bye' } );
	expect( atA.got ).toEqual( [ { m: { type: 'bye' }, from: b.id } ] );
} );

test( 'malformed messages are logged (without their content) and dropped; a throwing handler is logged; the others still get theirs', async () => {
	const log = capturedLog();
	const b = await node( log );
	const inbox = new Inbox();
	await b.subscribe( NOTES, () => {
		throw new Error( 'handler broke' );
	} );
	await b.subscribe( NOTES, inbox.handler );
	const raw = new Redis( redis.url );
	clients.push( raw );
	const channel = 'consent-chat:notes';
	await raw.publish( channel, 'not json at all: SECRET-1' );
	await raw.publish( channel, JSON.stringify( { hello: 'SECRET-2' } ) );
	await raw.publish( channel, JSON.stringify( { v: 1, from: 'other', m: { type: 'note', n: 'three', text: 'SECRET-3' } } ) );
	await raw.publish( channel, JSON.stringify( { v: 1, from: 'other', m: { type: 'unknown', text: 'SECRET-4' } } ) );
	// The same connection publishes in order: once this one is there, the four above were handled.
	await raw.publish( channel, JSON.stringify( { v: 1, from: 'other', m: { type: 'note', n: 5, text: 'fine' } } ) );

	expect( await inbox.nth( 1 ) ).toEqual( { type: 'note', n: 5, text: 'fine' } );
	expect( inbox.got ).toHaveLength( 1 );
	const dropped = log.lines.filter( ( l ) => l.msg === 'malformed bus message dropped' );
	expect( dropped.map( ( l ) => [ l.channel, l.reason ] ) ).toEqual( [
		[ 'notes', 'not JSON' ],
		[ 'notes', 'not a bus envelope' ],
		[ 'notes', expect.stringMatching( /^refused by the channel's schema at n: expected number/ ) ],
		[ 'notes', expect.stringMatching( /^refused by the channel's schema at type: expected / ) ],
	] );
	expect( log.lines.filter( ( l ) => l.msg === 'a bus handler failed' ) ).toHaveLength( 1 );
	expect( log.text() ).not.toMatch( /SECRET-/ );
} );

test( 'unsubscribing: the handler gets nothing more, and the node leaves the channel when its last handler goes', async () => {
	const a = await node();
	const b = await node();
	const first = new Inbox();
	const second = new Inbox();
	const stopFirst = await b.subscribe( NOTES, first.handler );
	const stopSecond = await b.subscribe( NOTES, second.handler );
	await stopFirst();
	await a.publish( NOTES, { type: 'note', n: 1, text: 'x' } );
	await second.nth( 1 );
	expect( first.got ).toHaveLength( 0 );
	await stopSecond();
	expect( await a.publish( NOTES, { type: 'note', n: 2, text: 'y' } ) ).toBe( 0 ); // no subscriber left in Redis
	await expect( b.subscribe( busChannel( 'notes', v.object( { type: v.string() } ) ), () => undefined ) ).resolves.toBeInstanceOf( Function );
	await expect( b.subscribe( busChannel( 'notes', Note ), () => undefined ) ).rejects.toThrow( /another schema/ );
} );

test( 'Redis SIGKILLed and started again on its port: the bus says disconnected, publishing fails fast with RedisUnavailableError, then it reconnects and resubscribes by itself and messages flow again', async () => {
	const own = await startRedis( { persistence: false } );
	try {
		const logA = capturedLog();
		const a = await NodeBus.open( own.url, { log: logA.log } );
		const b = await NodeBus.open( own.url, { log: capturedLog().log } );
		buses.push( a, b );
		const inbox = new Inbox();
		await b.subscribe( NOTES, inbox.handler );
		await a.publish( NOTES, { type: 'note', n: 1, text: 'before' } );
		await inbox.nth( 1 );

		const down = Promise.all( [ once( a, 'disconnected' ), once( b, 'disconnected' ) ] );
		const back = Promise.all( [ once( a, 'reconnected' ), once( b, 'reconnected' ) ] );
		await own.kill();
		await down;
		// A reconnection attempt of each connection has failed (and was logged) before Redis comes back.
		const failed = ( role: string ) => logA.waitFor( ( l ) => l.msg === 'Redis connection failed; reconnecting' && l.redis === role );
		await Promise.all( [ failed( 'bus-publish' ), failed( 'bus-subscribe' ) ] );
		const t0 = Date.now();
		await expect( a.publish( NOTES, { type: 'note', n: 2, text: 'lost' } ) ).rejects.toBeInstanceOf( RedisUnavailableError );
		expect( Date.now() - t0 ).toBeLessThan( 100 ); // at once: the connection is known to be down

		await own.start();
		await back;
		await a.publish( NOTES, { type: 'note', n: 3, text: 'after' } );
		expect( await inbox.nth( 2 ) ).toEqual( { type: 'note', n: 3, text: 'after' } );
		// One warning per connection for the outage (not one per attempt), one line each when it is back.
		const warned = logA.lines.filter( ( l ) => l.msg === 'Redis connection failed; reconnecting' );
		expect( warned.length ).toBeLessThanOrEqual( 4 ); // at most a changed reason each (ECONNRESET, then ECONNREFUSED)
		expect( logA.lines.filter( ( l ) => l.msg === 'Redis connection restored' ) ).toHaveLength( 2 );
	} finally {
		await own.stop();
	}
} );

test( 'open() without Redis: RedisUnavailableError within its timeout, and the log has the failure without the password', async () => {
	const port = await freePort();
	const log = capturedLog();
	const opening = NodeBus.open( `redis://user:pw-Sup3rSecret@127.0.0.1:${ port }`, { log: log.log, readyTimeoutMs: 300 } );
	await expect( opening ).rejects.toBeInstanceOf( RedisUnavailableError );
	expect( log.lines.some( ( l ) => l.msg === 'Redis connection failed; reconnecting' ) ).toBe( true );
	expect( log.text() ).not.toContain( 'Sup3rSecret' );
} );

test( 'close() does not hang when Redis is gone; afterwards the bus refuses with BusClosedError', async () => {
	const own = await startRedis( { persistence: false } );
	try {
		const a = await NodeBus.open( own.url, { log: capturedLog().log } );
		const down = once( a, 'disconnected' );
		await own.kill();
		await down;
		const t0 = Date.now();
		await a.close();
		expect( Date.now() - t0 ).toBeLessThan( 3_000 );
		await expect( a.publish( NOTES, { type: 'bye' } ) ).rejects.toBeInstanceOf( BusClosedError );
		await expect( a.subscribe( NOTES, () => undefined ) ).rejects.toBeInstanceOf( BusClosedError );
	} finally {
		await own.stop();
	}
} );
