/**
 * A test client for the service: a real WebSocket that records every frame
 * and lets a test await the next one matching a predicate (no sleeps).
 */
import WebSocket from 'ws';
import type { ClientFrame, ServerFrame } from '../../server/protocol';

type Of< T extends ServerFrame[ 'type' ] > = Extract< ServerFrame, { type: T } >;

export class TestClient {
	readonly frames: ServerFrame[] = [];
	private waiters: Array< { match: ( f: ServerFrame ) => boolean; resolve: ( f: ServerFrame ) => void } > = [];
	readonly closed: Promise< { code: number; reason: string } >;

	private constructor( readonly ws: WebSocket ) {
		ws.on( 'message', ( data ) => {
			const frame = JSON.parse( data.toString() ) as ServerFrame;
			this.frames.push( frame );
			this.waiters = this.waiters.filter( ( w ) => {
				if ( ! w.match( frame ) ) return true;
				w.resolve( frame );
				return false;
			} );
		} );
		this.closed = new Promise( ( resolve ) =>
			ws.on( 'close', ( code, reason ) => resolve( { code, reason: reason.toString() } ) )
		);
	}

	static async open( url: string, origin: string ): Promise< TestClient > {
		const ws = new WebSocket( url, { origin } );
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
		const match = ( f: ServerFrame ): boolean => f.type === type && where( f as Of< T > );
		const seen = this.frames.find( match );
		if ( seen ) {
			this.frames.splice( this.frames.indexOf( seen ), 1 );
			return Promise.resolve( seen as Of< T > );
		}
		// Created here, so a timeout points at the test line that waited.
		const timeout = new Error( `no "${ type }" frame within ${ timeoutMs } ms` );
		return new Promise( ( resolve, reject ) => {
			const timer = setTimeout( () => {
				timeout.message += `; got ${ JSON.stringify( this.frames ) }`;
				reject( timeout );
			}, timeoutMs );
			this.waiters.push( {
				match,
				resolve: ( f ) => {
					clearTimeout( timer );
					this.frames.splice( this.frames.indexOf( f ), 1 );
					resolve( f as Of< T > );
				},
			} );
		} );
	}

	close(): void {
		this.ws.close();
	}
}
