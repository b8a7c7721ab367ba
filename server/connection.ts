/**
 * One WebSocket connection: authentication by the first frame, origin check,
 * rate limiting, and turning every bad frame into a typed error without
 * dropping the connection (only auth failures and floods close it).
 *
 * Thousands of visitors sit idle on their sockets, so a connection is one
 * object (its methods on the prototype), found from the socket through one
 * property; the socket's listeners are shared functions, not closures per
 * connection. Measured with 10k idle visitors: the closures, timer and
 * listeners of the earlier closure-per-connection version, and the upgrade
 * request they kept alive, were half of our per-connection heap.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { RawData, WebSocket } from 'ws';
import type { ServiceLimits, SiteConfig } from './config';
import type { AddressLimits } from './address-limits';
import type { Logger } from './log';
import { accessEndsAt, admitAgent, checkRenewal } from './agent-tokens';
import type { Peer } from './peer';
import { CLOSE, FRAMES_BY_ROLE, LIMITS, parseClientFrame, type ErrorCode, type Role, type ServerFrame } from './protocol';
import { TokenBucket } from './rate-limit';
import type { Revocations } from './revocations';
import { errorFrame } from './chats/live-chat';
import type { FrontDoor } from './front-door';
import { verifyToken, type Identity } from './tokens';

export interface ConnectionContext {
	sites: ReadonlyMap< string, SiteConfig >;
	allOrigins: ReadonlySet< string >;
	rooms: FrontDoor;
	log: Logger;
	limits: ServiceLimits;
	/** Per-address limits (this node's, or the cluster's). */
	addressLimits: AddressLimits;
	/** Agents whose access WordPress withdrew: their older tokens are refused. */
	revocations: Revocations;
	/** The request's client address (client-address.ts), the key of every per-address limit. */
	addressOf: ( req: IncomingMessage ) => string;
}

/** Rate-limited frames in a row before the connection is closed as a flood. */
const MAX_REFUSED = 50;
const ALLOWED: Record< Role, ReadonlySet< string > > = {
	agent: new Set( FRAMES_BY_ROLE.agent ),
	visitor: new Set( FRAMES_BY_ROLE.visitor ),
};

/** The property of a `ws` socket that holds its connection. */
const CONNECTION = Symbol( 'consent-chat connection' );
type Tagged = WebSocket & { [ CONNECTION ]?: Connection };

/*
 * Frames for one socket within one event-loop turn leave in one write (one
 * syscall) instead of one each: under load that is most of the cost. Every
 * socket corked in this turn is uncorked by one shared immediate.
 */
let corked: Connection[] = [];
const uncorkAll = (): void => {
	const connections = corked;
	corked = [];
	for ( const c of connections ) c.uncork();
};

class Connection {
	/** Set once `hello` is accepted; then this connection is the rooms' peer. */
	identity: Identity | null = null;
	private refused = 0;
	private corked = false;
	private helloTimer: ReturnType< typeof setTimeout > | null = null;
	/** Agents only: closes the connection when its token expires unrenewed. */
	private expiryTimer: ReturnType< typeof setTimeout > | null = null;
	/** The service closed it: frames still in flight are not acted on. */
	private closing = false;
	/** Counted in the per-address limit: released exactly once. */
	private admitted = false;
	private readonly bucket: TokenBucket;

	constructor(
		private readonly ws: WebSocket,
		private readonly socket: Socket,
		readonly ctx: ConnectionContext,
		private readonly origin: string,
		// The address lives here (and in the in-memory limiter) for the
		// connection's life only; it is never logged or stored.
		private readonly ip: string
	) {
		this.bucket = new TokenBucket( ctx.limits.framesPerSecond, ctx.limits.burst );
	}

	/** The origin check; false: refused (and closing). */
	start(): boolean {
		if ( ! this.ctx.allOrigins.has( this.origin ) ) {
			this.refuse( 'bad_origin', 'this page may not open a chat connection', CLOSE.badOrigin );
			return false;
		}
		return true;
	}

	/**
	 * The per-address limit, which several nodes count together (an answer
	 * that may take a round trip): false, refused and closing. Until it
	 * answers, the socket is paused, so no frame arrives unread.
	 */
	async admit(): Promise< boolean > {
		if ( ! ( await this.ctx.addressLimits.acquireConnection( this.ip ) ) ) {
			this.refuse( 'rate_limited', 'too many connections from your network', CLOSE.rateLimited );
			return false;
		}
		this.admitted = true;
		if ( this.ws.readyState !== this.ws.OPEN ) {
			// Gone while the limit answered: nothing will call closed() now.
			this.release();
			return false;
		}
		this.helloTimer = setTimeout( helloTimeout, LIMITS.helloTimeoutMs, this );
		return true;
	}

	private release(): void {
		if ( ! this.admitted ) return;
		this.admitted = false;
		void this.ctx.addressLimits.releaseConnection( this.ip );
	}

	/* Peer */

	sendJson( json: string ): void {
		const ws = this.ws;
		if ( ws.readyState !== ws.OPEN ) return;
		if ( ! this.corked ) {
			this.corked = true;
			this.socket.cork();
			if ( corked.length === 0 ) setImmediate( uncorkAll );
			corked.push( this );
		}
		ws.send( json );
	}

	uncork(): void {
		this.corked = false;
		this.socket.uncork();
	}

	send( frame: ServerFrame ): void {
		this.sendJson( JSON.stringify( frame ) );
	}

	close( code: number, reason: string ): void {
		this.closing = true;
		this.ws.close( code, reason );
	}

	/* Frames */

	private error( code: ErrorCode, message: string, ref?: string ): void {
		this.send( ref ? { type: 'error', code, message, ref } : { type: 'error', code, message } );
	}

	refuse( code: ErrorCode, message: string, close: number ): void {
		this.error( code, message );
		this.close( close, code );
	}

	private reportFailure( e: unknown, ref?: string ): void {
		this.send( errorFrame( e, this.ctx.log, ref ) );
	}

	private authenticate( token: string ): Identity | null {
		const verified = verifyToken( token, this.ctx.sites );
		if ( ! verified.ok ) {
			this.refuse( verified.code, verified.message, CLOSE.badToken );
			return null;
		}
		const { identity } = verified;
		if ( identity.role === 'site' ) {
			this.refuse( 'forbidden', 'site tokens are for the HTTP API', CLOSE.badToken );
			return null;
		}
		if ( ! identity.site.origins.includes( this.origin ) ) {
			this.refuse( 'bad_origin', 'this page may not open a chat for that site', CLOSE.badOrigin );
			return null;
		}
		const refused = identity.role === 'agent' ? admitAgent( identity as Identity, this.ctx.revocations ) : null;
		if ( refused ) {
			this.refuse( refused.code, refused.message, CLOSE.revoked );
			return null;
		}
		return identity as Identity;
	}

	/** An agent's access lasts as long as its token: armed at `hello` and at each `renew`. */
	private armExpiry( identity: Identity ): void {
		if ( identity.role !== 'agent' ) return;
		if ( this.expiryTimer ) clearTimeout( this.expiryTimer );
		this.expiryTimer = setTimeout( tokenExpired, Math.max( 0, accessEndsAt( identity ) - Date.now() ), this );
	}

	/** `renew`: the open connection carries on with a fresh token of the same agent. */
	private renew( token: string ): void {
		const current = this.identity as Identity;
		const checked = checkRenewal( current, verifyToken( token, this.ctx.sites ), this.ctx.revocations );
		if ( ! checked.ok ) {
			this.error( checked.code, checked.message );
			return;
		}
		this.identity = checked.identity;
		this.armExpiry( checked.identity );
		this.ctx.rooms.renewed( this as unknown as Peer );
		this.send( { type: 'renewed', expiresAt: checked.identity.expiresAt } );
	}

	message( data: RawData, isBinary: boolean ): void {
		if ( this.closing ) return;
		if ( ! this.bucket.take() ) {
			this.refused++;
			if ( this.refused > MAX_REFUSED ) this.refuse( 'rate_limited', 'too many frames', CLOSE.rateLimited );
			else this.error( 'rate_limited', 'slow down' );
			return;
		}
		this.refused = 0;
		if ( isBinary ) {
			this.error( 'bad_frame', 'binary frames are not accepted' );
			return;
		}
		const parsed = parseClientFrame( data.toString() );
		if ( ! parsed.ok ) {
			this.error( parsed.code, parsed.message );
			return;
		}
		const frame = parsed.frame;
		const ref = 'clientId' in frame ? frame.clientId : undefined;
		// Once authenticated, this connection is the rooms' peer (identity set).
		const peer = this as unknown as Peer;

		if ( frame.type === 'hello' ) {
			if ( this.identity ) {
				this.error( 'conflict', 'already authenticated' );
				return;
			}
			const identity = this.authenticate( frame.token );
			if ( ! identity ) return;
			this.identity = identity;
			this.clearHelloTimer();
			this.armExpiry( identity );
			this.ctx.rooms.connect( peer, frame ).catch( ( e ) => this.reportFailure( e ) );
			return;
		}
		if ( ! this.identity ) {
			this.error( 'auth_required', 'send hello first' );
			return;
		}
		if ( ! ALLOWED[ this.identity.role ].has( frame.type ) ) {
			this.error( 'forbidden', `a ${ this.identity.role } may not send "${ frame.type }"`, ref );
			return;
		}
		if ( frame.type === 'start' && Date.now() > this.identity.expiresAt ) {
			// An open chat goes on past the token's life; only new chats need a fresh one.
			this.error( 'token_expired', 'reconnect with a fresh token to start a chat', ref );
			return;
		}
		if ( frame.type === 'renew' ) {
			this.renew( frame.token );
			return;
		}
		this.ctx.rooms.handle( peer, frame ).catch( ( e ) => this.reportFailure( e, ref ) );
	}

	/** After start() accepted the connection: it has ended. */
	closed(): void {
		this.clearHelloTimer();
		if ( this.expiryTimer ) clearTimeout( this.expiryTimer );
		this.release();
		if ( this.identity ) this.ctx.rooms.disconnect( this as unknown as Peer );
	}

	private clearHelloTimer(): void {
		if ( this.helloTimer ) {
			clearTimeout( this.helloTimer );
			this.helloTimer = null;
		}
	}
}

function helloTimeout( c: Connection ): void {
	c.refuse( 'auth_required', 'no hello frame in time', CLOSE.authTimeout );
}

function tokenExpired( c: Connection ): void {
	c.refuse( 'token_expired', 'the agent token expired without a renewal; reconnect with a fresh one', CLOSE.tokenExpired );
}

function onMessage( this: Tagged, data: RawData, isBinary: boolean ): void {
	this[ CONNECTION ]?.message( data, isBinary );
}

function onClose( this: Tagged ): void {
	this[ CONNECTION ]?.closed();
}

function onError( this: Tagged, e: Error ): void {
	this[ CONNECTION ]?.ctx.log.debug( { err: e.message }, 'socket error' );
}

export function handleConnection( ws: WebSocket, req: IncomingMessage, ctx: ConnectionContext ): void {
	const connection = new Connection( ws, req.socket, ctx, req.headers.origin ?? '', ctx.addressOf( req ) );
	( ws as Tagged )[ CONNECTION ] = connection;
	ws.on( 'error', onError );
	// A refused connection is closing: its frames are not read, it holds no address.
	if ( ! connection.start() ) return;
	ws.pause();
	ws.on( 'close', onClose );
	void connection.admit().then( ( admitted ) => {
		if ( admitted ) ws.on( 'message', onMessage );
		// Read again either way: a refused socket must read the client's close frame to finish closing.
		ws.resume();
	} );
}
