/**
 * The HTTP API's requests for a site another node owns: sent as a `call`
 * op, answered by a `reply` op. A call not answered in time fails with
 * OwnerUnavailableError, as one to a site no node serves at the moment;
 * the HTTP layer answers both with 503, so WordPress retries.
 */
import type { BotReply } from '../bot/wire';
import type { Logger } from '../log';
import type { ChatRooms } from '../rooms';
import type { NodeId } from './bus';
import type { Outbox } from './outbox';
import type { CallName, Op } from './wire';

export class OwnerUnavailableError extends Error {
	readonly code = 'unavailable';
	constructor( site: string ) {
		super( `no node serves site "${ site }" at the moment; try again shortly` );
		this.name = 'OwnerUnavailableError';
	}
}

/** A ChatError-like failure the owner reported (its code and text travel back). */
export class RemoteCallError extends Error {
	constructor(
		readonly code: string,
		message: string
	) {
		super( message );
		this.name = 'RemoteCallError';
	}
}

interface Pending {
	resolve: ( value: unknown ) => void;
	reject: ( e: Error ) => void;
	timer: NodeJS.Timeout;
	node: NodeId;
	site: string;
}

export class Calls {
	private next = 1;
	private readonly pending = new Map< number, Pending >();

	constructor(
		private readonly outbox: Outbox,
		private readonly timeoutMs = 5_000
	) {}

	call< T >( node: NodeId, site: string, name: CallName, args: unknown[] ): Promise< T > {
		const id = this.next++;
		return new Promise< T >( ( resolve, reject ) => {
			const timer = setTimeout( () => this.fail( id ), this.timeoutMs );
			this.pending.set( id, { resolve: resolve as ( value: unknown ) => void, reject, timer, node, site } );
			this.outbox.push( node, { op: 'call', id, site, name, args } );
		} );
	}

	replied( id: number, value: unknown, error?: { code: string; message: string } ): void {
		const p = this.pending.get( id );
		if ( ! p ) return; // timed out meanwhile
		this.pending.delete( id );
		clearTimeout( p.timer );
		if ( error ) p.reject( new RemoteCallError( error.code, error.message ) );
		else p.resolve( value );
	}

	/** The node is gone (or the bus lost): its calls will not be answered. */
	failTo( node: NodeId | null ): void {
		for ( const [ id, p ] of this.pending ) if ( node === null || p.node === node ) this.fail( id );
	}

	private fail( id: number ): void {
		const p = this.pending.get( id );
		if ( ! p ) return;
		this.pending.delete( id );
		clearTimeout( p.timer );
		p.reject( new OwnerUnavailableError( p.site ) );
	}
}

/** Runs another node's call on the site this node serves (`rooms`; none: it serves it no longer) and replies. The arguments come from a node, checked there. */
export function answerCall( outbox: Outbox, log: Logger, from: NodeId, call: Extract< Op, { op: 'call' } >, rooms: ChatRooms | undefined ): void {
	const { id, site, name, args } = call;
	const run = async (): Promise< unknown > => {
		if ( ! rooms ) throw new OwnerUnavailableError( site );
		switch ( name ) {
			case 'available':
				return rooms.available( site, args[ 0 ] as string | null );
			case 'counts':
				return rooms.counts( site );
			case 'dropAgent':
				return rooms.dropAgent( site, args[ 0 ] as string );
			case 'purgeExpired':
				return rooms.purgeExpired( site );
			case 'deleteByCode':
				return rooms.deleteByCode( site, args[ 0 ] as string );
			case 'eraseByEmail':
				return rooms.eraseByEmail( site, args[ 0 ] as string );
			case 'botReply':
				// Checked (schema and signature) on the node the bot called.
				return rooms.botReply( site, args[ 0 ] as BotReply );
		}
	};
	run().then(
		( value ) => outbox.push( from, { op: 'reply', id, value } ),
		( e: unknown ) => {
			const code = e instanceof OwnerUnavailableError ? 'unavailable' : 'internal';
			if ( code === 'internal' ) log.error( { err: e, call: name }, 'cluster: a call from another node failed' );
			outbox.push( from, { op: 'reply', id, error: { code, message: e instanceof Error ? e.message : String( e ) } } );
		}
	);
}
