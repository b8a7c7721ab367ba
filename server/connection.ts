/**
 * One WebSocket connection: authentication by the first frame, origin check,
 * rate limiting, and turning every bad frame into a typed error without
 * dropping the connection (only auth failures and floods close it).
 */
import type { IncomingMessage } from 'node:http';
import type { WebSocket, RawData } from 'ws';
import type { SiteConfig } from './config';
import type { Logger } from './log';
import type { Peer } from './peer';
import { CLOSE, FRAMES_BY_ROLE, LIMITS, parseClientFrame, type ErrorCode, type ServerFrame } from './protocol';
import { ChatError, type ChatRooms } from './rooms';
import { verifyToken, type Identity } from './tokens';
import { TokenBucket } from './rate-limit';

export interface ConnectionContext {
	sites: ReadonlyMap< string, SiteConfig >;
	allOrigins: ReadonlySet< string >;
	rooms: ChatRooms;
	log: Logger;
}

/** Frames per second a connection may send, with a burst allowance. */
const FRAME_RATE = { perSecond: 10, burst: 30 };
/** Refusals in a row (rate-limited frames) before the connection is closed. */
const MAX_REFUSED = 50;
const AGENT_FRAMES = new Set< string >( FRAMES_BY_ROLE.agent );
const VISITOR_FRAMES = new Set< string >( FRAMES_BY_ROLE.visitor );

export function handleConnection( ws: WebSocket, req: IncomingMessage, ctx: ConnectionContext ): void {
	const origin = req.headers.origin ?? '';
	let peer: ( Peer & { identity: Identity } ) | null = null;
	let refused = 0;
	const bucket = new TokenBucket( FRAME_RATE.perSecond, FRAME_RATE.burst );

	const send = ( frame: ServerFrame ): void => {
		if ( ws.readyState === ws.OPEN ) ws.send( JSON.stringify( frame ) );
	};
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

	const helloTimer = setTimeout(
		() => refuse( 'auth_required', 'no hello frame in time', CLOSE.authTimeout ),
		LIMITS.helloTimeoutMs
	);

	ws.on( 'message', ( data: RawData, isBinary: boolean ) => {
		if ( ! bucket.take() ) {
			refused++;
			if ( refused > MAX_REFUSED ) {
				refuse( 'rate_limited', 'too many frames', CLOSE.rateLimited );
			} else {
				error( 'rate_limited', 'slow down' );
			}
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
			const verified = verifyToken( frame.token, ctx.sites );
			if ( ! verified.ok ) {
				refuse( verified.code, verified.message, CLOSE.badToken );
				return;
			}
			if ( ! verified.identity.site.origins.includes( origin ) ) {
				refuse( 'bad_origin', 'this page may not open a chat for that site', CLOSE.badOrigin );
				return;
			}
			clearTimeout( helloTimer );
			const identity = verified.identity;
			peer = { identity, send, close: ( code, reason ) => ws.close( code, reason ) };
			const connected = peer;
			ctx.rooms.connect( connected, frame ).catch( ( e ) => reportFailure( e, ref ) );
			return;
		}
		if ( ! peer ) {
			error( 'auth_required', 'send hello first' );
			return;
		}
		if ( Date.now() > peer.identity.expiresAt && frame.type === 'start' ) {
			// An open chat goes on past the token's life; only new chats need a fresh one.
			error( 'token_expired', 'reconnect with a fresh token to start a chat', ref );
			return;
		}
		const allowed = peer.identity.role === 'agent' ? AGENT_FRAMES : VISITOR_FRAMES;
		if ( ! allowed.has( frame.type ) ) {
			error( 'forbidden', `a ${ peer.identity.role } may not send "${ frame.type }"`, ref );
			return;
		}
		ctx.rooms.handle( peer, frame ).catch( ( e ) => reportFailure( e, ref ) );
	} );

	const reportFailure = ( e: unknown, ref?: string ): void => {
		if ( e instanceof ChatError ) {
			error( e.code, e.message, ref );
			return;
		}
		ctx.log.error( { err: e }, 'frame handling failed' );
		error( 'internal', 'the service could not handle that', ref );
	};

	ws.on( 'close', () => {
		clearTimeout( helloTimer );
		if ( peer ) ctx.rooms.disconnect( peer );
	} );
	ws.on( 'error', ( e ) => ctx.log.debug( { err: e.message }, 'socket error' ) );
}

