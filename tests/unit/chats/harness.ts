/**
 * The chat core (server/chats/) as rooms.ts wires it, over a real SQLite
 * store in a temporary folder, with a clock and presence timers moved by
 * hand, and recording peers standing in for sockets. Each module's unit
 * test drives its part through this and reads what the peers got.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentState } from '../../../server/chats/agents';
import { createCore, type Core } from '../../../server/chats/core';
import { Erasure } from '../../../server/chats/erasure';
import type { LiveChat } from '../../../server/chats/live-chat';
import { Sessions } from '../../../server/chats/sessions';
import { parseConfig, type SiteConfig, type SiteConfigInput } from '../../../server/config';
import { createLogger } from '../../../server/log';
import type { Peer } from '../../../server/peer';
import type { ServerFrame, StartFrame } from '../../../server/protocol';
import { SqliteStore } from '../../../server/store/sqlite-store';
import type { ChatRecord, ChatStore } from '../../../server/store/types';
import type { Identity } from '../../../server/tokens';
import { FakeClock } from '../../helpers/fake-clock';

export const SITE_ID = 'test';
/** Presence's grace period in these tests (agentGraceSeconds). */
export const GRACE_MS = 30_000;


type FrameOf< T extends ServerFrame[ 'type' ] > = Extract< ServerFrame, { type: T } >;

/**
 * A socket stand-in that keeps what it was sent. Frames are kept as they
 * would arrive over the wire (through JSON), so a later change to an object
 * the core still holds cannot change what a test reads.
 */
export class RecordingPeer implements Peer {
	readonly frames: ServerFrame[] = [];
	/** The strings given to sendJson, as they came (to see what was serialised once). */
	readonly json: string[] = [];
	readonly closes: Array< { code: number; reason: string } > = [];
	private waiters: Array< { match: ( f: ServerFrame ) => boolean; resolve: ( f: ServerFrame ) => void } > = [];

	/** Mutable like the real connection's: a `renew` replaces it in place. */
	constructor( public identity: Identity ) {}

	send( frame: ServerFrame ): void {
		this.receive( JSON.parse( JSON.stringify( frame ) ) as ServerFrame );
	}

	sendJson( json: string ): void {
		this.json.push( json );
		this.receive( JSON.parse( json ) as ServerFrame );
	}

	close( code: number, reason: string ): void {
		this.closes.push( { code, reason } );
	}

	/** Every frame of this type received so far, oldest first. */
	of< T extends ServerFrame[ 'type' ] >( type: T ): Array< FrameOf< T > > {
		return this.frames.filter( ( f ): f is FrameOf< T > => f.type === type );
	}

	last< T extends ServerFrame[ 'type' ] >( type: T ): FrameOf< T > | undefined {
		return this.of( type ).at( -1 );
	}

	/** The system events among the messages received, in order. */
	events(): string[] {
		return this.of( 'message' ).flatMap( ( m ) => ( m.event ? [ m.event ] : [] ) );
	}

	/**
	 * The first frame of this type that matches, received already or still to
	 * come: for work the core does without anyone awaiting it (dispatch,
	 * hand-backs). A frame that never comes fails the test by jest's timeout.
	 */
	waitFor< T extends ServerFrame[ 'type' ] >( type: T, match: ( f: FrameOf< T > ) => boolean = () => true ): Promise< FrameOf< T > > {
		const test = ( f: ServerFrame ): boolean => f.type === type && match( f as FrameOf< T > );
		const seen = this.frames.find( test );
		if ( seen ) return Promise.resolve( seen as FrameOf< T > );
		return new Promise( ( resolve ) => this.waiters.push( { match: test, resolve: resolve as ( f: ServerFrame ) => void } ) );
	}

	private receive( frame: ServerFrame ): void {
		this.frames.push( frame );
		for ( const w of this.waiters.filter( ( x ) => x.match( frame ) ) ) {
			this.waiters.splice( this.waiters.indexOf( w ), 1 );
			w.resolve( frame );
		}
	}
}

/** A write held back by a test: it reaches the real store on release, or fails without touching it. */
export interface HeldWrite {
	/** Resolves when the core has called the held method. */
	readonly called: Promise< void >;
	release(): void;
	fail( error: Error ): void;
}

type StoreMethod = keyof ChatStore & string;

/**
 * The real store, with a way to hold the next call of one method (the test
 * decides when it goes on, or makes it fail as a write that left nothing
 * behind). Everything else goes straight to SQLite.
 */
class Faults {
	private readonly held = new Map< StoreMethod, ( args: unknown[], real: ( ...a: unknown[] ) => unknown ) => unknown >();

	readonly store: ChatStore;

	constructor( sqlite: SqliteStore ) {
		this.store = this.wrap( sqlite );
	}

	private wrap( sqlite: SqliteStore ): ChatStore {
		return new Proxy( sqlite, {
			get: ( target, prop ) => {
				const value: unknown = Reflect.get( target, prop );
				if ( typeof value !== 'function' ) return value;
				const real = ( ...args: unknown[] ): unknown => ( value as ( ...a: unknown[] ) => unknown ).apply( target, args );
				const hook = this.held.get( prop as StoreMethod );
				if ( ! hook ) return real;
				return ( ...args: unknown[] ) => {
					this.held.delete( prop as StoreMethod );
					return hook( args, real );
				};
			},
		} );
	}

	/** Holds the next call of `method`. Released, it runs on the real store then (not at the time of the call). */
	hold( method: StoreMethod ): HeldWrite {
		let called!: () => void;
		let release!: () => void;
		let fail!: ( e: Error ) => void;
		const calledP = new Promise< void >( ( r ) => ( called = r ) );
		this.held.set( method, ( args, real ) => {
			called();
			return new Promise( ( resolve, reject ) => {
				release = () => resolve( real( ...args ) );
				fail = reject;
			} );
		} );
		return { called: calledP, release: () => release(), fail: ( e ) => fail( e ) };
	}

	/** The next call of `method` fails at once, without reaching SQLite. */
	failNext( method: StoreMethod, error = new Error( `injected ${ method } failure` ) ): void {
		this.held.set( method, () => Promise.reject( error ) );
	}
}

export interface ClaimsInput {
	name?: string;
	depts?: string[];
	maxChats?: number;
}

export interface Harness {
	readonly core: Core;
	/** The real SQLite store; core.store is this store seen through `faults`. */
	readonly sqlite: SqliteStore;
	readonly faults: Pick< Faults, 'hold' | 'failNext' >;
	readonly site: SiteConfig;
	readonly clock: FakeClock;
	/** The parts rooms.ts builds beside the core. */
	readonly sessions: Sessions;
	readonly erasure: Erasure;
	identity( role: 'visitor' | 'agent', subject: string, claims?: ClaimsInput ): Identity;
	visitor( subject?: string ): RecordingPeer;
	agent( subject: string, claims?: ClaimsInput ): RecordingPeer;
	/** The visitor's `start`, awaited; returns the chat it opened and its code. */
	start( peer: RecordingPeer, frame?: Partial< Omit< StartFrame, 'type' > > ): Promise< { chat: LiveChat; code: string } >;
	/** An agent console connected (sessions) and online for every department its token allows; routing may use it. */
	onlineAgent( subject: string, claims?: ClaimsInput ): Promise< { peer: RecordingPeer; agent: AgentState } >;
	/** A closed chat of this agent ended at `closedAt`, in the store: the agent's "idle since" for routing. */
	pastChat( agentSub: string, closedAt: number ): Promise< void >;
	/** Resolves once the store has answered the agent's "idle since" (it then counts for routing). */
	idleKnown( agent: AgentState ): Promise< void >;
	/** The database and its WAL as they are on disk. */
	files(): string;
	close(): Promise< void >;
}

/** A valid site configuration (through the service's own parser, so its defaults apply). */
export function siteConfig( site: Partial< SiteConfigInput > = {} ): SiteConfig {
	return parseConfig( {
		logLevel: 'silent',
		sites: [ { id: SITE_ID, secret: 's'.repeat( 48 ), origins: [ 'http://site.test' ], defaultMode: 'stored', ...site } ],
	} ).sites[ 0 ];
}

/** What a verified token says (server/tokens.ts), without signing one. */
export function makeIdentity( site: SiteConfig, role: 'visitor' | 'agent', subject: string, claims: ClaimsInput = {}, now = Date.now() ): Identity {
	return {
		site,
		role,
		subject,
		name: claims.name ?? ( role === 'agent' ? `Agent ${ subject }` : '' ),
		depts: claims.depts ?? [],
		maxChats: claims.maxChats ?? site.maxChatsPerAgent,
		issuedAt: now,
		expiresAt: now + 600_000,
	};
}

let visitors = 0;
let records = 0;

/** A stored chat's record as `start` would make it: waiting, no agent. */
export function chatRecord( fields: Partial< ChatRecord > = {} ): ChatRecord {
	const id = fields.id ?? `chat-${ ++records }`;
	return {
		id,
		site: SITE_ID,
		codeHash: `hash-${ id }`,
		mode: 'stored',
		dept: null,
		status: 'waiting',
		createdAt: Date.UTC( 2030, 0, 7, 8 ) + records,
		closedAt: null,
		keep: false,
		visitorSub: `visitor-${ id }`,
		visitorName: null,
		agentSub: null,
		agentName: null,
		from: null,
		consentVersion: null,
		...fields,
	};
}

export async function openHarness( site: Partial< SiteConfigInput > = {} ): Promise< Harness > {
	const dir = mkdtempSync( join( tmpdir(), 'cc-chats-' ) );
	const file = join( dir, 'chats.sqlite' );
	const config = siteConfig( site );
	const sqlite = new SqliteStore( file, { legacyStatsSite: SITE_ID } );
	const faults = new Faults( sqlite );
	// One clock for core.now() and presence's timers, starting on a fixed date.
	const clock = new FakeClock( Date.UTC( 2030, 0, 7, 9 ) );
	const core = createCore( {
		store: faults.store,
		log: createLogger( 'silent' ),
		sites: new Map( [ [ config.id, config ] ] ),
		now: () => clock.now,
		presence: { graceMs: GRACE_MS, timers: clock },
	} );
	const identity = ( role: 'visitor' | 'agent', subject: string, claims: ClaimsInput = {} ): Identity =>
		makeIdentity( config, role, subject, claims, clock.now );
	const sessions = new Sessions( core );
	const h: Harness = {
		core,
		sqlite,
		faults,
		site: config,
		clock,
		sessions,
		erasure: new Erasure( core ),
		identity,
		visitor: ( subject = `v${ ++visitors }` ) => new RecordingPeer( identity( 'visitor', subject ) ),
		agent: ( subject, claims ) => new RecordingPeer( identity( 'agent', subject, claims ) ),
		async start( peer, frame = {} ) {
			await core.lifecycle.start( peer, { type: 'start', clientId: `s-${ peer.identity.subject }`, ...frame } );
			const chat = core.chats.chatOfVisitor( peer );
			const started = peer.last( 'started' );
			if ( ! chat || ! started ) throw new Error( 'start opened no chat' );
			return { chat, code: started.code };
		},
		async onlineAgent( subject, claims ) {
			const peer = h.agent( subject, claims );
			await sessions.connect( peer, { type: 'hello', token: 'x' } );
			const agent = core.agents.of( peer );
			await h.idleKnown( agent );
			sessions.presence( peer, { type: 'presence', online: true } );
			return { peer, agent };
		},
		async pastChat( agentSub, closedAt ) {
			const id = `past-${ agentSub }-${ closedAt }`;
			const at = closedAt - 60_000;
			void core.store.insertChat( chatRecord( { id, createdAt: at } ) );
			void core.store.setStatus( id, 'active', at, { agent: { sub: agentSub, name: agentSub } } );
			await core.store.setStatus( id, 'closed', closedAt );
		},
		async idleKnown( agent ) {
			// The directory asked the store when the agent joined; reads resolve in
			// call order, so once this one has, the directory's answer is in.
			await core.store.lastChatEnd( agent.site, agent.sub );
			if ( agent.idleSince === null ) throw new Error( 'the store has not answered the agent’s idle time' );
		},
		files() {
			const text = ( f: string ): string => ( existsSync( f ) ? readFileSync( f ).toString( 'latin1' ) : '' );
			return text( file ) + text( `${ file }-wal` );
		},
		async close() {
			await sqlite.close();
			rmSync( dir, { recursive: true, force: true } );
		},
	};
	return h;
}

/**
 * A harness per test: `const t = useHarness()`, then `t.h` inside a test.
 * Closes the store and removes the folder after each.
 */
export function useHarness( site: Partial< SiteConfigInput > = {} ): { h: Harness } {
	const box = {} as { h: Harness };
	beforeEach( async () => {
		box.h = await openHarness( site );
	} );
	afterEach( async () => {
		await box.h.close();
	} );
	return box;
}
