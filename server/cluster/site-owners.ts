/**
 * Which node serves which site. Each site's chats are served by one node at
 * a time, its owner: the queue, the routing, every chat's numbering and
 * fan-out run there, in one process, exactly as on a single node. The other
 * nodes forward their connections for the site to it (cluster-rooms.ts).
 *
 * Why one owner per site rather than per chat: the routing ("the
 * longest-idle online agent of the department gets the next chat"), the
 * queue's order and every agent's load are facts about the whole site. With
 * one owner they are read from one memory, exact and at once, with no
 * consensus between nodes; per chat they would have to be agreed over the
 * bus on every dispatch. One site's chat traffic fits one node many times
 * over (docs/architecture.md has the numbers); what a node spends on
 * sockets, TLS and parsing is spread over every node anyway, since any node
 * takes any connection. Sites are spread over the nodes as they start.
 *
 * Ownership is a PostgreSQL session lock (`pg_try_advisory_lock`) held on a
 * connection of its own: PostgreSQL is the source of truth, and a lock on a
 * session dies with the session. A node killed outright loses its socket,
 * PostgreSQL ends the session, and the site is free at once. A node that
 * loses that connection (PostgreSQL restarted, the network cut) stops
 * serving its sites at that moment: it cannot know whether another node has
 * them now. Nothing acknowledged is lost in a change of owner: every stored
 * message was committed before its ack, and the new owner reads the open
 * chats from the store (chats/recovery.ts).
 *
 * Who owns what is said on the bus: each node publishes the sites it owns
 * every heartbeat; a node not heard from for `expiryMs` is taken as gone,
 * and nodes try to take its sites. The announcement only says where to
 * forward; the lock decides. A forward to a node that lost a site meanwhile
 * is answered with a close, and the client reconnects.
 */
import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Logger } from '../log';
import { lockKey } from '../store/postgres/locks';
import type { NodeBus, NodeId } from './bus';
import { OWNERS } from './wire';

export interface SiteOwnersOptions {
	bus: NodeBus;
	databaseUrl: string;
	sites: readonly string[];
	log: Logger;
	/** Taking a site over: load its open chats. The site is announced only once this resolves; a rejection gives the site up. */
	take: ( site: string ) => Promise< void >;
	/** How often ownership is announced and free sites are tried (ms). Default 1,000. */
	heartbeatMs?: number;
	/** A node silent this long is gone (ms). Default 3 heartbeats. */
	expiryMs?: number;
}

interface Heard {
	sites: Set< string >;
	at: number;
}

type Events = {
	/** This node serves the site from now on. */
	served: [ site: string ];
	/** This node no longer serves the site (its lock connection was lost, or close()). */
	lost: [ site: string ];
	/** Another node's ownership of the site began, moved or ended. */
	moved: [ site: string, owner: NodeId | null ];
	/** A node went silent (dead, or cut off from the bus). */
	gone: [ node: NodeId ];
};

export class SiteOwners extends EventEmitter< Events > {
	private readonly owned = new Set< string >();
	private readonly taking = new Set< string >();
	private readonly heard = new Map< NodeId, Heard >();
	private readonly ownerOfSite = new Map< string, NodeId >();
	private lockClient: pg.Client | null = null;
	private connecting: Promise< pg.Client | null > | null = null;
	private timer: NodeJS.Timeout | null = null;
	private unsubscribe: ( () => Promise< void > ) | null = null;
	private closed = false;
	/** The lock tries, one after the other: a session's advisory lock is re-entrant, so two tries at once could both win. */
	private trying: Promise< void > = Promise.resolve();
	private readonly heartbeatMs: number;
	readonly expiryMs: number;

	private constructor( private readonly o: SiteOwnersOptions ) {
		super();
		this.heartbeatMs = o.heartbeatMs ?? 1_000;
		this.expiryMs = o.expiryMs ?? 3 * this.heartbeatMs;
	}

	static async start( o: SiteOwnersOptions ): Promise< SiteOwners > {
		const owners = new SiteOwners( o );
		owners.unsubscribe = await o.bus.subscribe( OWNERS, ( m, from ) => owners.heardFrom( from, m.sites ) );
		o.bus.on( 'reconnected', () => owners.announce() );
		await owners.beat();
		owners.timer = setInterval( () => void owners.beat(), owners.heartbeatMs );
		owners.timer.unref();
		return owners;
	}

	get id(): NodeId {
		return this.o.bus.id;
	}

	owns( site: string ): boolean {
		return this.owned.has( site );
	}

	/** The node that serves the site (this one's id if it does), or null while none does. */
	ownerOf( site: string ): NodeId | null {
		return this.owned.has( site ) ? this.id : ( this.ownerOfSite.get( site ) ?? null );
	}

	ownedSites(): ReadonlySet< string > {
		return this.owned;
	}

	/**
	 * A node found dead before its silence says so (nobody listens on its
	 * channel): forgotten now, and its sites tried at once. False if it was
	 * not known.
	 */
	forget( node: NodeId ): boolean {
		const heard = this.heard.get( node );
		if ( ! heard ) return false;
		this.heard.delete( node );
		this.forgetSites( node, heard.sites );
		this.emit( 'gone', node );
		void this.tryFreeInTurn().then( () => this.announce() );
		return true;
	}

	/**
	 * Resolves true once some node serves the site, or false after `ms`: a
	 * connection that arrives between two owners, or at a node that has not
	 * heard the owner yet, waits this long rather than being sent away.
	 */
	served( site: string, ms = this.expiryMs ): Promise< boolean > {
		if ( this.ownerOf( site ) ) return Promise.resolve( true );
		return new Promise( ( resolve ) => {
			const onMoved = ( s: string, owner: NodeId | null ): void => {
				if ( s === site && owner ) done( true );
			};
			const onServed = ( s: string ): void => {
				if ( s === site ) done( true );
			};
			const done = ( ok: boolean ): void => {
				clearTimeout( timer );
				this.off( 'moved', onMoved );
				this.off( 'served', onServed );
				resolve( ok );
			};
			const timer = setTimeout( () => done( false ), ms );
			this.on( 'moved', onMoved );
			this.on( 'served', onServed );
		} );
	}

	/** Gives up every site (its lock goes with the connection) and stops announcing. */
	async close(): Promise< void > {
		if ( this.closed ) return;
		this.closed = true;
		if ( this.timer ) clearInterval( this.timer );
		await this.unsubscribe?.().catch( () => undefined );
		this.loseAll( 'info' );
		// The locks go first: on an idle connection (a lock try in flight is cut instead) end() resolves once
		// PostgreSQL has closed the session, after it released them. Said before, the others' tries on hearing
		// it could still find the locks held, and they would take the sites only at their next heartbeat.
		await this.lockClient?.end().catch( () => undefined );
		// Said at once, so that the others take the sites now rather than after the expiry.
		await this.o.bus.publish( OWNERS, { type: 'owners', sites: [] } ).catch( () => undefined );
	}

	/** One heartbeat: forget the silent, try the free, say what is ours. */
	private async beat(): Promise< void > {
		if ( this.closed ) return;
		this.expire();
		await this.tryFreeInTurn();
		this.announce();
	}

	private announce(): void {
		if ( this.closed ) return;
		this.o.bus.publish( OWNERS, { type: 'owners', sites: [ ...this.owned ] } ).catch( () => undefined );
	}

	private heardFrom( node: NodeId, sites: readonly string[] ): void {
		const before = this.heard.get( node )?.sites ?? new Set< string >();
		const now = new Set( sites );
		this.heard.set( node, { sites: now, at: Date.now() } );
		let released = false;
		for ( const site of before ) {
			if ( ! now.has( site ) && this.ownerOfSite.get( site ) === node ) {
				this.ownerOfSite.delete( site );
				this.emit( 'moved', site, null );
				released = true;
			}
		}
		// A node that gave a site up said so (it is stopping): try it now rather than at the next heartbeat.
		if ( released ) void this.tryFreeInTurn().then( () => this.announce() );
		for ( const site of now ) {
			if ( this.ownerOfSite.get( site ) === node ) continue;
			this.ownerOfSite.set( site, node );
			this.emit( 'moved', site, node );
		}
	}

	private expire(): void {
		const limit = Date.now() - this.expiryMs;
		for ( const [ node, heard ] of this.heard ) {
			if ( heard.at >= limit ) continue;
			this.heard.delete( node );
			this.forgetSites( node, heard.sites );
			this.emit( 'gone', node );
		}
	}

	private forgetSites( node: NodeId, sites: Iterable< string > ): void {
		for ( const site of sites ) {
			if ( this.ownerOfSite.get( site ) !== node ) continue;
			this.ownerOfSite.delete( site );
			this.emit( 'moved', site, null );
		}
	}

	private tryFreeInTurn(): Promise< void > {
		this.trying = this.trying.then( () => this.tryFree() ).catch( ( e ) => this.o.log.error( { err: e }, 'site ownership: trying the free sites failed' ) );
		return this.trying;
	}

	/** Tries the lock of each site nobody is heard to serve. */
	private async tryFree(): Promise< void > {
		if ( this.closed ) return;
		const free = this.o.sites.filter( ( s ) => ! this.owned.has( s ) && ! this.taking.has( s ) && ! this.ownerOfSite.has( s ) );
		if ( free.length === 0 ) return;
		const client = await this.connection();
		if ( ! client ) return;
		for ( const site of free ) {
			let got = false;
			try {
				const { rows } = await client.query< { got: boolean } >( 'SELECT pg_try_advisory_lock($1::bigint) AS got', [ String( lockKey( 'site', site ) ) ] );
				got = rows[ 0 ].got;
			} catch ( e ) {
				this.o.log.warn( { err: e }, 'site ownership: the lock query failed' );
				this.dropConnection( client );
				return;
			}
			if ( got && client === this.lockClient ) await this.takeSite( client, site );
		}
	}

	private async takeSite( client: pg.Client, site: string ): Promise< void > {
		this.taking.add( site );
		try {
			await this.o.take( site );
		} catch ( e ) {
			this.taking.delete( site );
			this.o.log.error( { err: e, site }, 'site ownership: taking the site over failed; it is given up' );
			await client.query( 'SELECT pg_advisory_unlock($1::bigint)', [ String( lockKey( 'site', site ) ) ] ).catch( () => this.dropConnection( client ) );
			return;
		}
		this.taking.delete( site );
		if ( client !== this.lockClient || this.closed ) {
			// The lock went with its connection while the chats were loading.
			this.emit( 'lost', site );
			return;
		}
		this.owned.add( site );
		this.o.log.info( { site }, 'site ownership: this node serves the site' );
		this.emit( 'served', site );
		this.announce();
	}

	/** The lock connection, made if there is none; null while PostgreSQL cannot be reached. */
	private connection(): Promise< pg.Client | null > {
		if ( this.lockClient ) return Promise.resolve( this.lockClient );
		this.connecting ??= ( async () => {
			const client = new pg.Client( { connectionString: this.o.databaseUrl, application_name: 'consent-chat site owner', keepAlive: true, connectionTimeoutMillis: 5_000 } );
			client.on( 'error', ( e ) => {
				this.o.log.warn( { err: e }, 'site ownership: the lock connection was lost; this node stops serving its sites' );
				this.dropConnection( client );
			} );
			client.on( 'end', () => this.dropConnection( client ) );
			try {
				await client.connect();
			} catch ( e ) {
				client.end().catch( () => undefined );
				this.o.log.debug( { err: e }, 'site ownership: PostgreSQL not reachable' );
				return null;
			}
			if ( this.closed ) {
				await client.end().catch( () => undefined );
				return null;
			}
			this.lockClient = client;
			return client;
		} )().finally( () => ( this.connecting = null ) );
		return this.connecting;
	}

	/** The session, and every lock on it, is gone: every site too. */
	private dropConnection( client: pg.Client ): void {
		if ( this.lockClient !== client ) return;
		this.lockClient = null;
		client.end().catch( () => undefined );
		this.loseAll( 'warn' );
		this.announce();
	}

	/** `level`: a node stopping gives its sites up as planned (info); losing the lock is news (warn). */
	private loseAll( level: 'info' | 'warn' ): void {
		const sites = [ ...this.owned ];
		this.owned.clear();
		for ( const site of sites ) {
			this.o.log[ level ]( { site }, 'site ownership: this node no longer serves the site' );
			this.emit( 'lost', site );
		}
	}
}
