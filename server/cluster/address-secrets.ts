/**
 * The secret that turns a visitor's address into the key of a shared
 * counter (HMAC-SHA256 of the address, base64url): random, held in memory
 * only, the same on every node, and replaced every `rotationMs` (an hour).
 *
 * Why agreed over the bus: a counter shared by the nodes needs the same key
 * for the same address on every node, so each node cannot keep a secret of
 * its own; and written anywhere (a key in Redis, a config file), the secret
 * would sit beside the keys in Redis's snapshot or a backup, and with the
 * few billion IPv4 addresses tried one by one, the keys would give the
 * addresses back. So the secret travels between the nodes by pub/sub only,
 * which Redis never writes down, and lives in their memory; once every
 * node has moved on from it (or died), nobody can tell whose address a key
 * in an old snapshot was.
 *
 * How the nodes agree, with no leader: secrets are per epoch (wall-clock
 * hours: nodes are assumed to be within seconds of each other), and of two
 * secrets for one epoch the one made earlier wins (`born`, then the text).
 * A starting node asks; a node that has secrets answers with them; a node
 * that gets a losing secret answers with its own, so every proposal ends on
 * the winner within a round trip. At an epoch's start the first node to get
 * there makes the secret and the others, having got it, take it. After a
 * Redis outage each node repeats its secrets, which settles whatever the
 * nodes made apart. A node that takes another secret for the current epoch
 * (only at such moments) says so by 'changed', and the counters re-key what
 * this node holds; in the moment between, a counter may miss the other
 * nodes' counts, which for a limit against floods is acceptable.
 *
 * Why the previous secret too: a failure counted under an epoch's secret
 * must still count while it is within its window, which may reach into the
 * next epoch; `previous()` gives that key, so the rotation may not be
 * shorter than the failure window (checked by the counters).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as v from 'valibot';
import type { Logger } from '../log';
import { busChannel, type NodeBus } from './bus';

const Epoch = v.pipe( v.number(), v.safeInteger(), v.minValue( 0 ) );

export const ADDRESS_SECRET_CHANNEL = busChannel(
	'address-secret',
	v.variant( 'type', [
		/** A node's secret for an epoch. */
		v.object( {
			type: v.literal( 'secret' ),
			epoch: Epoch,
			secret: v.pipe( v.string(), v.regex( /^[A-Za-z0-9_-]{43}$/ ) ),
			born: v.pipe( v.number(), v.safeInteger() ),
		} ),
		/** A starting node asks for the secrets of this epoch and the one before. */
		v.object( { type: v.literal( 'ask' ), epoch: Epoch } ),
	] )
);

type SecretMessage = v.InferOutput< typeof ADDRESS_SECRET_CHANNEL.schema >;

interface Held {
	key: Buffer;
	text: string;
	born: number;
}

export interface AddressSecretsOptions {
	bus: NodeBus;
	log: Logger;
	/** How long one secret is the current one. Default one hour. */
	rotationMs?: number;
	/** How long a starting node waits for the other nodes' secret before making its own. Default 2 s. */
	answerTimeoutMs?: number;
	now?: () => number;
}

export const ROTATION_MS = 60 * 60_000;

/** `a` wins over `b` for the same epoch: made earlier, or at the same millisecond the smaller text. */
const wins = ( a: Held, b: Held ): boolean => a.born < b.born || ( a.born === b.born && a.text < b.text );

export class AddressSecrets extends EventEmitter< { changed: [] } > {
	private readonly held = new Map< number, Held >();
	private readonly bus: NodeBus;
	private readonly log: Logger;
	private readonly rotationMs: number;
	private readonly now: () => number;
	private epoch: number;
	private timer: NodeJS.Timeout | undefined;
	private unsubscribe: ( () => Promise< void > ) | undefined;
	/** While start() waits for another node's answer: its resolve. */
	private answered: ( () => void ) | undefined;
	private readonly onReconnected = (): void => {
		void this.announce( this.epoch - 1 );
		void this.announce( this.epoch );
	};

	private constructor( o: AddressSecretsOptions ) {
		super();
		this.bus = o.bus;
		this.log = o.log;
		this.rotationMs = o.rotationMs ?? ROTATION_MS;
		this.now = o.now ?? Date.now;
		this.epoch = Math.floor( this.now() / this.rotationMs );
	}

	/** Joins the other nodes' secret, or makes one if no node answers. Rejects with RedisUnavailableError if Redis is away. */
	static async start( o: AddressSecretsOptions ): Promise< AddressSecrets > {
		const s = new AddressSecrets( o );
		await s.join( o.answerTimeoutMs ?? 2_000 );
		return s;
	}

	/** The address's key under the current secret. */
	current( address: string ): string {
		this.tick();
		return hmac( this.secretOf( this.epoch ), address );
	}

	/** The address's key under the previous epoch's secret, or null if this node never had it. */
	previous( address: string ): string | null {
		this.tick();
		const held = this.held.get( this.epoch - 1 );
		return held ? hmac( held, address ) : null;
	}

	/** Forgets the secrets and leaves the channel. */
	async close(): Promise< void > {
		clearTimeout( this.timer );
		this.bus.off( 'reconnected', this.onReconnected );
		this.held.clear();
		await this.unsubscribe?.().catch( () => undefined );
	}

	private async join( answerTimeoutMs: number ): Promise< void > {
		this.unsubscribe = await this.bus.subscribe( ADDRESS_SECRET_CHANNEL, ( m ) => this.received( m ) );
		this.bus.on( 'reconnected', this.onReconnected );
		const answered = new Promise< void >( ( resolve ) => ( this.answered = resolve ) );
		// Redis counts the subscribers it delivered to; this node's own is one of them.
		const listeners = await this.bus.publish( ADDRESS_SECRET_CHANNEL, { type: 'ask', epoch: this.epoch } );
		if ( listeners > 1 && ! this.held.has( this.epoch ) ) {
			let timer: NodeJS.Timeout | undefined;
			await Promise.race( [ answered, new Promise( ( r ) => ( timer = setTimeout( r, answerTimeoutMs ) ) ) ] );
			clearTimeout( timer );
		}
		this.answered = undefined;
		this.secretOf( this.epoch );
		this.schedule();
	}

	/** The secret for `epoch`, made (and told to the others) if this node has none yet. */
	private secretOf( epoch: number ): Held {
		let held = this.held.get( epoch );
		if ( ! held ) {
			const key = randomBytes( 32 );
			held = { key, text: key.toString( 'base64url' ), born: this.now() };
			this.held.set( epoch, held );
			void this.announce( epoch );
		}
		return held;
	}

	private received( m: SecretMessage ): void {
		this.tick();
		if ( m.type === 'ask' ) {
			void this.announce( m.epoch - 1 );
			void this.announce( m.epoch );
			return;
		}
		// Older than the previous epoch: of no use; further ahead than the next: a clock far off.
		if ( m.epoch < this.epoch - 1 || m.epoch > this.epoch + 1 ) return;
		const key = Buffer.from( m.secret, 'base64url' );
		const theirs: Held = { key, text: m.secret, born: m.born };
		const mine = this.held.get( m.epoch );
		if ( mine?.text === theirs.text ) return;
		if ( mine && wins( mine, theirs ) ) {
			void this.announce( m.epoch );
			return;
		}
		this.held.set( m.epoch, theirs );
		if ( m.epoch !== this.epoch ) return;
		if ( this.answered ) this.answered();
		else this.emit( 'changed' );
	}

	private async announce( epoch: number ): Promise< void > {
		const held = this.held.get( epoch );
		if ( ! held ) return;
		try {
			await this.bus.publish( ADDRESS_SECRET_CHANNEL, { type: 'secret', epoch, secret: held.text, born: held.born } );
		} catch ( e ) {
			// Redis away: the announcement after 'reconnected' makes up for it.
			this.log.debug( { err: e }, 'address secret not announced' );
		}
	}

	/**
	 * Once the clock is in a new epoch: its secret becomes the current one
	 * (another node's if it came first), the oldest is dropped. The clock
	 * decides, at every use; the timer only sees to it that it happens (and
	 * 'changed' is said) when nothing is being used.
	 */
	private tick(): void {
		const epoch = Math.floor( this.now() / this.rotationMs );
		if ( epoch <= this.epoch ) return;
		this.epoch = epoch;
		for ( const e of this.held.keys() ) if ( e < epoch - 1 ) this.held.delete( e );
		this.secretOf( epoch );
		this.emit( 'changed' );
	}

	private schedule(): void {
		const next = ( this.epoch + 1 ) * this.rotationMs;
		this.timer = setTimeout( () => {
			this.tick();
			this.schedule();
		}, Math.max( 1, next - this.now() ) );
		this.timer.unref();
	}
}

function hmac( held: Held, address: string ): string {
	return createHmac( 'sha256', held.key ).update( address ).digest( 'base64url' );
}
