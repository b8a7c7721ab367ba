/** Starts the real service on a free loopback port with a temporary data folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type ServiceConfig, type SiteConfig } from '../../server/config';
import { createLogger } from '../../server/log';
import { startService, type RunningService } from '../../server/service';
import { signToken } from '../../server/tokens';
import type { Role } from '../../server/protocol';
import { TestClient } from './ws-client';

export const ORIGIN = 'http://site.test';
export const SITE: SiteConfig = { id: 'test', secret: 't'.repeat( 48 ), origins: [ ORIGIN ], defaultMode: 'stored' };

export interface TestService extends RunningService {
	config: ServiceConfig;
	wsUrl: string;
	token( role: Role, sub: string, name?: string ): string;
	/** Opens a connection and authenticates it; resolves after the welcome. */
	connect( role: Role, sub: string, name?: string ): Promise< TestClient >;
	stop(): Promise< void >;
}

export async function startTestService( overrides: Partial< SiteConfig > = {}, dataDir?: string ): Promise< TestService > {
	const dir = dataDir ?? mkdtempSync( join( tmpdir(), 'cc-test-' ) );
	const config = parseConfig( { port: 0, dataDir: dir, logLevel: 'silent', sites: [ { ...SITE, ...overrides } ] } );
	const service = await startService( config, { log: createLogger( 'silent' ) } );
	const wsUrl = `ws://127.0.0.1:${ service.port }/ws`;
	const site = config.sites[ 0 ];
	const token = ( role: Role, sub: string, name?: string ) => signToken( site, { role, sub, name } );
	return {
		...service,
		config,
		wsUrl,
		token,
		async connect( role, sub, name ) {
			const client = await TestClient.open( wsUrl, ORIGIN );
			client.send( { type: 'hello', token: token( role, sub, name ) } );
			await client.next( 'welcome' );
			return client;
		},
		async stop() {
			await service.close();
			if ( ! dataDir ) rmSync( dir, { recursive: true, force: true } );
		},
	};
}
