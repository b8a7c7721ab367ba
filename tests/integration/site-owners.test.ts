/**
 * Site ownership (server/cluster/site-owners.ts) on its own: several
 * SiteOwners, each with its own NodeBus, stand for nodes on one throw-away
 * PostgreSQL (the locks) and one throw-away Redis (the announcements).
 * Each test has a database of its own (advisory locks are per database) and
 * a bus namespace of its own. Heartbeats are 100 ms; a node given an hour
 * (HOUR) for its heartbeat or expiry never beats or expires during a test,
 * so what it does can only come from what it heard: the test then shows
 * that hearing it is enough. Tests wait on the SiteOwners events, never on
 * a clock.
 */
import { NodeBus } from '../../server/cluster/bus';
import { SiteOwners } from '../../server/cluster/site-owners';
import { capturedLog, type CapturedLog } from '../helpers/captured-log';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { startRedis, type RunningRedis } from '../helpers/redis';

const S = 'site-a';
const S2 = 'site-b';
const HOUR = 3_600_000;
const EVENTS = [ 'served', 'lost', 'moved', 'gone' ] as const;

interface Node {
	id: string;
	owners: SiteOwners;
	bus: NodeBus;
	log: CapturedLog;
	/** The sites `take` was called for, in order. */
	takes: string[];
	/** Every event, as 'served:site', 'moved:site:owner', 'gone:node'… in order. */
	events: string[];
}

interface NodeOptions {
	heartbeatMs?: number;
	expiryMs?: number;
	take?: ( site: string, call: number ) => Promise< void >;
}

let pg: TestPostgres;
let redis: RunningRedis;
let db: string;
let namespace: string;
let tests = 0;
const nodes: Node[] = [];
beforeAll( async () => {
	[ pg, redis ] = await Promise.all( [ startPostgres(), startRedis( { persistence: false } ) ] );
}, 60_000 );
beforeEach( () => {
	db = pg.createDatabase();
	namespace = `owners-${ ++tests }`;
} );
afterEach( async () => {
	for ( const n of nodes.splice( 0 ) ) {
		await n.owners.close();
		await n.bus.close();
	}
} );
afterAll( async () => {
	pg?.dispose();
	await redis?.stop();
} );

async function node( sites: string[], o: NodeOptions = {} ): Promise< Node > {
	const log = capturedLog();
	const bus = await NodeBus.open( redis.url, { log: log.log, namespace } );
	const takes: string[] = [];
	const owners = await SiteOwners.start( {
		bus,
		databaseUrl: db,
		sites,
		log: log.log,
		heartbeatMs: o.heartbeatMs ?? 100,
		expiryMs: o.expiryMs,
		take: async ( site ) => {
			takes.push( site );
			await o.take?.( site, takes.length );
		},
	} );
	const n: Node = { id: bus.id, owners, bus, log, takes, events: [] };
	owners.on( 'served', ( site ) => n.events.push( `served:${ site }` ) );
	owners.on( 'lost', ( site ) => n.events.push( `lost:${ site }` ) );
	owners.on( 'moved', ( site, owner ) => n.events.push( `moved:${ site }:${ owner }` ) );
	owners.on( 'gone', ( id ) => n.events.push( `gone:${ id }` ) );
	nodes.push( n );
	return n;
}

/** Calls `f` on every event of every node in `of`; returns the function that stops it. */
function onEvents( of: Node[], f: () => void ): () => void {
	for ( const n of of ) for ( const e of EVENTS ) n.owners.on( e, f );
	return () => {
		for ( const n of of ) for ( const e of EVENTS ) n.owners.off( e, f );
	};
}

/** Resolves once `cond` holds (checked now and on each event of `of`); fails after `ms` saying `what`. */
function until( of: Node[], cond: () => boolean, what: string, ms = 5_000 ): Promise< void > {
	if ( cond() ) return Promise.resolve();
	return new Promise( ( resolve, reject ) => {
		const timer = setTimeout( () => {
			stop();
			reject( new Error( `never happened: ${ what }` ) );
		}, ms );
		const stop = onEvents( of, () => {
			if ( ! cond() ) return;
			clearTimeout( timer );
			stop();
			resolve();
		} );
	} );
}

/** Every moment (event) at which two of `of` said they own `site`. */
function twoOwners( of: Node[], site: string ): string[][] {
	const seen: string[][] = [];
	onEvents( of, () => {
		const owning = of.filter( ( n ) => n.owners.owns( site ) ).map( ( n ) => n.id );
		if ( owning.length > 1 ) seen.push( owning );
	} );
	return seen;
}

/** A dead node: it says nothing more (its bus is gone first, so not even its last empty list) and its PostgreSQL session ends. */
async function die( n: Node ): Promise< void > {
	await n.bus.close();
	await n.owners.close();
}

/** The ids of the nodes in `of` that say they serve `site`. */
const serving = ( of: Node[], site: string ): string[] => of.filter( ( n ) => n.owners.owns( site ) ).map( ( n ) => n.id );
const allTakes = ( of: Node[] ): string[] => of.flatMap( ( n ) => n.takes );

test( 'three nodes started together: exactly one serves the site, took it once, and the others learn which', async () => {
	const all = await Promise.all( [ node( [ S ] ), node( [ S ] ), node( [ S ] ) ] );
	expect( serving( all, S ) ).toHaveLength( 1 );
	const owner = all.find( ( n ) => n.owners.owns( S ) ) as Node;
	const others = all.filter( ( n ) => n !== owner );
	await until( all, () => others.every( ( n ) => n.owners.ownerOf( S ) === owner.id ), 'the others hear who serves it' );
	expect( owner.owners.ownerOf( S ) ).toBe( owner.id );
	expect( allTakes( all ) ).toEqual( [ S ] );
	expect( owner.log.lines.some( ( l ) => l.msg === 'site ownership: this node serves the site' && l.site === S ) ).toBe( true );
} );

test( 'sites spread: a node started second takes the site nobody holds and leaves the held one', async () => {
	const a = await node( [ S ] );
	const b = await node( [ S, S2 ] );
	expect( [ ...a.owners.ownedSites() ] ).toEqual( [ S ] );
	expect( [ ...b.owners.ownedSites() ] ).toEqual( [ S2 ] );
	await until( [ a, b ], () => b.owners.ownerOf( S ) === a.id && a.owners.ownerOf( S2 ) === b.id, 'each hears the other' );
	expect( b.takes ).toEqual( [ S2 ] );
} );

test( 'a planned close: the owner says so at once and another node takes the site on hearing it, not at a heartbeat or expiry; logged at info', async () => {
	// Handed on three times: on hearing that the owner stopped, the others find its lock free (a race each time if it were not).
	let rest = [ await node( [ S ] ) ];
	for ( let i = 0; i < 3; i++ ) rest.push( await node( [ S ], { heartbeatMs: HOUR, expiryMs: HOUR } ) );
	const all = [ ...rest ];
	const exclusive = twoOwners( all, S );
	for ( let owner = rest[ 0 ]; rest.length > 1; ) {
		const from = owner;
		rest = rest.filter( ( n ) => n !== from );
		await until( all, () => rest.every( ( n ) => n.owners.ownerOf( S ) === from.id ), 'the others hear who serves it' );
		await from.owners.close();
		expect( from.events.at( -1 ) ).toBe( `lost:${ S }` );
		const stopped = from.log.lines.filter( ( l ) => l.msg === 'site ownership: this node no longer serves the site' );
		expect( stopped ).toEqual( [ expect.objectContaining( { level: 30, site: S } ) ] );
		await until( rest, () => serving( rest, S ).length > 0, 'another serves it' );
		owner = rest.find( ( n ) => n.owners.owns( S ) ) as Node;
		// Its heartbeat and expiry are an hour: only hearing the owner stop made it try. (Usually that word comes
		// just before; a try still under way from the hand-over before can also win the lock the moment it is free.)
		expect( owner.events.at( -1 ) ).toBe( `served:${ S }` );
	}
	expect( allTakes( all ) ).toEqual( [ S, S, S, S ] );
	expect( exclusive ).toEqual( [] );
} );

test( 'the owner\'s lock session is terminated: it stops serving at once (warn), another takes over, never two at a time', async () => {
	const a = await node( [ S ], { heartbeatMs: HOUR, expiryMs: HOUR } ); // it will not try again during the test
	const others = [ await node( [ S ], { expiryMs: HOUR } ), await node( [ S ], { expiryMs: HOUR } ) ];
	const all = [ a, ...others ];
	expect( serving( all, S ) ).toEqual( [ a.id ] ); // the others tried (start() runs a heartbeat) and the lock said no
	const exclusive = twoOwners( all, S );

	const killed = pg.psql(
		db,
		`SELECT count(pg_terminate_backend(a.pid)) FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
		 WHERE a.application_name = 'consent-chat site owner' AND a.datname = current_database() AND l.locktype = 'advisory' AND l.granted`
	);
	expect( killed ).toBe( '1' );
	await until( [ a ], () => a.events.includes( `lost:${ S }` ), 'a loses it' );
	expect( a.owners.owns( S ) ).toBe( false );
	expect( a.log.lines ).toContainEqual( expect.objectContaining( { level: 40, msg: 'site ownership: this node no longer serves the site', site: S } ) );

	await until( all, () => serving( others, S ).length > 0, 'another node serves it' );
	const [ winner ] = serving( others, S );
	const loser = others.find( ( n ) => n.id !== winner ) as Node;
	await until( all, () => loser.owners.ownerOf( S ) === winner, 'the third hears who' );
	expect( allTakes( others ) ).toEqual( [ S ] );
	expect( exclusive ).toEqual( [] );
} );

test( 'a dead node forgotten (its batch reached nobody): a survivor takes its site at once, long before the expiry', async () => {
	const a = await node( [ S ] );
	const b = await node( [ S ], { heartbeatMs: HOUR, expiryMs: HOUR } );
	await until( [ b ], () => b.owners.ownerOf( S ) === a.id, 'b hears a serve it' );
	await die( a );
	expect( b.owners.forget( a.id ) ).toBe( true );
	expect( b.owners.forget( a.id ) ).toBe( false ); // known no more
	await until( [ b ], () => b.owners.owns( S ), 'b serves it' );
	expect( b.events ).toEqual( [ `moved:${ S }:${ a.id }`, `moved:${ S }:null`, `gone:${ a.id }`, `served:${ S }` ] );
} );

test( 'a dead node nobody forgets: its site is taken once it has been silent for the expiry', async () => {
	const a = await node( [ S ] );
	const b = await node( [ S ] ); // expiry: 3 heartbeats
	await until( [ b ], () => b.owners.ownerOf( S ) === a.id, 'b hears a serve it' );
	await die( a );
	await until( [ b ], () => b.owners.owns( S ), 'b serves it', 10 * b.owners.expiryMs );
	// Taken because a was found gone, not tried while a was still believed to serve it.
	expect( b.events ).toEqual( [ `moved:${ S }:${ a.id }`, `moved:${ S }:null`, `gone:${ a.id }`, `served:${ S }` ] );
	expect( b.takes ).toEqual( [ S ] );
} );

test( 'a take that rejects gives the lock up (logged): another node takes the site', async () => {
	const a = await node( [ S ], { take: () => Promise.reject( new Error( 'the store is away' ) ) } );
	const failed = await a.log.waitFor( ( l ) => l.msg === 'site ownership: taking the site over failed; it is given up' );
	expect( failed ).toMatchObject( { level: 50, site: S, err: { message: 'the store is away' } } );
	expect( a.owners.owns( S ) ).toBe( false );

	const b = await node( [ S ] );
	await until( [ b ], () => b.owners.owns( S ), 'b serves it' );
	expect( a.owners.owns( S ) ).toBe( false );
} );

test( 'a take that rejects is tried again by the same node at its next heartbeat', async () => {
	const a = await node( [ S ], { take: ( _site, call ) => ( call === 1 ? Promise.reject( new Error( 'once' ) ) : Promise.resolve() ) } );
	expect( a.owners.owns( S ) ).toBe( false );
	await until( [ a ], () => a.owners.owns( S ), 'a serves it' );
	expect( a.takes ).toEqual( [ S, S ] );
} );

test( 'served(): true as soon as some node serves the site, false after the wait when none does', async () => {
	const gateway = await node( [] ); // serves nothing; hears who does
	const started = Date.now();
	expect( await gateway.owners.served( S, 150 ) ).toBe( false );
	expect( Date.now() - started ).toBeGreaterThanOrEqual( 140 );

	const waiting = gateway.owners.served( S, 10_000 );
	const a = await node( [ S ] );
	expect( await waiting ).toBe( true );
	expect( gateway.owners.ownerOf( S ) ).toBe( a.id );
	expect( await a.owners.served( S, 0 ) ).toBe( true ); // its own
	expect( await gateway.owners.served( S, 0 ) ).toBe( true );
} );

test( 'lock tries are one at a time: two nodes forgotten in one turn make each site taken once, not twice on the re-entrant session', async () => {
	const a1 = await node( [ S ] );
	const a2 = await node( [ S2 ] );
	const b = await node( [ S, S2 ], { heartbeatMs: HOUR, expiryMs: HOUR } );
	await until( [ b ], () => b.owners.ownerOf( S ) === a1.id && b.owners.ownerOf( S2 ) === a2.id, 'b hears both' );
	await die( a1 );
	await die( a2 );

	// Two tries at once: each sees both sites free, and pg_try_advisory_lock on one session says yes twice.
	b.owners.forget( a1.id );
	b.owners.forget( a2.id );
	await until( [ b ], () => b.owners.owns( S ) && b.owners.owns( S2 ), 'b serves both' );
	expect( b.takes.sort() ).toEqual( [ S, S2 ] );
	expect( b.events.filter( ( e ) => e.startsWith( 'served:' ) ).sort() ).toEqual( [ `served:${ S }`, `served:${ S2 }` ] );
} );
