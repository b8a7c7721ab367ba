/**
 * The node bus: typed JSON messages between the service's nodes over Redis
 * pub/sub.
 *
 * Pub/sub is a hint, never the record. A message published while a node is
 * cut off from Redis (or while Redis restarts) is lost for that node, and
 * Redis keeps no copy to ask for later. So every subscriber must be able to
 * refill what it may have missed from the store (PostgreSQL, the numbered
 * truth): `disconnected` says that messages may be getting lost from now on,
 * `reconnected` that the subscriptions are back (ioredis resubscribes by
 * itself; the bus waits for Redis to confirm) and that it is time to refill.
 *
 * Pub/sub only, never keys, lists or streams: a no-storage chat's text
 * travels here, and PUBLISH reaches neither the RDB snapshot nor the AOF,
 * where a key, list or stream would.
 *
 * Each node has a random id (`bus.id`); a node never gets its own
 * publications. A channel is a name and a valibot schema, usually a
 * `v.variant('type', […])`: its messages are that discriminated union, typed
 * where published and checked where they arrive. A malformed message (not
 * JSON, not our envelope, or refused by the schema) is logged, without its
 * content, and dropped; a handler that throws is logged. Neither reaches the
 * caller of anything. Channel names must not carry personal data: they are
 * logged.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as v from 'valibot';
import type { Redis } from 'ioredis';
import type { Logger } from '../log';
import { asRedisError, assertUp, closeRedis, openRedis, RedisUnavailableError, whenReady } from './redis';

export type NodeId = string;

/** What every bus message is: a discriminated union on `type`. */
export interface BusMessage {
	type: string;
}

export interface BusChannel< M extends BusMessage > {
	/** The channel's name, without the bus's namespace. */
	readonly name: string;
	readonly schema: v.GenericSchema< unknown, M >;
}

/** A channel whose messages `schema` defines (and checks on arrival). */
export function busChannel< M extends BusMessage >( name: string, schema: v.GenericSchema< unknown, M > ): BusChannel< M > {
	return { name, schema };
}

export type BusHandler< M extends BusMessage > = ( message: M, from: NodeId ) => void;

/** The bus was closed: nothing more may be published or subscribed. */
export class BusClosedError extends Error {
	readonly code = 'bus_closed';
	constructor() {
		super( 'the node bus is closed' );
		this.name = 'BusClosedError';
	}
}

export interface NodeBusOptions {
	log: Logger;
	/** Prefix of every channel in Redis, so that two clusters can share one Redis. Default 'consent-chat'. */
	namespace?: string;
	/** How long open() waits for Redis before failing with RedisUnavailableError. Default 10 s. */
	readyTimeoutMs?: number;
}

/** The wire: `{"v":1,"from":"<node id>","m":<message>}`, `from` first so that a node skips its own without parsing. */
const Envelope = v.object( { v: v.literal( 1 ), from: v.pipe( v.string(), v.minLength( 1 ) ), m: v.unknown() } );

interface Registered {
	readonly channel: BusChannel< BusMessage >;
	readonly handlers: Set< BusHandler< BusMessage > >;
	/** The SUBSCRIBE in flight, or done. */
	confirmed: Promise< void >;
}

export class NodeBus extends EventEmitter< { disconnected: []; reconnected: [] } > {
	readonly id: NodeId = randomBytes( 9 ).toString( 'base64url' );
	private readonly ownPrefix: string;
	private readonly namespace: string;
	private readonly channels = new Map< string, Registered >();
	private lost = false;
	private closed = false;

	private constructor(
		private readonly pub: Redis,
		private readonly sub: Redis,
		private readonly log: Logger,
		namespace: string
	) {
		super();
		this.namespace = `${ namespace }:`;
		this.ownPrefix = `{"v":1,"from":${ JSON.stringify( this.id ) },`;
		sub.on( 'message', ( name: string, raw: string ) => this.arrived( name, raw ) );
		for ( const client of [ pub, sub ] ) {
			client.on( 'close', () => this.connectionLost() );
			client.on( 'ready', () => void this.connectionBack() );
		}
	}

	/** False from 'disconnected' until 'reconnected' (and after close()): what is published now may be lost. */
	get up(): boolean {
		return ! this.lost && ! this.closed;
	}

	/** Connects both connections (publishing, and subscribing, as Redis requires); rejects with RedisUnavailableError if Redis does not answer. */
	static async open( url: string, o: NodeBusOptions ): Promise< NodeBus > {
		const pub = openRedis( url, { log: o.log, role: 'bus-publish' } );
		const sub = openRedis( url, { log: o.log, role: 'bus-subscribe' } );
		try {
			const timeout = o.readyTimeoutMs ?? 10_000;
			await Promise.all( [ whenReady( pub, timeout ), whenReady( sub, timeout ) ] );
		} catch ( e ) {
			await Promise.all( [ closeRedis( pub ), closeRedis( sub ) ] );
			throw e;
		}
		return new NodeBus( pub, sub, o.log, o.namespace ?? 'consent-chat' );
	}

	/**
	 * Sends `message` to every other node subscribed to `channel`. Resolves to
	 * the number of subscriber connections Redis handed it to (this node's own
	 * included, when it subscribes the channel too); rejects with
	 * RedisUnavailableError during an outage (the message is then lost: see
	 * the module's comment) and BusClosedError after close().
	 */
	async publish< M extends BusMessage >( channel: BusChannel< M >, message: M ): Promise< number > {
		if ( this.closed ) throw new BusClosedError();
		assertUp( this.pub, 'publish' );
		const raw = `${ this.ownPrefix }"m":${ JSON.stringify( message ) }}`;
		try {
			return await this.pub.publish( this.namespace + channel.name, raw );
		} catch ( e ) {
			throw asRedisError( e, 'publish' );
		}
	}

	/**
	 * Calls `handler` with each valid message other nodes publish on `channel`.
	 * Resolves once Redis has confirmed the subscription, to the function that
	 * ends it. During an outage it rejects with RedisUnavailableError and
	 * nothing is registered (call again later).
	 */
	async subscribe< M extends BusMessage >( channel: BusChannel< M >, handler: BusHandler< M > ): Promise< () => Promise< void > > {
		if ( this.closed ) throw new BusClosedError();
		const name = this.namespace + channel.name;
		const h = handler as BusHandler< BusMessage >;
		let entry = this.channels.get( name );
		if ( entry && entry.channel.schema !== channel.schema ) throw new TypeError( `bus channel ${ channel.name } is already subscribed with another schema` );
		if ( ! entry ) {
			assertUp( this.sub, 'subscribe' );
			const fresh: Registered = {
				channel: channel as unknown as BusChannel< BusMessage >,
				handlers: new Set(),
				confirmed: this.sub.subscribe( name ).then(
					() => undefined,
					( e ) => {
						if ( this.channels.get( name ) === fresh ) this.channels.delete( name );
						throw asRedisError( e, 'subscribe' );
					}
				),
			};
			this.channels.set( name, fresh );
			entry = fresh;
		}
		entry.handlers.add( h );
		try {
			await entry.confirmed;
		} catch ( e ) {
			entry.handlers.delete( h );
			throw e;
		}
		return () => this.unsubscribe( name, h );
	}

	/** Both connections closed; the bus ends for good. Never hangs, even with Redis gone. */
	async close(): Promise< void > {
		if ( this.closed ) return;
		this.closed = true;
		this.channels.clear();
		await Promise.all( [ closeRedis( this.pub ), closeRedis( this.sub ) ] );
		this.removeAllListeners();
	}

	private async unsubscribe( name: string, handler: BusHandler< BusMessage > ): Promise< void > {
		const entry = this.channels.get( name );
		if ( ! entry?.handlers.delete( handler ) || entry.handlers.size > 0 ) return;
		this.channels.delete( name );
		await this.dropChannel( name );
	}

	/** UNSUBSCRIBE; if Redis is away, the next message on it (after ioredis resubscribed it) drops it again. */
	private async dropChannel( name: string ): Promise< void > {
		if ( this.closed ) return;
		await this.sub.unsubscribe( name ).catch( () => undefined );
	}

	private arrived( name: string, raw: string ): void {
		if ( raw.startsWith( this.ownPrefix ) ) return;
		const entry = this.channels.get( name );
		if ( ! entry ) {
			void this.dropChannel( name );
			return;
		}
		const message = this.parse( entry.channel, raw );
		if ( ! message ) return;
		for ( const handler of entry.handlers ) {
			try {
				handler( message.m, message.from );
			} catch ( e ) {
				this.log.error( { err: e, channel: entry.channel.name }, 'a bus handler failed' );
			}
		}
	}

	private parse( channel: BusChannel< BusMessage >, raw: string ): { from: NodeId; m: BusMessage } | null {
		let json: unknown;
		try {
			json = JSON.parse( raw );
		} catch {
			return this.malformed( channel, 'not JSON' );
		}
		const envelope = v.safeParse( Envelope, json );
		if ( ! envelope.success ) return this.malformed( channel, 'not a bus envelope' );
		const message = v.safeParse( channel.schema, envelope.output.m );
		if ( ! message.success ) {
			// The issue's path and expectation say what was wrong; its `input`, never logged, is the content.
			const issue = message.issues[ 0 ];
			const at = issue.path?.map( ( p ) => String( p.key ) ).join( '.' ) || '(message)';
			return this.malformed( channel, `refused by the channel's schema at ${ at }: expected ${ issue.expected ?? issue.kind }` );
		}
		return { from: envelope.output.from, m: message.output };
	}

	private malformed( channel: BusChannel< BusMessage >, reason: string ): null {
		this.log.warn( { channel: channel.name, reason }, 'malformed bus message dropped' );
		return null;
	}

	private connectionLost(): void {
		if ( this.closed || this.lost ) return;
		this.lost = true;
		this.emit( 'disconnected' );
	}

	/**
	 * After a loss, once both connections are ready: SUBSCRIBE again to every
	 * channel with handlers. ioredis has already resubscribed (in its ready
	 * handler, before 'ready' is emitted), so this is its barrier: Redis
	 * answers commands on a connection in order. It also covers a channel
	 * whose resubscription was lost in a second drop.
	 */
	private async connectionBack(): Promise< void > {
		if ( this.closed || ! this.lost || this.pub.status !== 'ready' || this.sub.status !== 'ready' ) return;
		try {
			const names = [ ...this.channels.keys() ];
			if ( names.length > 0 ) await this.sub.subscribe( ...names );
			else await this.sub.ping();
		} catch {
			return; // Lost again: the next 'ready' tries again.
		}
		if ( this.closed || ! this.lost || this.pub.status !== 'ready' || this.sub.status !== 'ready' ) return;
		this.lost = false;
		this.emit( 'reconnected' );
	}
}

export { RedisUnavailableError };
