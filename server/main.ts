#!/usr/bin/env node
/**
 * Entry point: the `consent-chat-service` command of the service's package,
 * and `node build/server/main.js` in a checkout. Arguments are read by cli.ts,
 * configuration by config.ts (environment or JSON file). SIGTERM/SIGINT drain
 * and stop gracefully (service.ts close()).
 */
import { configFromEnv, ConfigError, type ServiceConfig } from './config';
import { configSummary, HELP, nodeTooOld, packageVersion, parseCommandLine } from './cli';

/** Exit code for a bad argument or an invalid configuration (as before the command line existed). */
const EXIT_CONFIG = 2;

function loadConfig( configFile: string | undefined ): ServiceConfig {
	try {
		return configFromEnv( configFile ? { ...process.env, CONSENT_CHAT_CONFIG: configFile } : process.env );
	} catch ( e ) {
		if ( e instanceof ConfigError ) {
			process.stderr.write( `consent-chat: ${ e.message }\n` );
			process.exit( EXIT_CONFIG );
		}
		throw e;
	}
}

/** Running or checking on a Node the store's binary cannot load would end in a crash with no word. */
function refuseOldNode(): void {
	const problem = nodeTooOld();
	if ( problem ) {
		process.stderr.write( `consent-chat: ${ problem }\n` );
		process.exit( EXIT_CONFIG );
	}
}

async function main(): Promise< void > {
	const command = parseCommandLine( process.argv.slice( 2 ) );
	switch ( command.kind ) {
		case 'help':
			process.stdout.write( HELP );
			return;
		case 'version':
			process.stdout.write( `${ packageVersion() }\n` );
			return;
		case 'usage-error':
			process.stderr.write( `consent-chat: ${ command.message }\n\n${ HELP }` );
			process.exit( EXIT_CONFIG );
			return;
		case 'check-config':
			refuseOldNode();
			process.stdout.write( configSummary( loadConfig( command.configFile ) ) );
			return;
		case 'run':
			break;
	}
	refuseOldNode();
	const config = loadConfig( command.configFile );
	// Loaded only now: on a Node that is too old, better-sqlite3's binary crashes the process
	// (a segmentation fault with no message) the moment it is required.
	const { startService } = await import( './service' );
	const service = await startService( config );
	const stop = (): void => {
		service.close().then(
			() => process.exit( 0 ),
			() => process.exit( 1 )
		);
	};
	process.once( 'SIGTERM', stop );
	process.once( 'SIGINT', stop );
}

main().catch( ( e: unknown ) => {
	process.stderr.write( `consent-chat: failed to start: ${ ( e as Error ).stack ?? String( e ) }\n` );
	process.exit( 1 );
} );
