/**
 * A test client for the service: a real WebSocket that records every frame
 * and lets a test await the next one matching a predicate (no sleeps).
 */
import type { IncomingHttpHeaders } from 'node:http';
import WebSocket, { type ClientOptions } from 'ws';
import type { ClientFrame, ServerFrame } from '../../server/protocol';

type Of< T extends ServerFrame[ 'type' ] > = Extract< ServerFrame, { type: T } >;

export class TestClient {
	readonly frames: ServerFrame[] = [];
	/** In order of waiting; a frame one of them takes is not offered to those after it. */
	private waiters: Array< { match: ( f: ServerFrame ) => boolean; take: ( f: ServerFrame ) => boolean; resolve: ( f: ServerFrame ) => void } > = [];
	readonly closed: Promise< { code: number; reason: string } >;
	/** The headers of the server's 101 answer (e.g. which node a load balancer chose). */
	upgradeHeaders: IncomingHttpHeaders = {};

	private constructor( readonly ws: WebSocket ) {
		ws.once( 'upgrade', ( res ) => ( this.upgradeHeaders = res.headers ) );
		ws.on( 'message', ( data ) => {
			const frame = JSON.parse( data.toString() ) as ServerFrame;
			let taken = false;
			this.waiters = this.waiters.filter( ( w ) => {
				if ( taken || ! w.match( frame ) ) return true;
				taken = w.take( frame );
				w.resolve( frame );
				return false;
			} );
			if ( ! taken ) this.frames.push( frame );
		} );
		this.closed = new Promise( ( resolve ) =>
			ws.on( 'close', ( code, reason ) => resolve( { code, reason: reason.toString() } ) )
		);
	}

	/** `options`: e.g. a CA for wss://, a local (source) address, extra headers. */
	static async open( url: string, origin: string, options: ClientOptions = {} ): Promise< TestClient > {
		const ws = new WebSocket( url, { ...options, origin } );
		const client = new TestClient( ws );
		await new Promise< void >( ( resolve, reject ) => {
			ws.once( 'open', () => resolve() );
			ws.once( 'error', reject );
		} );
		return client;
	}

	send( frame: ClientFrame ): void {
		this.ws.send( JSON.stringify( frame ) );
	}

	/** Anything at all, JSON-encoded: for frames the protocol does not allow. */
	sendJson( value: unknown ): void {
		this.ws.send( JSON.stringify( value ) );
	}

	raw( data: string | Buffer ): void {
		this.ws.send( data );
	}

	/** Resolves with the first frame (already received or future) of that type matching `where`. */
	next< T extends ServerFrame[ 'type' ] >(
		type: T,
		where: ( f: Of< T > ) => boolean = () => true,
		timeoutMs = 5000
	): Promise< Of< T > > {
		// Created here, so a timeout points at the test line that waited.
		const timeout = new Error( `no "${ type }" frame within ${ timeoutMs } ms` );
		return this.wait( ( f ) => f.type === type && where( f as Of< T > ), () => true, timeout, timeoutMs ) as Promise< Of< T > >;
	}

	/** Resolves with the first frame of whichever type that matches `where` (e.g. "joined or waiting"). */
	nextMatching( where: ( f: ServerFrame ) => boolean, timeoutMs = 5000 ): Promise< ServerFrame > {
		const timeout = new Error( `no matching frame within ${ timeoutMs } ms` );
		return this.wait( where, () => true, timeout, timeoutMs );
	}

	/**
	 * The service's acknowledgement of a `send`: the message's own copy with
	 * that clientId (left in place for a later `next( 'message' )`), or an
	 * `ack` (taken). Resolves with the seq it was given.
	 */
	async acked( clientId: string, timeoutMs = 5000 ): Promise< number > {
		const timeout = new Error( `no acknowledgement of "${ clientId }" within ${ timeoutMs } ms` );
		const f = await this.wait(
			( x ) => ( x.type === 'ack' || x.type === 'message' ) && x.clientId === clientId,
			( x ) => x.type === 'ack',
			timeout,
			timeoutMs
		);
		return ( f as Of< 'ack' | 'message' > ).seq;
	}

	private wait( match: ( f: ServerFrame ) => boolean, take: ( f: ServerFrame ) => boolean, timeout: Error, timeoutMs: number ): Promise< ServerFrame > {
		const seen = this.frames.find( match );
		if ( seen ) {
			if ( take( seen ) ) this.frames.splice( this.frames.indexOf( seen ), 1 );
			return Promise.resolve( seen );
		}
		return new Promise( ( resolve, reject ) => {
			const waiter = {
				match,
				take,
				resolve: ( f: ServerFrame ) => {
					clearTimeout( timer );
					resolve( f );
				},
			};
			const timer = setTimeout( () => {
				this.waiters = this.waiters.filter( ( w ) => w !== waiter );
				timeout.message += `; got ${ JSON.stringify( this.frames ) }`;
				reject( timeout );
			}, timeoutMs );
			this.waiters.push( waiter );
		} );
	}

	close(): void {
		this.ws.close();
	}
}
