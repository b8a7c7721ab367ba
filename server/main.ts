/**
 * Entry point: `node build/server/main.js`. Configuration comes from the
 * environment (see config.ts). SIGTERM/SIGINT stop gracefully.
 */
import { ConfigError, configFromEnv } from './config';
import { startService } from './service';

async function main(): Promise< void > {
	let config;
	try {
		config = configFromEnv();
	} catch ( e ) {
		if ( e instanceof ConfigError ) {
			process.stderr.write( `consent-chat: ${ e.message }\n` );
			process.exit( 2 );
		}
		throw e;
	}
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
