/**
 * Our service, from the BUILT code (build/server), in a process of its own so
 * that its CPU time and RSS can be measured apart from the load generator.
 * Runs as a child of run.mjs; driven over IPC (start, stats, stop).
 *
 * Everything the bench needs the service to be configured for is in
 * BENCH_SERVICE_KNOBS below, and nowhere else.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
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

createRpc( process, {
	/** serverDir: another build of the service (run.mjs --compare); by default build/server. */
	async start( { siteId, secret, origin, mode, dataDir, serverDir = BUILD } ) {
		const { startService } = require( join( serverDir, 'service.js' ) );
		const { parseConfig } = require( join( serverDir, 'config.js' ) );
		const { createLogger } = require( join( serverDir, 'log.js' ) );
		const config = parseConfig( {
			...BENCH_SERVICE_KNOBS,
			host: '127.0.0.1',
			port: 0,
			dataDir,
			sites: [ siteConfig( { siteId, secret, origin, mode } ) ],
		} );
		service = await startService( config, { log: createLogger( 'silent' ) } );
		return { port: service.port, ignoredKnobs: ignoredKnobs( BENCH_SERVICE_KNOBS, config ), config };
	},
	stats: ( args ) => selfStats( args ),
	async stop() {
		// Graceful close flushes the store; bounded so a stuck flush cannot hang the bench.
		await Promise.race( [ service?.close(), new Promise( ( r ) => setTimeout( r, 5000 ).unref() ) ] );
		setTimeout( () => process.exit( 0 ), 50 ).unref();
		return {};
	},
}, 'service' );
