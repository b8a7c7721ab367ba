/**
 * What server/cluster/redis.ts decides without a Redis: the reconnection
 * back-off, and the password kept out of log lines.
 */
import { BACKOFF_CAP_MS, BACKOFF_FIRST_MS, asRedisError, reconnectDelay, RedisUnavailableError, scrubbed } from '../../../server/cluster/redis';

test( 'reconnection back-off: doubles from the first step, capped, never gives up, jittered by ±20%', () => {
	const mid = () => 0.5;
	expect( [ 1, 2, 3, 4, 5, 6, 7 ].map( ( n ) => reconnectDelay( n, mid ) ) ).toEqual( [ 50, 100, 200, 400, 800, 1600, 2000 ] );
	expect( reconnectDelay( 10_000, mid ) ).toBe( BACKOFF_CAP_MS );
	expect( reconnectDelay( 1, () => 0 ) ).toBe( BACKOFF_FIRST_MS * 0.8 );
	expect( reconnectDelay( 50, () => 1 ) ).toBe( BACKOFF_CAP_MS * 1.2 );
} );

test( 'the URL\'s password, raw or percent-decoded, and any user:password@ are starred in a message', () => {
	const url = 'redis://app:p%40ss-W0rd@cache.internal:6379/2';
	expect( scrubbed( 'auth failed for redis://app:p%40ss-W0rd@cache.internal:6379/2', url ) ).toBe( 'auth failed for redis://app:***@cache.internal:6379/2' );
	expect( scrubbed( 'WRONGPASS p@ss-W0rd and p%40ss-W0rd', url ) ).toBe( 'WRONGPASS *** and ***' );
	expect( scrubbed( 'connect ECONNREFUSED 127.0.0.1:6379', 'redis://127.0.0.1:6379' ) ).toBe( 'connect ECONNREFUSED 127.0.0.1:6379' );
	expect( scrubbed( 'x rediss://u:other@h y', 'not a url' ) ).toBe( 'x rediss://u:***@h y' );
} );

test( 'Redis answering with an error is passed on; no answer becomes RedisUnavailableError with the cause', () => {
	const reply = Object.assign( new Error( 'WRONGTYPE Operation against a key' ), { name: 'ReplyError' } );
	expect( asRedisError( reply, 'x' ) ).toBe( reply );
	const lost = new Error( 'Reached the max retries per request limit (which is 0).' );
	const mapped = asRedisError( lost, 'publish' );
	expect( mapped ).toBeInstanceOf( RedisUnavailableError );
	expect( mapped.cause ).toBe( lost );
	expect( mapped.message ).toMatch( /^publish: Redis did not answer/ );
} );
