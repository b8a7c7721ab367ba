/**
 * The owner's side of forwarded connections: each connection another node
 * holds for a site this node serves is a RemotePeer here, a Peer like any
 * other to the chat core. What the core sends it goes back to the holding
 * node as `out` ops (outbox.ts), its close as a `close` op.
 */
import type { SiteConfig } from '../config';
import type { Logger } from '../log';
import type { Peer } from '../peer';
import { CLOSE, type ClientFrame, type HelloFrame, type ServerFrame } from '../protocol';
import type { ChatRooms } from '../rooms';
import type { Identity } from '../tokens';
import { errorFrame } from '../chats/live-chat';
import type { NodeId } from './bus';
import type { Outbox } from './outbox';
import { fromWire, type WireIdentity } from './wire';

class RemotePeer implements Peer {
	constructor(
		readonly node: NodeId,
		readonly conn: string,
		public identity: Identity,
		readonly rooms: ChatRooms,
		private readonly peers: RemotePeers
	) {}

	send( frame: ServerFrame ): void {
		this.sendJson( JSON.stringify( frame ) );
	}

	sendJson( json: string ): void {
		this.peers.outbox.push( this.node, { op: 'out', conn: this.conn, json } );
	}

	close( code: number, reason: string ): void {
		this.peers.forget( this );
		this.peers.outbox.push( this.node, { op: 'close', conn: this.conn, code, reason } );
	}
}

const keyOf = ( node: NodeId, conn: string ): string => `${ node }/${ conn }`;

export class RemotePeers {
	private readonly peers = new Map< string, RemotePeer >();

	constructor(
		readonly outbox: Outbox,
		private readonly sites: ReadonlyMap< string, SiteConfig >,
		/** The chats of a site this node serves now, if it does. */
		private readonly roomsOf: ( site: string ) => ChatRooms | undefined,
		private readonly log: Logger
	) {}

	connect( node: NodeId, conn: string, wire: WireIdentity, hello: HelloFrame ): void {
		const rooms = this.roomsOf( wire.site );
		const site = this.sites.get( wire.site );
		if ( ! rooms || ! site ) {
			// Forwarded to a node that has lost the site meanwhile: reconnecting finds its owner.
			this.outbox.push( node, { op: 'close', conn, code: CLOSE.serviceRestart, reason: 'this node no longer serves the site' } );
			return;
		}
		const peer = new RemotePeer( node, conn, fromWire( wire, site ), rooms, this );
		this.peers.set( keyOf( node, conn ), peer );
		rooms.connect( peer, hello ).catch( ( e: unknown ) => peer.send( errorFrame( e, this.log ) ) );
	}

	frame( node: NodeId, conn: string, frame: Exclude< ClientFrame, HelloFrame > ): void {
		const peer = this.peers.get( keyOf( node, conn ) );
		if ( ! peer ) return; // closed here already: its close op is on its way to the node
		const ref = 'clientId' in frame ? frame.clientId : undefined;
		peer.rooms.handle( peer, frame ).catch( ( e: unknown ) => peer.send( errorFrame( e, this.log, ref ) ) );
	}

	renewed( node: NodeId, conn: string, wire: WireIdentity ): void {
		const peer = this.peers.get( keyOf( node, conn ) );
		if ( ! peer ) return;
		peer.identity = fromWire( wire, peer.identity.site );
		try {
			peer.rooms.renewed( peer );
		} catch ( e ) {
			peer.send( errorFrame( e, this.log ) );
		}
	}

	disconnect( node: NodeId, conn: string ): void {
		const peer = this.peers.get( keyOf( node, conn ) );
		if ( ! peer ) return;
		this.forget( peer );
		peer.rooms.disconnect( peer );
	}

	/** A node is gone, or (null) the bus is lost: the connections it held are gone, as if they had closed. */
	dropNode( node: NodeId | null ): void {
		for ( const peer of [ ...this.peers.values() ] ) if ( node === null || peer.node === node ) this.disconnect( peer.node, peer.conn );
	}

	/** The site left this node: its forwarded connections are asked to reconnect (and find the new owner). */
	dropSite( site: string ): void {
		for ( const peer of [ ...this.peers.values() ] ) if ( peer.identity.site.id === site ) peer.close( CLOSE.serviceRestart, 'this site moves to another node' );
	}

	forget( peer: RemotePeer ): void {
		const key = keyOf( peer.node, peer.conn );
		if ( this.peers.get( key ) === peer ) this.peers.delete( key );
	}
}
