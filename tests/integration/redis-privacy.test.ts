/**
 * What reaches Redis's files (RDB snapshot and AOF, both on, as production
 * Redis often runs) from the cluster's use of it: a chat-like message on the
 * bus, and the shared counters used for one visitor's address. Neither the
 * text, nor the address in any obvious encoding, nor the address secret may
 * be there; the counters' HMAC keys are (so the grep reads real files).
 */
import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import * as v from 'valibot';
import { ADDRESS_SECRET_CHANNEL } from '../../server/cluster/address-secrets';
import { RedisAddressLimits } from '../../server/cluster/address-counters';
import { busChannel, NodeBus } from '../../server/cluster/bus';
import { closeRedis, openRedis } from '../../server/cluster/redis';
import { capturedLog } from '../helpers/captured-log';
import { addressEncodings } from '../helpers/disk';
import { startRedis, type RunningRedis } from '../helpers/redis';

const TEXT = 'ephemeral-words-7f3c: my contract number is 4711';
const ADDRESS = '127.0.0.57';
const CHAT = busChannel(
	'chat-frames',
	v.object( { type: v.literal( 'message' ), chat: v.string(), text: v.string() } )
);

let redis: RunningRedis;
afterAll( () => redis?.stop() );

test( 'Redis\'s RDB and AOF hold neither a published chat text, nor the visitor\'s address in any obvious encoding, nor the address secret', async () => {
	redis = await startRedis(); // RDB + AOF (fsync always)
	const { log } = capturedLog();
	const secrets: string[] = [];
	const nodes = await Promise.all( [ 0, 1 ].map( async () => {
		const bus = await NodeBus.open( redis.url, { log } );
		const client = openRedis( redis.url, { log, role: 'counters' } );
		return { bus, client };
	} ) );
	const limits = [];
	// A listener on the secrets' channel, from the second node on (the first would wait for it to answer): the second asks, the first answers.
	const start = ( n: ( typeof nodes )[ number ] ) => RedisAddressLimits.start( { redis: n.client, bus: n.bus, log, maxConnections: 5, maxFailures: 5 } );
	limits.push( await start( nodes[ 0 ] ) );
	const spy = new Redis( redis.url );
	await spy.subscribe( `consent-chat:${ ADDRESS_SECRET_CHANNEL.name }` );
	spy.on( 'message', ( _c, raw: string ) => {
		const m = JSON.parse( raw ).m;
		if ( m.type === 'secret' ) secrets.push( m.secret );
	} );
	limits.push( await start( nodes[ 1 ] ) );
	try {
		let got: ( text: string ) => void = () => undefined;
		const delivered = new Promise< string >( ( resolve ) => ( got = resolve ) );
		await nodes[ 1 ].bus.subscribe( CHAT, ( m ) => got( m.text ) );
		await nodes[ 0 ].bus.publish( CHAT, { type: 'message', chat: 'c0ffee00-0000-4000-8000-000000000001', text: TEXT } );
		expect( await delivered ).toBe( TEXT );

		expect( await limits[ 0 ].acquireConnection( ADDRESS ) ).toBe( true );
		expect( await limits[ 1 ].acquireConnection( ADDRESS ) ).toBe( true );
		await limits[ 0 ].recordFailure( ADDRESS );
		await limits[ 1 ].recordFailure( ADDRESS );
		expect( await limits[ 0 ].mayTry( ADDRESS ) ).toBe( true );
		expect( secrets.length ).toBeGreaterThan( 0 );

		execFileSync( 'redis-cli', [ '-p', String( redis.port ), 'SAVE' ] );
		const files = redis.files();
		// The counters are in the files (else this test would read nothing)…
		expect( files ).toContain( 'consent-chat:addr:conn:' );
		expect( files ).toContain( 'consent-chat:addr:fail:' );
		// …and nothing that would give the text or the address back.
		expect( files ).not.toContain( TEXT );
		expect( files ).not.toContain( 'ephemeral-words-7f3c' );
		for ( const e of addressEncodings( ADDRESS ) ) expect( { encoding: e, found: files.includes( e ) } ).toEqual( { encoding: e, found: false } );
		for ( const s of secrets ) expect( files ).not.toContain( s );
	} finally {
		for ( const l of limits ) await l.close();
		for ( const n of nodes ) {
			await closeRedis( n.client );
			await n.bus.close();
		}
		await closeRedis( spy );
	}
} );
