/**
 * One WebSocket connection: authentication by the first frame, origin check,
 * rate limiting, and turning every bad frame into a typed error without
 * dropping the connection (only auth failures and floods close it).
 */
import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import type { ServiceLimits, SiteConfig } from './config';
import type { IpLimiter } from './ip-limiter';
import type { Logger } from './log';
import type { Peer } from './peer';
import { CLOSE, FRAMES_BY_ROLE, LIMITS, parseClientFrame, type ErrorCode, type Role, type ServerFrame } from './protocol';
import { TokenBucket } from './rate-limit';
import { ChatError, type ChatRooms } from './rooms';
import { verifyToken, type Identity } from './tokens';

export interface ConnectionContext {
	sites: ReadonlyMap< string, SiteConfig >;
	allOrigins: ReadonlySet< string >;
	rooms: ChatRooms;
	log: Logger;
	limits: ServiceLimits;
	ips: IpLimiter;
}

/** Rate-limited frames in a row before the connection is closed as a flood. */
const MAX_REFUSED = 50;
const ALLOWED: Record< Role, ReadonlySet< string > > = {
	agent: new Set( FRAMES_BY_ROLE.agent ),
	visitor: new Set( FRAMES_BY_ROLE.visitor ),
};

export function handleConnection( ws: WebSocket, req: IncomingMessage, ctx: ConnectionContext ): void {
	const origin = req.headers.origin ?? '';
	// The address lives in this closure (and the in-memory limiter) for the
	// connection's life only; it is never logged or stored.
	const ip = req.socket.remoteAddress ?? '';
	let peer: Peer | null = null;
	let refused = 0;
	const bucket = new TokenBucket( ctx.limits.framesPerSecond, ctx.limits.burst );

	// Frames for one socket within one event-loop turn leave in one write
	// (one syscall) instead of one each: under load that is most of the cost.
	const socket = req.socket;
	let corked = false;
	const uncork = (): void => {
		corked = false;
		socket.uncork();
	};
	const sendJson = ( json: string ): void => {
		if ( ws.readyState !== ws.OPEN ) return;
		if ( ! corked ) {
			corked = true;
			socket.cork();
			setImmediate( uncork );
		}
		ws.send( json );
	};
	const send = ( frame: ServerFrame ): void => sendJson( JSON.stringify( frame ) );
	const error = ( code: ErrorCode, message: string, ref?: string ): void =>
		send( ref ? { type: 'error', code, message, ref } : { type: 'error', code, message } );
	const refuse = ( code: ErrorCode, message: string, close: number ): void => {
		error( code, message );
		ws.close( close, code );
	};

	if ( ! ctx.allOrigins.has( origin ) ) {
		refuse( 'bad_origin', 'this page may not open a chat connection', CLOSE.badOrigin );
		return;
	}
	if ( ! ctx.ips.acquire( ip ) ) {
		refuse( 'rate_limited', 'too many connections from your network', CLOSE.rateLimited );
		return;
	}

	const helloTimer = setTimeout(
		() => refuse( 'auth_required', 'no hello frame in time', CLOSE.authTimeout ),
		LIMITS.helloTimeoutMs
	);

	const reportFailure = ( e: unknown, ref?: string ): void => {
		if ( e instanceof ChatError ) {
			error( e.code, e.message, ref );
			return;
		}
		ctx.log.error( { err: e }, 'frame handling failed' );
		error( 'internal', 'the service could not handle that', ref );
	};

	const authenticate = ( token: string ): Peer | null => {
		const verified = verifyToken( token, ctx.sites );
		if ( ! verified.ok ) {
			refuse( verified.code, verified.message, CLOSE.badToken );
			return null;
		}
		const { identity } = verified;
		if ( identity.role === 'site' ) {
			refuse( 'forbidden', 'site tokens are for the HTTP API', CLOSE.badToken );
			return null;
		}
		if ( ! identity.site.origins.includes( origin ) ) {
			refuse( 'bad_origin', 'this page may not open a chat for that site', CLOSE.badOrigin );
			return null;
		}
		return { identity: identity as Identity, send, sendJson, close: ( code, reason ) => ws.close( code, reason ) };
	};

	ws.on( 'message', ( data: RawData, isBinary: boolean ) => {
		if ( ! bucket.take() ) {
			refused++;
			if ( refused > MAX_REFUSED ) refuse( 'rate_limited', 'too many frames', CLOSE.rateLimited );
			else error( 'rate_limited', 'slow down' );
			return;
		}
		refused = 0;
		if ( isBinary ) {
			error( 'bad_frame', 'binary frames are not accepted' );
			return;
		}
		const parsed = parseClientFrame( data.toString() );
		if ( ! parsed.ok ) {
			error( parsed.code, parsed.message );
			return;
		}
		const frame = parsed.frame;
		const ref = 'clientId' in frame ? frame.clientId : undefined;

		if ( frame.type === 'hello' ) {
			if ( peer ) {
				error( 'conflict', 'already authenticated' );
				return;
			}
			peer = authenticate( frame.token );
			if ( ! peer ) return;
			clearTimeout( helloTimer );
			ctx.rooms.connect( peer, frame ).catch( ( e ) => reportFailure( e ) );
			return;
		}
		if ( ! peer ) {
			error( 'auth_required', 'send hello first' );
			return;
		}
		if ( ! ALLOWED[ peer.identity.role ].has( frame.type ) ) {
			error( 'forbidden', `a ${ peer.identity.role } may not send "${ frame.type }"`, ref );
			return;
		}
		if ( frame.type === 'start' && Date.now() > peer.identity.expiresAt ) {
			// An open chat goes on past the token's life; only new chats need a fresh one.
			error( 'token_expired', 'reconnect with a fresh token to start a chat', ref );
			return;
		}
		ctx.rooms.handle( peer, frame ).catch( ( e ) => reportFailure( e, ref ) );
	} );

	ws.on( 'close', () => {
		clearTimeout( helloTimer );
		ctx.ips.release( ip );
		if ( peer ) ctx.rooms.disconnect( peer );
	} );
	ws.on( 'error', ( e ) => ctx.log.debug( { err: e.message }, 'socket error' ) );
}
