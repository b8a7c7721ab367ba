/**
 * Starts a fresh WordPress (new site folder) and the chat service on test
 * ports, and tells the tests where they are through the environment.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default async function globalSetup(): Promise< () => Promise< void > > {
	const { startStack } = await import( '../../scripts/stack.mjs' );
	const { buildIfNeeded } = await import( '../../scripts/build-if-needed.mjs' );
	buildIfNeeded();
	const dataDir = mkdtempSync( join( tmpdir(), 'cc-e2e-' ) );
	const verbose = process.env.VERBOSE === '1';
	const stack = await startStack( {
		dataDir,
		wpPort: Number( process.env.E2E_WP_PORT ?? 9410 ),
		servicePort: Number( process.env.E2E_CHAT_PORT ?? 8797 ),
		fresh: true,
		// Test-only must-use plugins (e.g. the strict-CSP switch ?csp=strict).
		extraMounts: [ { hostPath: join( __dirname, 'fixtures', 'mu-plugins' ), sitePath: 'wp-content/mu-plugins' } ],
		log: ( line: string ) => verbose && console.log( line ),
	} );
	process.env.CC_WP_URL = stack.wpUrl;
	process.env.CC_DEMO_URL = stack.demoUrl;
	process.env.CC_CONSOLE_URL = stack.consoleUrl;
	process.env.CC_SERVICE_URL = stack.service.url;
	// The shared secret lives there: tests sign `site` tokens for the service's admin API with it.
	process.env.CC_DATA_DIR = dataDir;
	// The WordPress this run tests, as the running site says it (its generator tag), not as a file
	// or a setting would have it: tests/e2e/metadata.spec.ts holds "Tested up to" against it.
	const home = await ( await fetch( `${ stack.wpUrl }/` ) ).text();
	const booted = home.match( /<meta name="generator" content="WordPress ([0-9.]+)"/ )?.[ 1 ];
	if ( booted ) process.env.CC_WP_VERSION = booted;
	console.log( `WordPress ${ booted ?? '(version not shown)' } at ${ stack.wpUrl }` );
	return async () => {
		await stack.stop();
		rmSync( dataDir, { recursive: true, force: true } );
	};
}
