/**
 * The holding side of forwarded connections: a socket on this node for a
 * site another node serves. This node keeps the socket (and the token's
 * checks and the per-address limits, connection.ts); the owner runs the
 * chat, where the connection is a RemotePeer (remote-peers.ts). Frames go
 * there as ops, and what the owner sends comes back as ops (wire.ts).
 */
import type { Peer } from '../peer';
import { CLOSE, type ClientFrame, type HelloFrame } from '../protocol';
import type { NodeId } from './bus';
import type { Outbox } from './outbox';
import { toWire } from './wire';

/** A connection forwarded to its site's owner. Until the owner's first frame (`answered`), it can be sent elsewhere unseen. */
export interface Forward {
	peer: Peer;
	owner: NodeId;
	conn: string;
	site: string;
	hello: HelloFrame;
	answered: boolean;
}

export class Forwards {
	/** By the id the owner knows them by. */
	private readonly byConn = new Map< string, Forward >();
	private readonly byPeer = new Map< Peer, Forward >();
	private nextConn = 1;

	constructor( private readonly outbox: Outbox ) {}

	has( peer: Peer ): boolean {
		return this.byPeer.has( peer );
	}

	open( peer: Peer, owner: NodeId, site: string, hello: HelloFrame ): void {
		const f: Forward = { peer, owner, conn: String( this.nextConn++ ), site, hello, answered: false };
		this.byConn.set( f.conn, f );
		this.byPeer.set( peer, f );
		this.outbox.push( owner, { op: 'connect', conn: f.conn, identity: toWire( peer.identity ), hello } );
	}

	frame( peer: Peer, frame: Exclude< ClientFrame, HelloFrame > ): void {
		const f = this.byPeer.get( peer );
		if ( f ) this.outbox.push( f.owner, { op: 'frame', conn: f.conn, frame } );
	}

	renewed( peer: Peer ): void {
		const f = this.byPeer.get( peer );
		if ( f ) this.outbox.push( f.owner, { op: 'renewed', conn: f.conn, identity: toWire( peer.identity ) } );
	}

	/** Its client went: the owner lets go of it too. */
	disconnect( peer: Peer ): void {
		const f = this.byPeer.get( peer );
		if ( ! f ) return;
		this.forget( f );
		this.outbox.push( f.owner, { op: 'disconnect', conn: f.conn } );
	}

	/** The owner's frame for the client (`out` op). */
	out( conn: string, json: string ): void {
		const f = this.byConn.get( conn );
		if ( ! f ) return;
		f.answered = true;
		f.peer.sendJson( json );
	}

	/** The owner closed the connection (`close` op). */
	closed( conn: string, code: number, reason: string ): void {
		const f = this.byConn.get( conn );
		if ( ! f ) return;
		this.forget( f );
		f.peer.close( code, reason );
	}

	/**
	 * The connections `which` picks start over, their owner being gone or no
	 * longer the site's: a client that has heard from the owner reconnects
	 * and resumes by number; one still waiting for its welcome is handed to
	 * `again` (connected anew, its client none the wiser: the old owner
	 * never answered it) unless `again` is null.
	 */
	startOver( which: ( f: Forward ) => boolean, again: ( ( peer: Peer, hello: HelloFrame ) => void ) | null ): void {
		for ( const f of [ ...this.byConn.values() ] ) {
			if ( ! which( f ) ) continue;
			this.forget( f );
			if ( f.answered || ! again ) {
				f.peer.close( CLOSE.serviceRestart, 'reconnect: this site moves to another node' );
				continue;
			}
			this.outbox.push( f.owner, { op: 'disconnect', conn: f.conn } ); // in case it did arrive
			again( f.peer, f.hello );
		}
	}

	private forget( f: Forward ): void {
		this.byConn.delete( f.conn );
		this.byPeer.delete( f.peer );
	}
}
