/**
 * Our service, from the BUILT code (build/server), in a process of its own so
 * that its CPU time and RSS can be measured apart from the load generator.
 * Runs as a child of run.mjs; driven over IPC (start, stats, stop).
 *
 * Everything the bench needs the service to be configured for is in
 * BENCH_SERVICE_KNOBS below, and nowhere else.
 *
 * With `databaseUrl` the store is PostgreSQL; with `redisUrl` as well, this
 * process is one node of a cluster (run.mjs --cluster starts two).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createRpc, exitWithParent, selfStats } from './ipc.mjs';

const require = createRequire( import.meta.url );
const BUILD = fileURLToPath( new URL( '../../build/server', import.meta.url ) );

/**
 * The service settings the bench depends on (merged into the service config).
 * Anything here that the service's config schema does not know is dropped by
 * parseConfig; start() reports that as `ignoredKnobs` so the bench says so.
 */
export const BENCH_SERVICE_KNOBS = {
	limits: {
		// Per-connection frame rate (default 10/s, burst 30): the relay
		// throughput phase sends hundreds of frames per second per socket.
		framesPerSecond: 1_000_000,
		burst: 1_000_000,
		// Open connections per IP (default 50): every bench socket comes from
		// 127.0.0.1 — 10,000 idle visitors + 50 pairs.
		connectionsPerIp: 20_000,
	},
	// The 10k-socket ping sweep (default every 30 s) would land at a random
	// moment in the measured windows; keep it out of them.
	heartbeatSeconds: 3600,
	logLevel: 'silent',
};

/** Site settings (not service knobs): what the driver's tokens and origin match. */
function siteConfig( { siteId, secret, origin, mode } ) {
	return {
		id: siteId,
		secret,
		origins: [ origin ],
		defaultMode: mode,
		visitorChoosesMode: false,
		inactivityMinutes: 60,
		retentionDays: 30,
	};
}

/** Paths of `knobs` whose value did not arrive in `parsed` unchanged. */
function ignoredKnobs( knobs, parsed, prefix = '' ) {
	const out = [];
	for ( const [ k, want ] of Object.entries( knobs ) ) {
		const got = parsed?.[ k ];
		if ( want && typeof want === 'object' ) out.push( ...ignoredKnobs( want, got, `${ prefix }${ k }.` ) );
		else if ( got !== want ) out.push( `${ prefix }${ k }` );
	}
	return out;
}

exitWithParent();

let service = null;

const sleep = ( ms ) => new Promise( ( r ) => setTimeout( r, ms ) );

/**
 * A node of a cluster that does not own the site learns its owner from the
 * owner's next announcement on the bus (once a second); until then it closes
 * the site's connections ("no node serves this site at the moment"). A
 * count answered for the site means it is served: here, or through the bus.
 */
async function untilSiteServed( siteId, maxMs = 15_000 ) {
	const until = performance.now() + maxMs;
	for ( ;; ) {
		try {
			await service.rooms.counts( siteId );
			return;
		} catch ( e ) {
			if ( performance.now() > until ) throw new Error( `site ${ siteId } not served by any node within ${ maxMs } ms: ${ e?.message ?? e }` );
			await sleep( 50 );
		}
	}
}

createRpc( process, {
	/**
	 * serverDir: another build of the service (run.mjs --compare); by default build/server.
	 * databaseUrl: PostgreSQL instead of SQLite; with redisUrl, a node of a cluster.
	 * logLevel: the service's log, to stderr (run.mjs --service-log); silent by default.
	 */
	async start( { siteId, secret, origin, mode, dataDir, serverDir = BUILD, databaseUrl, redisUrl, logLevel = 'silent' } ) {
		const { startService } = require( join( serverDir, 'service.js' ) );
		const { parseConfig } = require( join( serverDir, 'config.js' ) );
		const { createLogger } = require( join( serverDir, 'log.js' ) );
		const config = parseConfig( {
			...BENCH_SERVICE_KNOBS,
			host: '127.0.0.1',
			port: 0,
			dataDir,
			...( databaseUrl ? { databaseUrl } : {} ),
			...( redisUrl ? { redisUrl } : {} ),
			sites: [ siteConfig( { siteId, secret, origin, mode } ) ],
		} );
		service = await startService( config, { log: createLogger( logLevel ) } );
		if ( redisUrl ) await untilSiteServed( siteId );
		return {
			port: service.port,
			ignoredKnobs: ignoredKnobs( BENCH_SERVICE_KNOBS, config ),
			// In a cluster: whether this node serves the site itself (its owner), or forwards to the owner.
			ownsSite: redisUrl ? service.rooms.ownedSites().has( siteId ) : true,
		};
	},
	stats: ( args ) => selfStats( args ),
	async stop() {
		// Graceful close flushes the store; bounded so a stuck flush cannot hang the bench.
		await Promise.race( [ service?.close(), new Promise( ( r ) => setTimeout( r, 5000 ).unref() ) ] );
		setTimeout( () => process.exit( 0 ), 50 ).unref();
		return {};
	},
}, 'service' );
