/**
 * The rules every Redis connection of the service follows
 * (server/cluster/redis.ts), on a throw-away Redis that is killed: a command
 * during the outage fails fast with ioredis's MaxRetriesPerRequestError, the
 * outage is logged once (not once per attempt) and its end once, and a
 * close ends the connection in any state without hanging.
 */
import { MaxRetriesPerRequestError, type Redis } from 'ioredis';
import { BACKOFF_CAP_MS, closeRedis, openRedis, whenReady } from '../../server/cluster/redis';
import { capturedLog } from '../helpers/captured-log';
import { freePort } from '../helpers/nginx';
import { startRedis } from '../helpers/redis';

/** Resolves with the messages of the first `n` 'error' events of `client`. */
function errors( client: Redis, n: number ): Promise< string[] > {
	const seen: string[] = [];
	return new Promise( ( resolve ) =>
		client.on( 'error', ( e: Error ) => {
			if ( seen.push( e.message ) === n ) resolve( seen );
		} )
	);
}

test( 'Redis killed: a command fails within one back-off step with MaxRetriesPerRequestError; the outage is logged once, however many attempts fail, and its end once', async () => {
	const redis = await startRedis( { persistence: false } );
	const log = capturedLog();
	const client = openRedis( redis.url, { log: log.log, role: 'test' } );
	try {
		await whenReady( client, 5_000 );
		const failing = errors( client, 4 );
		const first = errors( client, 1 );
		await redis.kill();
		await first;
		const t0 = Date.now();
		await expect( client.get( 'anything' ) ).rejects.toBeInstanceOf( MaxRetriesPerRequestError );
		expect( Date.now() - t0 ).toBeLessThan( BACKOFF_CAP_MS * 1.2 + 500 );

		const seen = await failing;
		const warned = log.lines.filter( ( l ) => l.msg === 'Redis connection failed; reconnecting' && l.redis === 'test' );
		expect( warned ).toHaveLength( new Set( seen ).size ); // one per distinct reason, not one per attempt
		expect( warned.length ).toBeLessThan( seen.length );

		await redis.start();
		await whenReady( client, 10_000 );
		expect( await client.ping() ).toBe( 'PONG' );
		expect( log.lines.filter( ( l ) => l.msg === 'Redis connection restored' ) ).toHaveLength( 1 );
	} finally {
		await closeRedis( client );
		await redis.stop();
	}
} );

test( 'closeRedis ends a connection that is ready, one that is reconnecting (Redis gone) and one that never connected, each within its bound', async () => {
	const redis = await startRedis( { persistence: false } );
	const { log } = capturedLog();
	const timed = async ( client: Redis ): Promise< number > => {
		const t0 = Date.now();
		await closeRedis( client, 1_000 );
		expect( client.status ).toBe( 'end' );
		return Date.now() - t0;
	};
	try {
		const ready = openRedis( redis.url, { log, role: 'ready' } );
		await whenReady( ready, 5_000 );
		expect( await timed( ready ) ).toBeLessThan( 1_000 );

		const reconnecting = openRedis( redis.url, { log, role: 'reconnecting' } );
		await whenReady( reconnecting, 5_000 );
		const failed = errors( reconnecting, 1 );
		await redis.kill();
		await failed;
		expect( await timed( reconnecting ) ).toBeLessThan( 1_500 );

		const never = openRedis( `redis://127.0.0.1:${ await freePort() }`, { log, role: 'never' } );
		expect( await timed( never ) ).toBeLessThan( 1_500 );
	} finally {
		await redis.stop();
	}
} );
