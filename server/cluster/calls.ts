/**
 * The HTTP API's requests for a site another node owns: sent as a `call`
 * op, answered by a `reply` op. A call not answered in time fails with
 * OwnerUnavailableError, as one to a site no node serves at the moment;
 * the HTTP layer answers both with 503, so WordPress retries.
 */
import type { NodeId } from './bus';
import type { Outbox } from './outbox';
import type { CallName } from './wire';

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
