/**
 * The front door of a node in a cluster. The sites this node owns
 * (site-owners.ts) are served here, each by a ChatRooms of its own, as a
 * single node serves every site. A connection for a site another node owns
 * is forwarded there (wire.ts): this node keeps the socket, the token's
 * checks and the per-address limits, the owner runs the chat. The HTTP
 * API's requests for such a site are calls to its owner.
 *
 * When a site's owner changes (a node died, PostgreSQL or Redis was
 * restarted), every connection of the site is closed with 1012 and its
 * client reconnects at once, to whichever node: it resumes by number from
 * the store, the way it resumes after any reconnect, so nothing
 * acknowledged is lost and nothing is shown twice.
 */
import type { SiteConfig } from '../config';
import type { ChatCounts, ErasedByEmail, FrontDoor } from '../front-door';
import type { Logger } from '../log';
import type { Peer } from '../peer';
import type { Timers } from '../presence';
import { CLOSE, type ClientFrame, type HelloFrame } from '../protocol';
import { ChatRooms, type DeleteResult } from '../rooms';
import type { ChatStore } from '../store/types';
import type { NodeBus, NodeId } from './bus';
import { Calls, OwnerUnavailableError } from './calls';
import { Outbox } from './outbox';
import { RemotePeers } from './remote-peers';
import { SiteOwners } from './site-owners';
import { nodeChannel, toWire, type CallName, type Op } from './wire';

export interface ClusterOptions {
	bus: NodeBus;
	store: ChatStore;
	databaseUrl: string;
	log: Logger;
	sites: ReadonlyMap< string, SiteConfig >;
	now?: () => number;
	presence?: { graceMs: number; timers?: Timers };
	heartbeatMs?: number;
}

/** Where a connection this node holds is served: here, or on its site's owner. */
type Attachment = { rooms: ChatRooms } | { owner: NodeId; conn: string; site: string };

const sum = ( all: Iterable< number > ): number => [ ...all ].reduce( ( a, b ) => a + b, 0 );

export class ClusterRooms implements FrontDoor {
	private readonly local = new Map< string, ChatRooms >();
	private readonly attached = new Map< Peer, Attachment >();
	/** Connections held here for another node's site, by the id the owner knows them by. */
	private readonly forwarded = new Map< string, Peer >();
	private nextConn = 1;
	private readonly outbox: Outbox;
	private readonly calls: Calls;
	private readonly remote: RemotePeers;
	private owners!: SiteOwners;
	private unsubscribe: ( () => Promise< void > ) | null = null;

	private constructor( private readonly o: ClusterOptions ) {
		this.outbox = new Outbox( o.bus, ( node, _ops, e ) => this.lostTo( node, e ) );
		this.calls = new Calls( this.outbox );
		this.remote = new RemotePeers( this.outbox, o.sites, ( site ) => this.local.get( site ), o.log );
	}

	static async start( o: ClusterOptions ): Promise< ClusterRooms > {
		const rooms = new ClusterRooms( o );
		rooms.unsubscribe = await o.bus.subscribe( nodeChannel( o.bus.id ), ( m, from ) => rooms.arrived( from, m.ops ) );
		o.bus.on( 'disconnected', () => rooms.busLost() );
		rooms.owners = await SiteOwners.start( {
			bus: o.bus,
			databaseUrl: o.databaseUrl,
			sites: [ ...o.sites.keys() ],
			log: o.log,
			heartbeatMs: o.heartbeatMs,
			take: ( site ) => rooms.take( site ),
		} );
		rooms.owners.on( 'lost', ( site ) => rooms.lose( site ) );
		rooms.owners.on( 'moved', ( site, owner ) => rooms.moved( site, owner ) );
		rooms.owners.on( 'gone', ( node ) => rooms.nodeGone( node ) );
		return rooms;
	}

	/** The sites this node serves now. */
	ownedSites(): ReadonlySet< string > {
		return this.owners.ownedSites();
	}

	/* Connections */

	async connect( peer: Peer, hello: HelloFrame ): Promise< void > {
		const site = peer.identity.site.id;
		const rooms = this.local.get( site );
		if ( rooms ) {
			this.attached.set( peer, { rooms } );
			return rooms.connect( peer, hello );
		}
		const owner = this.owners.ownerOf( site );
		if ( ! owner || ! this.o.bus.up ) {
			// Between owners (a node just died) or cut off from the others: the client retries with back-off.
			peer.close( CLOSE.serviceRestart, 'no node serves this site at the moment' );
			return;
		}
		const conn = String( this.nextConn++ );
		this.forwarded.set( conn, peer );
		this.attached.set( peer, { owner, conn, site } );
		this.outbox.push( owner, { op: 'connect', conn, identity: toWire( peer.identity ), hello } );
	}

	async handle( peer: Peer, frame: Exclude< ClientFrame, HelloFrame > ): Promise< void > {
		const a = this.attached.get( peer );
		if ( ! a ) return; // being closed: its site moved
		if ( 'rooms' in a ) return a.rooms.handle( peer, frame );
		this.outbox.push( a.owner, { op: 'frame', conn: a.conn, frame } );
	}

	renewed( peer: Peer ): void {
		const a = this.attached.get( peer );
		if ( ! a ) return;
		if ( 'rooms' in a ) a.rooms.renewed( peer );
		else this.outbox.push( a.owner, { op: 'renewed', conn: a.conn, identity: toWire( peer.identity ) } );
	}

	disconnect( peer: Peer ): void {
		const a = this.attached.get( peer );
		if ( ! a ) return;
		this.attached.delete( peer );
		if ( 'rooms' in a ) {
			a.rooms.disconnect( peer );
			return;
		}
		this.forwarded.delete( a.conn );
		this.outbox.push( a.owner, { op: 'disconnect', conn: a.conn } );
	}

	/* The HTTP API */

	available( site: string, dept: string | null ): Promise< boolean > {
		return this.onOwner( site, 'available', [ dept ], ( r ) => r.available( site, dept ) );
	}

	counts( site?: string ): Promise< ChatCounts > {
		if ( site !== undefined ) return this.onOwner( site, 'counts', [], ( r ) => r.counts( site ) );
		const all = [ ...this.local.values() ].map( ( r ) => r.counts() );
		return Promise.resolve( {
			open: sum( all.map( ( c ) => c.open ) ),
			waiting: sum( all.map( ( c ) => c.waiting ) ),
			agentsOnline: sum( all.map( ( c ) => c.agentsOnline ) ),
		} );
	}

	dropAgent( site: string, sub: string ): Promise< number > {
		return this.onOwner( site, 'dropAgent', [ sub ], ( r ) => r.dropAgent( site, sub ) );
	}

	async purgeExpired( onlySite?: string ): Promise< number > {
		if ( onlySite !== undefined ) return this.onOwner( onlySite, 'purgeExpired', [], ( r ) => r.purgeExpired( onlySite ) );
		return sum( await Promise.all( [ ...this.local ].map( ( [ site, r ] ) => r.purgeExpired( site ) ) ) );
	}

	deleteByCode( site: string, code: string ): Promise< DeleteResult > {
		return this.onOwner( site, 'deleteByCode', [ code ], ( r ) => r.deleteByCode( site, code ) );
	}

	eraseByEmail( site: string, email: string ): Promise< ErasedByEmail > {
		return this.onOwner( site, 'eraseByEmail', [ email ], ( r ) => r.eraseByEmail( site, email ) );
	}

	/* Timers */

	async sweepInactive(): Promise< number > {
		return sum( await Promise.all( [ ...this.local.values() ].map( ( r ) => r.sweepInactive() ) ) );
	}

	takeActivity(): { started: number; ended: number } {
		const all = [ ...this.local.values() ].map( ( r ) => r.takeActivity() );
		return { started: sum( all.map( ( a ) => a.started ) ), ended: sum( all.map( ( a ) => a.ended ) ) };
	}

	/** Gives up every site (the others take them over) and stops listening. */
	async close(): Promise< void > {
		await this.owners.close();
		await this.unsubscribe?.().catch( () => undefined );
		this.busLost();
	}

	/* Ownership */

	private async take( site: string ): Promise< void > {
		const config = this.o.sites.get( site );
		if ( ! config ) throw new Error( `unknown site ${ site }` );
		const rooms = new ChatRooms( this.o.store, this.o.log, new Map( [ [ site, config ] ] ), this.o.now, this.o.presence );
		await rooms.recover( { otherSites: 'skip', ephemeral: 'continue' } );
		this.local.set( site, rooms );
	}

	private lose( site: string ): void {
		const rooms = this.local.get( site );
		if ( ! rooms ) return;
		this.local.delete( site );
		rooms.dispose();
		this.remote.dropSite( site );
		for ( const [ peer, a ] of [ ...this.attached ] ) {
			if ( ! ( 'rooms' in a ) || a.rooms !== rooms ) continue;
			this.attached.delete( peer );
			peer.close( CLOSE.serviceRestart, 'this site moves to another node' );
		}
	}

	/** Another node took the site, or gave it up: connections forwarded to its old owner reconnect. */
	private moved( site: string, owner: NodeId | null ): void {
		this.closeForwarded( ( a ) => a.site === site && a.owner !== owner );
	}

	private nodeGone( node: NodeId ): void {
		this.remote.dropNode( node );
		this.calls.failTo( node );
		this.closeForwarded( ( a ) => a.owner === node );
	}

	/** Redis is away: what crosses nodes may be lost from now on, so the forwarded connections start over. */
	private busLost(): void {
		this.remote.dropNode( null );
		this.calls.failTo( null );
		this.closeForwarded( () => true );
	}

	/** A batch to `node` was lost (Redis away): its connections start over rather than run with a hole. */
	private lostTo( node: NodeId, e: unknown ): void {
		this.o.log.warn( { err: e }, 'cluster: a batch for another node was lost; its connections reconnect' );
		this.nodeGone( node );
	}

	private closeForwarded( which: ( a: { owner: NodeId; site: string } ) => boolean ): void {
		for ( const [ conn, peer ] of [ ...this.forwarded ] ) {
			const a = this.attached.get( peer );
			if ( ! a || 'rooms' in a || ! which( a ) ) continue;
			this.forwarded.delete( conn );
			this.attached.delete( peer );
			peer.close( CLOSE.serviceRestart, 'reconnect: this site moves to another node' );
		}
	}

	/* The bus */

	private arrived( from: NodeId, ops: readonly Op[] ): void {
		for ( const op of ops ) {
			switch ( op.op ) {
				case 'connect':
					this.remote.connect( from, op.conn, op.identity, op.hello );
					break;
				case 'frame':
					this.remote.frame( from, op.conn, op.frame );
					break;
				case 'renewed':
					this.remote.renewed( from, op.conn, op.identity );
					break;
				case 'disconnect':
					this.remote.disconnect( from, op.conn );
					break;
				case 'out':
					this.forwarded.get( op.conn )?.sendJson( op.json );
					break;
				case 'close': {
					const peer = this.forwarded.get( op.conn );
					if ( ! peer ) break;
					this.forwarded.delete( op.conn );
					this.attached.delete( peer );
					peer.close( op.code, op.reason );
					break;
				}
				case 'call':
					this.answer( from, op.id, op.site, op.name, op.args );
					break;
				case 'reply':
					this.calls.replied( op.id, op.value, op.error );
					break;
			}
		}
	}

	private onOwner< T >( site: string, name: CallName, args: unknown[], here: ( r: ChatRooms ) => T | Promise< T > ): Promise< T > {
		const rooms = this.local.get( site );
		if ( rooms ) return Promise.resolve().then( () => here( rooms ) );
		const owner = this.owners.ownerOf( site );
		if ( ! owner || ! this.o.bus.up ) return Promise.reject( new OwnerUnavailableError( site ) );
		return this.calls.call< T >( owner, site, name, args );
	}

	/** Another node's call for a site this node serves (the arguments come from a node, checked there). */
	private answer( from: NodeId, id: number, site: string, name: CallName, args: unknown[] ): void {
		const rooms = this.local.get( site );
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
			}
		};
		run().then(
			( value ) => this.outbox.push( from, { op: 'reply', id, value } ),
			( e: unknown ) => {
				const code = e instanceof OwnerUnavailableError ? 'unavailable' : 'internal';
				if ( code === 'internal' ) this.o.log.error( { err: e, call: name }, 'cluster: a call from another node failed' );
				this.outbox.push( from, { op: 'reply', id, error: { code, message: e instanceof Error ? e.message : String( e ) } } );
			}
		);
	}
}
