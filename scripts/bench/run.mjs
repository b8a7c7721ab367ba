#!/usr/bin/env node
/**
 * `npm run bench`: our service against a raw `ws` relay, in one run, on
 * 127.0.0.1 only. A benchmark, not a test: it prints figures and PASS/MISS
 * per target, and exits 0 whatever the figures (1 only if it could not run).
 *
 * Processes: this orchestrator; per variant one server process (the raw relay
 * echo-server.mjs, or service-process.mjs running build/server) and one load
 * generator (driver.mjs). All are children of this one, over IPC, and are
 * killed when it ends, however it ends. With --cluster, two more variants
 * bring their engines (engines.mjs, in a temporary folder, stopped at the
 * end): the stored service on a throw-away PostgreSQL 15, and a cluster of
 * two service processes on PostgreSQL + Redis.
 *
 * Order: each variant's server starts fresh, gets its idle connections (RSS
 * per connection) and its pairs; then the latency and throughput phases run
 * in short rounds that take turns between the variants (rotating who goes
 * first), so a change in background load on a shared machine falls on all
 * variants alike instead of on whichever ran last. Rounds are pooled. Before
 * and after the rounds, disk-probe.mjs times the disk's fsync of a
 * commit-sized write once a millisecond (what each stored commit waits for),
 * printed with the results. The pooling, the table and the targets: report.mjs.
 *
 * Options (all optional): --pairs=50 --window=32 --seconds=12 --rate=1000
 * --latency-seconds=12 --rounds=6 --idle=10000 --batch=500 --no-build
 * --only=echo,ephemeral,stored,stored-pg,cluster,compare-pg,…   (seconds are totals over the rounds)
 * --cpu-prof=<dir>   V8 CPU profile of each server process (not the drivers),
 *                    written to <dir> when it stops; open in Chrome DevTools
 * --compare=<dir>    A/B: two more variants, ephemeral and stored, running another build
 *                    of the service (e.g. `cp -r build/server build/server-before`
 *                    before a change, then `--compare=build/server-before`); it
 *                    takes its turns in the same rounds, so both see the same load;
 *                    with --cluster, also `compare-pg` and `compare-cluster`, the
 *                    PostgreSQL variants on that build
 * --cluster          two more variants, in the same rounds (needs Debian's postgresql-15
 *                    and redis-server: scripts/ensure-system-deps.sh cluster):
 *                    - `stored-pg`: one node, stored mode, on PostgreSQL instead of
 *                      SQLite (what PostgreSQL costs, apart from the bus);
 *                    - `cluster`: two nodes on PostgreSQL + Redis, each pair's visitor
 *                      on node 1 (the site's owner: the first node started takes
 *                      the site's lock) and its agent on node 2 (forwarded to the
 *                      owner over Redis pub/sub); idle visitors alternate between
 *                      the nodes. Its server CPU counts both nodes, every PostgreSQL
 *                      process and redis-server (/proc); its ratios are to the raw
 *                      relay and to the single-node stored service (SQLite).
 * --cluster-visitor=forwarded   the other way round: visitors on node 2, agents on the owner
 * --service-log=<level>  the service's own log (pino, to stdout), e.g. warn; silent by default
 * --no-assistant     leave out the assistant's line (assistant.mjs: answer time and index
 *                    rebuild, run last; alone: `npm run bench:assistant`)
 */
import { execFileSync, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeFsync } from './disk-probe.mjs';
import { startEngines } from './engines.mjs';
import { createRpc } from './ipc.mjs';
import { report, summarise } from './report.mjs';

const HERE = dirname( fileURLToPath( import.meta.url ) );
const ROOT = resolve( HERE, '../..' );

const args = Object.fromEntries(
	process.argv.slice( 2 ).map( ( a ) => {
		const [ k, v ] = a.replace( /^--/, '' ).split( '=' );
		return [ k, v === undefined ? true : v ];
	} )
);
const num = ( k, d ) => {
	const v = args[ k ] === undefined ? d : Number( args[ k ] );
	if ( ! Number.isFinite( v ) || v <= 0 ) throw new Error( `--${ k } must be a positive number` );
	return v;
};

const CFG = {
	pairs: num( 'pairs', 50 ),
	window: num( 'window', 32 ),
	// Six rounds of 2 s per phase and variant: on this shared 2-CPU machine a
	// variant's throughput moves by ±15% from one round to the next (its CPU
	// per message with it), and with three rounds the pooled ratios moved by
	// as much between runs.
	rounds: Math.round( num( 'rounds', 6 ) ),
	/** Warm-up before every round. */
	warmupMs: 500,
	/**
	 * Before a variant's first round of a phase: a server fresh from its idle
	 * connections needed about 4 s of relaying to settle (its CPU per message
	 * 17 and 15 µs in its first two throughput rounds, then 10-12: the JIT's
	 * later tiers and the heap growing to its working size), and its first
	 * rounds pulled the pooled figures down by up to 15%.
	 */
	firstWarmupMs: 4000,
	throughputMs: num( 'seconds', 12 ) * 1000,
	rate: num( 'rate', 1000 ),
	latencyMs: num( 'latency-seconds', 12 ) * 1000,
	idle: num( 'idle', 10_000 ),
	batch: num( 'batch', 500 ),
	/** Where each pair's visitor is in the cluster variant: on the site's owner (its agent forwarded), or forwarded. */
	clusterVisitor: args[ 'cluster-visitor' ] ?? 'owner',
	serviceLog: typeof args[ 'service-log' ] === 'string' ? args[ 'service-log' ] : 'silent',
};
if ( ! [ 'owner', 'forwarded' ].includes( CFG.clusterVisitor ) ) throw new Error( '--cluster-visitor must be owner or forwarded' );

const SITE = { siteId: 'bench', secret: randomBytes( 32 ).toString( 'hex' ), origin: 'http://bench.test' };

const VARIANTS = [
	{ key: 'echo', label: 'raw ws relay', script: 'echo-server.mjs', kind: 'echo' },
	{ key: 'ephemeral', label: 'service ephemeral', script: 'service-process.mjs', kind: 'service', mode: 'ephemeral' },
	{ key: 'stored', label: 'service stored', script: 'service-process.mjs', kind: 'service', mode: 'stored' },
];
if ( typeof args.compare === 'string' ) {
	const serverDir = resolve( args.compare );
	VARIANTS.push(
		{ key: 'compare-ephemeral', label: 'ephemeral (--compare)', script: 'service-process.mjs', kind: 'service', mode: 'ephemeral', serverDir },
		{ key: 'compare', label: 'stored (--compare)', script: 'service-process.mjs', kind: 'service', mode: 'stored', serverDir }
	);
}
if ( args.cluster ) {
	VARIANTS.push(
		{ key: 'stored-pg', label: 'stored, PostgreSQL', script: 'service-process.mjs', kind: 'service', mode: 'stored', engines: { redis: false } },
		{ key: 'cluster', label: 'cluster, 2 nodes', script: 'service-process.mjs', kind: 'service', mode: 'stored', engines: { redis: true }, nodes: 2 }
	);
	if ( typeof args.compare === 'string' ) {
		const serverDir = resolve( args.compare );
		VARIANTS.push(
			{ key: 'compare-pg', label: 'PostgreSQL (--compare)', script: 'service-process.mjs', kind: 'service', mode: 'stored', engines: { redis: false }, serverDir },
			{ key: 'compare-cluster', label: 'cluster (--compare)', script: 'service-process.mjs', kind: 'service', mode: 'stored', engines: { redis: true }, nodes: 2, serverDir }
		);
	}
}
/** The whole run is killed after this, whatever is going on (each variant adds its idle connections and rounds). */
const DEADLINE_MS = 120_000 + 70_000 * VARIANTS.length;

/* ------------------------------------------------------------------ */
/* Children: tracked, and killed however this process ends              */
/* ------------------------------------------------------------------ */

const children = new Set();
const tempDirs = new Set();
/** Engines not ours as children (pg_ctl runs PostgreSQL apart): synchronous stops, for an abrupt end. */
const detached = new Set();

function cleanup() {
	for ( const child of children ) {
		if ( child.exitCode === null && child.signalCode === null ) child.kill( 'SIGKILL' );
	}
	children.clear();
	for ( const stop of detached ) stop();
	detached.clear();
	for ( const dir of tempDirs ) rmSync( dir, { recursive: true, force: true } );
	tempDirs.clear();
}
process.on( 'exit', cleanup );
for ( const sig of [ 'SIGINT', 'SIGTERM', 'SIGHUP' ] ) {
	process.on( sig, () => {
		process.stderr.write( `\nbench: ${ sig }, stopping\n` );
		cleanup();
		process.exit( 130 );
	} );
}
const deadline = setTimeout( () => {
	process.stderr.write( `\nbench: still running after ${ DEADLINE_MS / 1000 } s, giving up\n` );
	cleanup();
	process.exit( 1 );
}, DEADLINE_MS );
deadline.unref();

function spawnChild( script, name, handlers = {}, { profile = false } = {} ) {
	const prof = profile && typeof args[ 'cpu-prof' ] === 'string' ? [ '--cpu-prof', `--cpu-prof-dir=${ resolve( args[ 'cpu-prof' ] ) }` ] : [];
	const child = fork( join( HERE, script ), [], {
		cwd: ROOT,
		execArgv: [ '--expose-gc', ...prof ],
		stdio: [ 'ignore', 'inherit', 'inherit', 'ipc' ],
	} );
	children.add( child );
	const rpc = createRpc( child, handlers, name );
	child.once( 'exit', ( code, signal ) => {
		children.delete( child );
		rpc.rejectAll( `process exited (${ signal ?? code })` );
	} );
	const stop = async () => {
		try {
			await rpc.call( 'stop', {}, 8000 );
		} catch {
			// already gone or stuck: killed below
		}
		if ( child.exitCode === null && child.signalCode === null ) {
			const exited = new Promise( ( r ) => child.once( 'exit', r ) );
			const timer = setTimeout( () => child.kill( 'SIGKILL' ), 2000 );
			await exited;
			clearTimeout( timer );
		}
	};
	return { child, rpc, stop };
}

/* ------------------------------------------------------------------ */
/* Phases                                                               */
/* ------------------------------------------------------------------ */

const log = ( msg ) => process.stderr.write( `  ${ msg }\n` );
const sleep = ( ms ) => new Promise( ( r ) => setTimeout( r, ms ) );

const tempDir = ( prefix ) => {
	const dir = mkdtempSync( join( os.tmpdir(), prefix ) );
	tempDirs.add( dir );
	return dir;
};

/**
 * The server side of a variant, started: one process; or, with `v.engines`,
 * PostgreSQL (and Redis) and `v.nodes` service processes on them, started one
 * after the other (the first takes the site). Whatever it starts is pushed
 * on `unit.stops`, which finish() runs last to first, even after a failure.
 * Resolves to the ports (the site's owner first), the driver's placement and
 * a stats() that sums the nodes and the engines.
 */
async function startServer( v, unit ) {
	let engines = null;
	if ( v.engines ) {
		const dir = tempDir( `cc-bench-${ v.key }-engines-` );
		engines = await startEngines( { dir, redis: v.engines.redis } );
		detached.add( engines.stopPostgres );
		const redis = engines.redisProcess;
		if ( redis ) {
			children.add( redis );
			redis.once( 'exit', () => children.delete( redis ) );
		}
		unit.stops.push( async () => {
			await engines.stop();
			detached.delete( engines.stopPostgres );
			rmSync( dir, { recursive: true, force: true } );
			tempDirs.delete( dir );
		} );
	}
	const nodes = [];
	const count = v.nodes ?? 1;
	for ( let i = 0; i < count; i++ ) {
		const proc = spawnChild( v.script, count > 1 ? `${ v.label }: node ${ i + 1 }` : v.label, {}, { profile: true } );
		unit.stops.push( proc.stop );
		let dataDir = unit.dataDir;
		if ( dataDir && count > 1 ) mkdirSync( ( dataDir = join( unit.dataDir, `node-${ i + 1 }` ) ) );
		const started = await proc.rpc.call(
			'start',
			{ ...SITE, mode: v.mode, dataDir, serverDir: v.serverDir, databaseUrl: engines?.databaseUrl, redisUrl: engines?.redisUrl, logLevel: CFG.serviceLog },
			30_000
		);
		nodes.push( { proc, n: i + 1, ...started } );
	}
	const owner = nodes.find( ( n ) => n.ownsSite !== false );
	if ( ! owner ) throw new Error( `no node serves the site itself (${ nodes.map( ( n ) => `node ${ n.n }: ownsSite ${ n.ownsSite }` ).join( ', ' ) })` );
	const others = nodes.filter( ( n ) => n !== owner );
	const ports = [ owner, ...others ].map( ( n ) => n.port );
	let placement = { visitor: 0, agent: 0 };
	if ( count > 1 ) {
		placement = CFG.clusterVisitor === 'owner' ? { visitor: 0, agent: 1 } : { visitor: 1, agent: 0 };
		const where = ( i ) => ( i === 0 ? `node ${ owner.n }, the site's owner` : `node ${ others[ 0 ].n }, forwarded to the owner over Redis pub/sub` );
		unit.out.placement = `each pair's visitor on ${ where( placement.visitor ) }; its agent on ${ where( placement.agent ) }; idle visitors alternate between the nodes`;
		log( `${ v.label }: ${ unit.out.placement }` );
	}
	const sum = ( xs, f ) => xs.reduce( ( s, x ) => s + ( f( x ) ?? 0 ), 0 );
	return {
		ports,
		placement,
		ignoredKnobs: [ ...new Set( nodes.flatMap( ( n ) => n.ignoredKnobs ?? [] ) ) ],
		async stats( a ) {
			const each = await Promise.all( nodes.map( ( n ) => n.proc.rpc.call( 'stats', a, 10_000 ) ) );
			if ( ! engines ) return each[ 0 ];
			const eng = engines.cpuUs();
			const nodesCpu = sum( each, ( x ) => x.cpuUs );
			return {
				cpuUs: nodesCpu + eng.postgres + eng.redis,
				cpuParts: { nodes: nodesCpu, postgres: eng.postgres, ...( engines.redisUrl ? { redis: eng.redis } : {} ) },
				rss: sum( each, ( x ) => x.rss ),
				rssPlainGc: sum( each, ( x ) => x.rssPlainGc ),
				heapUsed: sum( each, ( x ) => x.heapUsed ),
			};
		},
	};
}

/** Server and driver of one variant, started; idle connections measured; pairs ready. */
async function prepare( v ) {
	const unit = { v, stops: [], out: { variant: v.key, latencySamples: [], latencyRounds: [], throughputRounds: [] } };
	const out = unit.out;
	if ( v.kind === 'service' ) unit.dataDir = tempDir( `cc-bench-${ v.key }-` );
	unit.driver = spawnChild( 'driver.mjs', `driver (${ v.label })`, {
		serverStats: ( a ) => unit.server.stats( a ),
	} );
	try {
		unit.server = await startServer( v, unit );
		out.ignoredKnobs = unit.server.ignoredKnobs;
		if ( out.ignoredKnobs.length ) log( `WARNING: the service ignored bench knobs: ${ out.ignoredKnobs.join( ', ' ) }` );
		await unit.driver.rpc.call( 'init', { kind: v.kind, ports: unit.server.ports, placement: unit.server.placement, ...SITE } );

		// RSS per idle connection: a fresh server, nothing else connected yet.
		const before = await unit.server.stats( { gc: true } );
		const idle = await unit.driver.rpc.call( 'connectIdle', { count: CFG.idle, batch: CFG.batch, maxMs: 90_000 }, 100_000 );
		await sleep( 300 );
		const after = await unit.server.stats( { gc: true } );
		out.idle = idle;
		out.rssPerIdleBytes = ( after.rss - before.rss ) / idle.connected;
		out.rssPlainGcPerIdleBytes = ( after.rssPlainGc - before.rssPlainGc ) / idle.connected;
		out.heapPerIdleBytes = ( after.heapUsed - before.heapUsed ) / idle.connected;
		log( `${ v.label }: ${ idle.connected } idle connected in ${ ( idle.ms / 1000 ).toFixed( 1 ) } s (${ idle.failed } failed), RSS ${ ( before.rss / 2 ** 20 ).toFixed( 1 ) } → ${ ( after.rss / 2 ** 20 ).toFixed( 1 ) } MB` );

		const pairs = await unit.driver.rpc.call( 'setupPairs', { count: CFG.pairs }, 60_000 );
		log( `${ v.label }: ${ pairs.pairs } pairs ready in ${ ( pairs.ms / 1000 ).toFixed( 1 ) } s` );
	} catch ( e ) {
		fail( unit, e );
	}
	return unit;
}

function fail( unit, e ) {
	unit.out.error = String( e?.message ?? e );
	log( `${ unit.v.label } FAILED: ${ unit.out.error }` );
}

/** Runs `phase` once per round for every unit still healthy, rotating the order. */
async function inRounds( units, name, phase ) {
	for ( let r = 0; r < CFG.rounds; r++ ) {
		const order = units.map( ( _, i ) => units[ ( i + r ) % units.length ] );
		for ( const unit of order ) {
			if ( unit.out.error ) continue;
			try {
				await phase( unit );
			} catch ( e ) {
				fail( unit, e );
			}
		}
		log( `${ name }: round ${ r + 1 }/${ CFG.rounds } done` );
	}
}

async function latencyRound( unit ) {
	const durationMs = CFG.latencyMs / CFG.rounds;
	const warmupMs = unit.out.latencyRounds.length ? CFG.warmupMs : CFG.firstWarmupMs;
	const r = await unit.driver.rpc.call( 'latency', { rate: CFG.rate, warmupMs, durationMs }, warmupMs + durationMs + 20_000 );
	unit.out.latencySamples.push( ...r.samples );
	delete r.samples;
	unit.out.latencyRounds.push( r );
}

async function throughputRound( unit ) {
	const durationMs = CFG.throughputMs / CFG.rounds;
	const warmupMs = unit.out.throughputRounds.length ? CFG.warmupMs : CFG.firstWarmupMs;
	const r = await unit.driver.rpc.call( 'throughput', { window: CFG.window, warmupMs, durationMs }, warmupMs + durationMs + 30_000 );
	unit.out.throughputRounds.push( r );
}

async function finish( unit ) {
	try {
		if ( ! unit.out.error ) unit.out.counters = await unit.driver.rpc.call( 'counters' );
	} catch {
		// reported through the rounds already
	}
	await unit.driver.stop();
	// Last started, first stopped: the nodes, then their engines.
	for ( const stop of unit.stops.reverse() ) await stop();
	if ( unit.dataDir ) {
		rmSync( unit.dataDir, { recursive: true, force: true } );
		tempDirs.delete( unit.dataDir );
	}
}

/* ------------------------------------------------------------------ */
/* Main                                                                 */
/* ------------------------------------------------------------------ */

async function main() {
	const t0 = Date.now();
	const load0 = os.loadavg();
	const major = Number( process.versions.node.split( '.' )[ 0 ] );
	console.log( `Consent Chat bench — node ${ process.version }${ major < 24 ? ' (WARNING: the project runs on Node 24; use `npm run bench`)' : '' }, ${ os.cpus().length } CPUs, 127.0.0.1 only` );
	console.log(
		`throughput: ${ CFG.pairs } visitor→agent pairs, ≤ ${ CFG.window } in flight each, ${ CFG.throughputMs / 1000 } s; ` +
			`latency: ${ CFG.rate } msgs/s for ${ CFG.latencyMs / 1000 } s, ${ CFG.idle } idle connections open; ` +
			`${ CFG.rounds } rounds per variant, alternating`
	);
	console.log( `machine load at start (1/5/15-min load average): ${ load0.map( ( x ) => x.toFixed( 2 ) ).join( ' ' ) }` );

	if ( ! args[ 'no-build' ] ) {
		process.stderr.write( 'building the service (tsc -p server/tsconfig.build.json)…\n' );
		execFileSync( process.execPath, [ join( ROOT, 'node_modules/typescript/bin/tsc' ), '-p', 'server/tsconfig.build.json' ], { cwd: ROOT, stdio: 'inherit' } );
	}

	const disk = [ probeFsync( os.tmpdir() ) ];
	const only = typeof args.only === 'string' ? args.only.split( ',' ) : null;
	const units = [];
	for ( const v of VARIANTS ) {
		if ( only && ! only.includes( v.key ) ) continue;
		units.push( await prepare( v ) );
	}
	try {
		await inRounds( units, 'latency', latencyRound );
		await inRounds( units, 'throughput', throughputRound );
	} finally {
		for ( const unit of units ) await finish( unit );
	}
	disk.push( probeFsync( os.tmpdir() ) );
	const results = VARIANTS.map(
		( v ) => units.find( ( u ) => u.v === v )?.out ?? { variant: v.key, error: 'skipped (--only)' }
	).map( summarise );
	report( results, { variants: VARIANTS, rate: CFG.rate, idle: CFG.idle, load0, load1: os.loadavg(), totalMs: Date.now() - t0, disk } );
	// The assistant's line: in a process of its own, after the relay's have stopped.
	if ( ! args[ 'no-assistant' ] ) execFileSync( process.execPath, [ join( HERE, 'assistant.mjs' ), '--no-build' ], { cwd: ROOT, stdio: 'inherit' } );
}

main().then(
	() => {
		cleanup();
		process.exit( 0 );
	},
	( e ) => {
		process.stderr.write( `bench: ${ e?.stack ?? e }\n` );
		cleanup();
		process.exit( 1 );
	}
);
