/**
 * What the chat logic needs of a connection. The WebSocket layer implements
 * it; keeping the rooms independent of `ws` lets unit tests drive them.
 */
import type { ServerFrame } from './protocol';
import type { Identity } from './tokens';

export interface Peer {
	readonly identity: Identity;
	send( frame: ServerFrame ): void;
	/** An already serialised frame (broadcasts serialise once). */
	sendJson( json: string ): void;
	close( code: number, reason: string ): void;
}
