/**
 * Opening and closing the service's Redis connections (ioredis), with one
 * set of rules for every connection:
 *
 * - Reconnect forever, with back-off doubling from 50 ms and capped at 2 s
 *   (with jitter, so the nodes do not come back in step): Redis restarting
 *   must never need a restart of the service.
 * - A command during an outage fails fast: `maxRetriesPerRequest: 0` makes
 *   ioredis reject whatever is queued at the first failed (re)connection
 *   attempt, that is within one back-off step plus `connectTimeout`
 *   (≤ about 4.5 s, immediately when the port is closed), with its
 *   `MaxRetriesPerRequestError`; a server that accepts the command but does
 *   not answer is cut off by `commandTimeout` ("Command timed out"). Our
 *   modules turn every such failure into `RedisUnavailableError` (below), so
 *   callers tell "Redis is not there" from "Redis refused this" by class.
 *   Between two attempts (`isDown()`) our modules do not even send: they fail
 *   (or answer from memory) at once. The offline queue stays on, so a
 *   command issued while a connection is being made still goes out on it.
 * - Errors are logged through the service's Logger, once per outage (not
 *   once per reconnection attempt), and never with the URL's password:
 *   ioredis's messages do not carry it, and `scrubbed()` removes it anyway.
 * - `closeRedis()` never hangs: QUIT when connected, bounded by a timeout,
 *   else (or then) a hard disconnect, which also stops the reconnecting.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../log';

/** Redis could not be reached, lost the connection, or did not answer in time. `cause` is ioredis's error. */
export class RedisUnavailableError extends Error {
	readonly code = 'redis_unavailable';
	constructor( message: string, options?: { cause?: unknown } ) {
		super( message, options );
		this.name = 'RedisUnavailableError';
	}
}

/**
 * ioredis's error as ours: a ReplyError is Redis answering (a refused
 * command: passed on as it is); anything else means no answer
 * (MaxRetriesPerRequestError, "Command timed out", "Connection is closed.",
 * an aborted command), so Redis is, for this command, unavailable.
 */
export function asRedisError( e: unknown, what: string ): Error {
	if ( e instanceof RedisUnavailableError ) return e;
	if ( e instanceof Error && e.name === 'ReplyError' ) return e;
	return new RedisUnavailableError( `${ what }: Redis did not answer (${ e instanceof Error ? e.message : String( e ) })`, { cause: e } );
}

export const BACKOFF_FIRST_MS = 50;
export const BACKOFF_CAP_MS = 2_000;

/** Delay before reconnection attempt `attempt` (1, 2, …); never null, so ioredis never gives up. */
export function reconnectDelay( attempt: number, random: () => number = Math.random ): number {
	const base = Math.min( BACKOFF_CAP_MS, BACKOFF_FIRST_MS * 2 ** Math.min( attempt - 1, 16 ) );
	return Math.round( base * ( 0.8 + 0.4 * random() ) );
}

/** `text` with the URL's password (raw and percent-decoded) and any `scheme://user:password@` replaced by ***. */
export function scrubbed( text: string, url: string ): string {
	let out = text.replace( /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:)[^\s@/]*@/gi, '$1***@' );
	let password = '';
	try {
		password = new URL( url ).password;
	} catch {
		// Not a URL: nothing of it can be told apart to remove.
	}
	for ( const p of new Set( [ password, safeDecode( password ) ] ) ) if ( p.length > 0 ) out = out.split( p ).join( '***' );
	return out;
}

function safeDecode( s: string ): string {
	try {
		return decodeURIComponent( s );
	} catch {
		return s;
	}
}

export interface OpenRedisOptions {
	log: Logger;
	/** What the connection is for, in its log lines and its CLIENT SETNAME ('bus-publish', 'counters', …). */
	role: string;
	/** ms to wait for a command's answer on an open connection. Default 2000. */
	commandTimeoutMs?: number;
	/** ms a (re)connection attempt may take before it counts as failed. Default 2000. */
	connectTimeoutMs?: number;
}

/** A connection to `url` (redis:// or rediss://), connecting at once and for as long as it is not closed. */
export function openRedis( url: string, o: OpenRedisOptions ): Redis {
	const client = new Redis( url, {
		retryStrategy: ( attempt ) => reconnectDelay( attempt ),
		maxRetriesPerRequest: 0,
		commandTimeout: o.commandTimeoutMs ?? 2_000,
		connectTimeout: o.connectTimeoutMs ?? 2_000,
		autoResubscribe: true,
		connectionName: `consent-chat-${ o.role }`,
	} );
	logOutages( client, url, o.log, o.role );
	return client;
}

/**
 * One warning when a connection is lost or cannot be made (and again only if
 * the reason changes), one info line when it is back. Without an 'error'
 * listener ioredis would print every failed attempt to the console itself.
 */
function logOutages( client: Redis, url: string, log: Logger, role: string ): void {
	let wasReady = false;
	let lastLogged: string | null = null;
	client.on( 'error', ( e: Error & { code?: string } ) => {
		const message = scrubbed( e.message, url );
		if ( message === lastLogged ) return;
		lastLogged = message;
		log.warn( { redis: role, err: { message, code: e.code, name: e.name } }, 'Redis connection failed; reconnecting' );
	} );
	client.on( 'ready', () => {
		if ( lastLogged !== null && wasReady ) log.info( { redis: role }, 'Redis connection restored' );
		wasReady = true;
		lastLogged = null;
	} );
}

/** Whether `client` is known to be cut off (waiting for its next attempt): a command now would only wait to fail. */
export function isDown( client: Redis ): boolean {
	return client.status === 'reconnecting' || client.status === 'close' || client.status === 'end';
}

/** Throws RedisUnavailableError at once if `client` is known to be cut off. */
export function assertUp( client: Redis, what: string ): void {
	if ( isDown( client ) ) throw new RedisUnavailableError( `${ what }: Redis is unreachable (reconnecting)` );
}

/** Resolves once `client` is ready; rejects with RedisUnavailableError after `timeoutMs`. */
export function whenReady( client: Redis, timeoutMs: number ): Promise< void > {
	if ( client.status === 'ready' ) return Promise.resolve();
	return new Promise( ( resolve, reject ) => {
		const done = (): void => {
			clearTimeout( timer );
			client.off( 'ready', done );
			resolve();
		};
		const timer = setTimeout( () => {
			client.off( 'ready', done );
			reject( new RedisUnavailableError( `Redis did not answer within ${ timeoutMs } ms` ) );
		}, timeoutMs );
		client.on( 'ready', done );
	} );
}

/** Closes `client` for good: QUIT if it is connected (at most `timeoutMs`), else a hard disconnect. Never rejects. */
export async function closeRedis( client: Redis, timeoutMs = 1_000 ): Promise< void > {
	if ( client.status === 'end' ) return;
	const ended = new Promise< void >( ( resolve ) => client.once( 'end', () => resolve() ) );
	if ( client.status === 'ready' ) {
		await bounded( client.quit().then( () => undefined, () => undefined ), timeoutMs );
	}
	// (`status` is read again: the QUIT above may have ended the connection.)
	if ( ( client.status as string ) !== 'end' ) client.disconnect();
	// 'end' follows the socket's close; bounded all the same, so a close can never hang.
	await bounded( ended, timeoutMs );
}

function bounded( p: Promise< void >, ms: number ): Promise< void > {
	let timer: NodeJS.Timeout | undefined;
	return Promise.race( [ p, new Promise< void >( ( r ) => ( timer = setTimeout( r, ms ) ) ) ] ).finally( () => clearTimeout( timer ) );
}
