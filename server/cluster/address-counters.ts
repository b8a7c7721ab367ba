/**
 * The per-address limits shared by the nodes, in Redis (AddressLimits,
 * ../address-limits.ts, states the promises). An address never reaches
 * Redis: every key and field that stands for one is its HMAC under the
 * nodes' shared in-memory secret (address-secrets.ts).
 *
 * Open connections: each node counts its own in a hash of its own,
 * `<ns>:addr:conn:<node id>` (field: the address's HMAC, value: how many),
 * which expires `nodeTtlMs` after the node last refreshed it (every third of
 * that). The nodes with counts are listed in the set `<ns>:addr:nodes`, and
 * a Lua script adds up the address's field over them and increments this
 * node's only if the sum is under the limit, atomically, so two nodes
 * cannot both take the last place. Why a hash per node rather than a key
 * per address: a node that dies stops refreshing one key and all its counts
 * go with it within `nodeTtlMs` (the script drops a dead node from the set),
 * while a live node refreshes one key, not one per visitor's address; and
 * memory stays the truth for this node's own counts (it has the addresses
 * anyway, for its open sockets), so the hash can always be written again
 * whole: after a Redis restart or outage, and under a new secret.
 *
 * Failed attempts: a sorted set per address, `<ns>:addr:fail:<hmac>`, one
 * member per failure scored by its time, trimmed to the window and expiring
 * (PEXPIRE) one window after its last failure. `mayTry` adds up the keys of
 * the current and the previous secret (a failure may have been counted just
 * before a rotation).
 *
 * During an outage the node answers from its own counts (connections on this
 * node, failures seen by this node), at once while the connection is known
 * to be down, and writes its hash again once Redis is back.
 *
 * Standalone Redis (or Sentinel) only: the script reads the other nodes'
 * hashes by names it builds, which Redis Cluster does not allow.
 */
import type { Redis } from 'ioredis';
import { assertUp, isDown } from './redis';
import { FAILURE_WINDOW_MS, IpLimiter } from '../ip-limiter';
import type { Logger } from '../log';
import type { AddressLimits, AddressLimitSettings } from '../address-limits';
import type { NodeBus } from './bus';
import { AddressSecrets, ROTATION_MS } from './address-secrets';

/** KEYS: nodes set, this node's hash. ARGV: field, limit, ttl ms, this node's id, hash name prefix. 1: taken, 0: full. */
const ACQUIRE = `
redis.call('SADD', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
local total = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local hash = ARGV[5] .. id
  local n = redis.call('HGET', hash, ARGV[1])
  if n then
    total = total + tonumber(n)
  elseif id ~= ARGV[4] and redis.call('EXISTS', hash) == 0 then
    redis.call('SREM', KEYS[1], id)
  end
end
if total >= tonumber(ARGV[2]) then return 0 end
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
`;

/** KEYS: this node's hash. ARGV: field. */
const RELEASE = `
if redis.call('HINCRBY', KEYS[1], ARGV[1], -1) <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0
`;

export interface RedisAddressLimitsOptions extends AddressLimitSettings {
	/** A command connection (openRedis); the caller closes it, after close(). */
	redis: Redis;
	bus: NodeBus;
	log: Logger;
	/** How long a node's connection counts outlive its last refresh. Default 30 s. */
	nodeTtlMs?: number;
	/** How long one address secret is current (address-secrets.ts). Default one hour; not shorter than the failure window. */
	rotationMs?: number;
	/** Prefix of every key. Default 'consent-chat'. */
	namespace?: string;
}

export class RedisAddressLimits implements AddressLimits {
	/** This node's open connections per address: the truth its hash in Redis follows. */
	private readonly open = new Map< string, number >();
	/** This node's own failures, for answering while Redis is away. */
	private readonly local: IpLimiter;
	private readonly nodesKey: string;
	private readonly connPrefix: string;
	private readonly hashKey: string;
	private readonly failPrefix: string;
	private readonly maxConnections: number;
	private readonly maxFailures: number;
	private readonly windowMs: number;
	private readonly ttlMs: number;
	private readonly now: () => number;
	private readonly heartbeat: NodeJS.Timeout;
	/** Whether the hash in Redis may differ from `open` (a write failed): the next heartbeat writes it whole. */
	private dirty = false;
	/** Bumped by every rewrite, so an acquire answered after one knows the rewrite left it out. */
	private generation = 0;
	private failures = 0;
	private closed = false;
	private readonly rekey = (): void => void this.rewrite();

	private constructor(
		private readonly redis: Redis,
		private readonly secrets: AddressSecrets,
		private readonly nodeId: string,
		private readonly log: Logger,
		o: RedisAddressLimitsOptions
	) {
		const ns = o.namespace ?? 'consent-chat';
		this.nodesKey = `${ ns }:addr:nodes`;
		this.connPrefix = `${ ns }:addr:conn:`;
		this.hashKey = this.connPrefix + nodeId;
		this.failPrefix = `${ ns }:addr:fail:`;
		this.maxConnections = o.maxConnections;
		this.maxFailures = o.maxFailures;
		this.windowMs = o.failureWindowMs ?? FAILURE_WINDOW_MS;
		this.ttlMs = o.nodeTtlMs ?? 30_000;
		this.now = o.now ?? Date.now;
		this.local = new IpLimiter( o.maxConnections, o.maxFailures, this.windowMs, this.now );
		secrets.on( 'changed', this.rekey );
		redis.on( 'ready', this.rekey );
		this.heartbeat = setInterval( () => void this.refresh(), Math.max( 100, Math.floor( this.ttlMs / 3 ) ) );
		this.heartbeat.unref();
	}

	/** Joins the nodes' address secret (over `bus`) and starts refreshing this node's counts. */
	static async start( o: RedisAddressLimitsOptions ): Promise< RedisAddressLimits > {
		const rotationMs = o.rotationMs ?? ROTATION_MS;
		const windowMs = o.failureWindowMs ?? FAILURE_WINDOW_MS;
		if ( rotationMs < windowMs ) throw new RangeError( `the address secret's rotation (${ rotationMs } ms) may not be shorter than the failure window (${ windowMs } ms)` );
		const secrets = await AddressSecrets.start( { bus: o.bus, log: o.log, rotationMs, now: o.now } );
		return new RedisAddressLimits( o.redis, secrets, o.bus.id, o.log, o );
	}

	async acquireConnection( address: string ): Promise< boolean > {
		// The key first: it may start a new epoch, whose rewrite must come before `generation` is read.
		const field = this.secrets.current( address );
		let taken: boolean;
		try {
			assertUp( this.redis, 'acquire' );
			// EVAL, not EVALSHA: one round trip always, so the script runs in the order it was sent (see `generation`).
			const generation = this.generation;
			const answer = await this.redis.eval( ACQUIRE, 2, this.nodesKey, this.hashKey, field, this.maxConnections, this.ttlMs, this.nodeId, this.connPrefix );
			taken = answer === 1;
			// A rewrite sent after the script ran was built from counts without this connection: count it again.
			if ( taken && generation !== this.generation ) void this.write( () => this.redis.hincrby( this.hashKey, this.secrets.current( address ), 1 ) );
		} catch ( e ) {
			this.unreachable( e );
			taken = ( this.open.get( address ) ?? 0 ) < this.maxConnections;
		}
		if ( taken ) this.open.set( address, ( this.open.get( address ) ?? 0 ) + 1 );
		return taken;
	}

	async releaseConnection( address: string ): Promise< void > {
		const n = ( this.open.get( address ) ?? 0 ) - 1;
		if ( n < 0 ) return;
		// The key before the count changes: a new epoch's rewrite, if it starts here, must still count this connection.
		const field = this.secrets.current( address );
		if ( n === 0 ) this.open.delete( address );
		else this.open.set( address, n );
		if ( this.dirty ) return; // The next heartbeat writes the hash whole.
		await this.write( () => this.redis.eval( RELEASE, 1, this.hashKey, field ) );
	}

	async mayTry( address: string ): Promise< boolean > {
		if ( ! this.local.mayTry( address ) ) return false;
		const keys = [ this.secrets.current( address ), this.secrets.previous( address ) ].filter( ( k ): k is string => k !== null );
		const since = this.now() - this.windowMs;
		try {
			assertUp( this.redis, 'mayTry' );
			const counts = await Promise.all( keys.map( ( k ) => this.redis.zcount( this.failPrefix + k, `(${ since }`, '+inf' ) ) );
			return counts.reduce( ( a, b ) => a + b, 0 ) < this.maxFailures;
		} catch ( e ) {
			this.unreachable( e );
			return true; // This node's own failures allowed it, above.
		}
	}

	async recordFailure( address: string ): Promise< void > {
		this.local.recordFailure( address );
		const key = this.failPrefix + this.secrets.current( address );
		const now = this.now();
		const member = `${ this.nodeId }:${ ++this.failures }`;
		try {
			assertUp( this.redis, 'recordFailure' );
			await this.redis.multi().zadd( key, now, member ).zremrangebyscore( key, '-inf', now - this.windowMs ).pexpire( key, this.windowMs ).exec();
		} catch ( e ) {
			this.unreachable( e );
		}
	}

	/** Stops refreshing, removes this node's connection counts from Redis (best effort) and forgets the secrets. */
	async close(): Promise< void > {
		if ( this.closed ) return;
		this.closed = true;
		clearInterval( this.heartbeat );
		this.secrets.off( 'changed', this.rekey );
		this.redis.off( 'ready', this.rekey );
		this.open.clear();
		if ( ! isDown( this.redis ) ) await this.redis.multi().del( this.hashKey ).srem( this.nodesKey, this.nodeId ).exec().catch( () => undefined );
		await this.secrets.close();
	}

	/** Every third of the TTL: keep this node's hash alive, or write it again if Redis lost it or a write failed. */
	private async refresh(): Promise< void > {
		if ( this.closed ) return;
		if ( this.dirty ) return this.rewrite();
		if ( this.open.size === 0 ) return; // No hash to keep (the last release emptied it, and Redis deletes an empty hash).
		try {
			const replies = await this.redis.multi().pexpire( this.hashKey, this.ttlMs ).sadd( this.nodesKey, this.nodeId ).pexpire( this.nodesKey, this.ttlMs ).exec();
			if ( replies?.[ 0 ]?.[ 1 ] === 0 ) await this.rewrite(); // The hash was gone: Redis restarted empty, or this node stalled past its TTL.
		} catch ( e ) {
			this.unreachable( e );
		}
	}

	/** This node's hash again from memory, under the current secret, in one transaction. */
	private async rewrite(): Promise< void > {
		if ( this.closed ) return;
		if ( isDown( this.redis ) ) {
			this.dirty = true; // Its 'ready' brings this back.
			return;
		}
		this.generation++;
		this.dirty = false;
		const tx = this.redis.multi().del( this.hashKey );
		const fields: Array< string | number > = [];
		for ( const [ address, n ] of this.open ) fields.push( this.secrets.current( address ), n );
		for ( let i = 0; i < fields.length; i += 2_000 ) tx.hset( this.hashKey, ...fields.slice( i, i + 2_000 ) );
		if ( fields.length > 0 ) tx.pexpire( this.hashKey, this.ttlMs ).sadd( this.nodesKey, this.nodeId ).pexpire( this.nodesKey, this.ttlMs );
		try {
			await tx.exec();
		} catch ( e ) {
			this.unreachable( e );
		}
	}

	private async write( command: () => Promise< unknown > ): Promise< void > {
		try {
			assertUp( this.redis, 'write' );
			await command();
		} catch ( e ) {
			this.unreachable( e );
		}
	}

	/** A command failed: the hash may now differ from memory. The connection itself logs the outage (redis.ts). */
	private unreachable( e: unknown ): void {
		this.dirty = true;
		this.log.debug( { err: e }, 'shared address counters unreachable; answering from this node\'s counts' );
	}
}
