/**
 * The front door of a node in a cluster. The sites this node owns
 * (site-owners.ts) are served here, each by a ChatRooms of its own, as a
 * single node serves every site. A connection for a site another node owns
 * is forwarded there (forwards.ts, wire.ts): this node keeps the socket, the token's
 * checks and the per-address limits, the owner runs the chat. The HTTP
 * API's requests for such a site are calls to its owner.
 *
 * When a site's owner changes (a node died, PostgreSQL or Redis was
 * restarted), every connection of the site is closed with 1012 and its
 * client reconnects at once, to whichever node: it resumes by number from
 * the store, the way it resumes after any reconnect, so nothing
 * acknowledged is lost and nothing is shown twice. A connection that
 * arrives while no node serves its site (between two owners, or before
 * this node has heard the owner) waits for one, up to the time a silent
 * node takes to be given up, rather than being sent away at once.
 */
import type { BotReply } from '../bot/wire';
import type { BotReplyOutcome } from '../chats/bot';
import type { SiteConfig } from '../config';
import type { ChatCounts, ErasedByEmail, FrontDoor } from '../front-door';
import type { Logger } from '../log';
import type { Peer } from '../peer';
import type { Timers } from '../presence';
import { CLOSE, type ClientFrame, type HelloFrame } from '../protocol';
import { ChatRooms, type DeleteResult } from '../rooms';
import type { ChatStore } from '../store/types';
import type { NodeBus, NodeId } from './bus';
import { answerCall, Calls, OwnerUnavailableError } from './calls';
import { NobodyListeningError, Outbox } from './outbox';
import { RemotePeers } from './remote-peers';
import type { AssistantsInForce } from '../assistant/site-assistants';
import { SiteOwners } from './site-owners';
import { Forwards, type Forward } from './forwards';
import { nodeChannel, type CallName, type Op } from './wire';

export interface ClusterOptions {
	bus: NodeBus;
	store: ChatStore;
	databaseUrl: string;
	log: Logger;
	sites: ReadonlyMap< string, SiteConfig >;
	now?: () => number;
	presence?: { graceMs: number; timers?: Timers };
	heartbeatMs?: number;
	/** Each site's assistant in force on this node (kept in step by assistant-sync.ts). */
	assistants?: AssistantsInForce;
}

const sum = ( all: Iterable< number > ): number => [ ...all ].reduce( ( a, b ) => a + b, 0 );

export class ClusterRooms implements FrontDoor {
	private readonly local = new Map< string, ChatRooms >();
	/** Connections served here, and the site's rooms that serve each. */
	private readonly attached = new Map< Peer, ChatRooms >();
	/** Connections held here for another node's site. */
	private readonly forwards: Forwards;
	/** Connections waiting for their site to have an owner. */
	private readonly waiting = new Set< Peer >();
	private readonly outbox: Outbox;
	private readonly calls: Calls;
	private readonly remote: RemotePeers;
	private owners!: SiteOwners;
	private unsubscribe: ( () => Promise< void > ) | null = null;

	private constructor( private readonly o: ClusterOptions ) {
		this.outbox = new Outbox( o.bus, ( node, _ops, e ) => this.lostTo( node, e ) );
		this.calls = new Calls( this.outbox );
		this.forwards = new Forwards( this.outbox );
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
			this.attached.set( peer, rooms );
			return rooms.connect( peer, hello );
		}
		if ( this.ownerPending( site ) ) {
			this.waiting.add( peer );
			await this.owners.served( site );
			if ( ! this.waiting.delete( peer ) ) return; // gone meanwhile
			if ( this.local.has( site ) ) return this.connect( peer, hello );
		}
		const owner = this.owners.ownerOf( site );
		if ( ! owner || ! this.o.bus.up ) {
			// Still nobody, or cut off from the others: the client retries with back-off.
			peer.close( CLOSE.serviceRestart, 'no node serves this site at the moment' );
			return;
		}
		this.forwards.open( peer, owner, site, hello );
	}

	async handle( peer: Peer, frame: Exclude< ClientFrame, HelloFrame > ): Promise< void > {
		const rooms = this.attached.get( peer );
		if ( rooms ) return rooms.handle( peer, frame );
		this.forwards.frame( peer, frame ); // or nowhere: being closed, its site moved
	}

	renewed( peer: Peer ): void {
		const rooms = this.attached.get( peer );
		if ( rooms ) rooms.renewed( peer );
		else this.forwards.renewed( peer );
	}

	disconnect( peer: Peer ): void {
		this.waiting.delete( peer );
		const rooms = this.attached.get( peer );
		if ( ! rooms ) {
			this.forwards.disconnect( peer );
			return;
		}
		this.attached.delete( peer );
		rooms.disconnect( peer );
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

	botReply( site: string, reply: BotReply ): Promise< BotReplyOutcome > {
		return this.onOwner( site, 'botReply', [ reply ], ( r ) => r.botReply( site, reply ) );
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
		const rooms = new ChatRooms( this.o.store, this.o.log, new Map( [ [ site, config ] ] ), this.o.now, this.o.presence, this.o.assistants );
		await rooms.recover( { otherSites: 'skip', ephemeral: 'continue' } );
		this.local.set( site, rooms );
	}

	private lose( site: string ): void {
		const rooms = this.local.get( site );
		if ( ! rooms ) return;
		this.local.delete( site );
		rooms.dispose();
		this.remote.dropSite( site );
		for ( const [ peer, served ] of [ ...this.attached ] ) {
			if ( served !== rooms ) continue;
			this.attached.delete( peer );
			peer.close( CLOSE.serviceRestart, 'this site moves to another node' );
		}
	}

	/** Another node took the site, or gave it up: connections forwarded to its old owner reconnect. */
	private moved( site: string, owner: NodeId | null ): void {
		this.startOver( ( f ) => f.site === site && f.owner !== owner );
	}

	private nodeGone( node: NodeId ): void {
		this.remote.dropNode( node );
		this.calls.failTo( node );
		this.startOver( ( f ) => f.owner === node );
	}

	/** Redis is away: what crosses nodes may be lost from now on, so the forwarded connections start over. */
	private busLost(): void {
		this.remote.dropNode( null );
		this.calls.failTo( null );
		this.startOver( () => true );
	}

	/**
	 * A batch to `node` was lost: its connections start over rather than run
	 * with a hole. Nobody listening on its channel means the node is dead:
	 * said at once, long before its silence would say it.
	 */
	private lostTo( node: NodeId, e: unknown ): void {
		if ( e instanceof NobodyListeningError ) {
			this.o.log.info( { node }, 'cluster: another node no longer listens; taken as gone' );
			if ( ! this.owners.forget( node ) ) this.nodeGone( node );
			return;
		}
		this.o.log.warn( { err: e }, 'cluster: a batch for another node was lost; its connections reconnect' );
		this.nodeGone( node );
	}

	/** Forwarded connections whose owner is gone or changed start over (forwards.ts); not yet answered ones are connected again here. */
	private startOver( which: ( f: Forward ) => boolean ): void {
		this.forwards.startOver( which, this.o.bus.up ? ( peer, hello ) => this.connectAgain( peer, hello ) : null );
	}

	private connectAgain( peer: Peer, hello: HelloFrame ): void {
		this.connect( peer, hello ).catch( ( e ) => {
			this.o.log.error( { err: e }, 'cluster: connecting a forwarded client again failed' );
			peer.close( CLOSE.serviceRestart, 'reconnect' );
		} );
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
					this.forwards.out( op.conn, op.json );
					break;
				case 'close':
					this.forwards.closed( op.conn, op.code, op.reason );
					break;
				case 'call':
					answerCall( this.outbox, this.o.log, from, op, this.local.get( op.site ) );
					break;
				case 'reply':
					this.calls.replied( op.id, op.value, op.error );
					break;
			}
		}
	}

	/** Between two owners, or this node has not heard the owner yet: worth waiting a heartbeat or three (`owners.served`). */
	private ownerPending( site: string ): boolean {
		return ! this.local.has( site ) && ! this.owners.ownerOf( site ) && this.o.bus.up;
	}

	private async onOwner< T >( site: string, name: CallName, args: unknown[], here: ( r: ChatRooms ) => T | Promise< T > ): Promise< T > {
		if ( this.ownerPending( site ) ) await this.owners.served( site );
		const rooms = this.local.get( site );
		if ( rooms ) return here( rooms );
		const owner = this.owners.ownerOf( site );
		if ( ! owner || ! this.o.bus.up ) throw new OwnerUnavailableError( site );
		return this.calls.call< T >( owner, site, name, args );
	}
}
