/** Starts the real service on a free loopback port with a temporary data folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type ServiceConfig, type ServiceConfigInput, type SiteConfigInput } from '../../server/config';
import { createLogger } from '../../server/log';
import { startService, type RunningService } from '../../server/service';
import { openStore } from '../../server/store/open';
import type { ChatStore } from '../../server/store/types';
import { signToken } from '../../server/tokens';
import type { ChatView, Role } from '../../server/protocol';
import { engineSettings } from './engine';
import { TestClient } from './ws-client';

export const ORIGIN = 'http://site.test';
export const SITE: SiteConfigInput = { id: 'test', secret: 't'.repeat( 48 ), origins: [ ORIGIN ], defaultMode: 'stored' };

export interface ExtraClaims {
	depts?: string[];
	maxChats?: number;
}

export interface TestService extends RunningService {
	config: ServiceConfig;
	wsUrl: string;
	token( role: Role | 'site', sub: string, name?: string, extra?: ExtraClaims ): string;
	/** Opens a connection and authenticates it; resolves after the welcome. */
	connect( role: Role, sub: string, name?: string, extra?: ExtraClaims ): Promise< TestClient >;
	/**
	 * An agent that is online and a visitor whose chat (started with `text`,
	 * clientId `s`) the service has routed to it: resolves once the agent has joined.
	 */
	chatWithAgent( opts?: { text?: string; agent?: string; visitor?: string } ): Promise< {
		agent: TestClient;
		visitor: TestClient;
		chat: ChatView;
		code: string;
	} >;
	/** JSON over HTTP to the service, with an optional bearer token. */
	http( method: string, path: string, body?: unknown, token?: string ): Promise< { status: number; body: any } >;
	stop(): Promise< void >;
}

export async function startTestService(
	overrides: Partial< SiteConfigInput > = {},
	opts: {
		dataDir?: string;
		service?: Partial< ServiceConfigInput >;
		now?: () => number;
		/** Wraps the service's own store (a test counts its reads or makes a write fail). */
		wrapStore?: ( store: ChatStore ) => ChatStore;
	} = {}
): Promise< TestService > {
	const dataDir = opts.dataDir;
	const dir = dataDir ?? mkdtempSync( join( tmpdir(), 'cc-test-' ) );
	const config = parseConfig( {
		port: 0,
		dataDir: dir,
		logLevel: 'silent',
		...( await engineSettings() ),
		...opts.service,
		sites: [ { ...SITE, ...overrides } ],
	} );
	const log = createLogger( 'silent' );
	const store = opts.wrapStore?.( await openStore( config, log ) );
	const service = await startService( config, { log, now: opts.now, store } );
	const wsUrl = `ws://127.0.0.1:${ service.port }/ws`;
	const site = config.sites[ 0 ];
	const token = ( role: Role | 'site', sub: string, name?: string, extra: ExtraClaims = {} ) =>
		signToken( site, { role, sub, name, ...extra } );
	const connect = async ( role: Role, sub: string, name?: string, extra?: ExtraClaims ): Promise< TestClient > => {
		const client = await TestClient.open( wsUrl, ORIGIN );
		client.send( { type: 'hello', token: token( role, sub, name, extra ) } );
		await client.next( 'welcome' );
		return client;
	};
	return {
		...service,
		config,
		wsUrl,
		token,
		connect,
		async chatWithAgent( { text = 'hello', agent: agentSub = 'wp:1', visitor: visitorSub = 'v1' } = {} ) {
			const agent = await connect( 'agent', agentSub, 'Ann' );
			agent.send( { type: 'presence', online: true } );
			await agent.next( 'presence', ( p ) => p.online );
			const visitor = await connect( 'visitor', visitorSub );
			visitor.send( { type: 'start', clientId: 's', text } );
			const { chat, code } = await visitor.next( 'started' );
			await visitor.next( 'message', ( m ) => m.event === 'agent_joined' );
			return { agent, visitor, chat, code };
		},
		async http( method, path, body, bearer ) {
			const res = await fetch( `http://127.0.0.1:${ service.port }${ path }`, {
				method,
				headers: {
					...( body !== undefined ? { 'content-type': 'application/json' } : {} ),
					...( bearer ? { authorization: `Bearer ${ bearer }` } : {} ),
				},
				body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify( body ),
			} );
			return { status: res.status, body: await res.json().catch( () => null ) };
		},
		async stop() {
			await service.close();
			if ( ! dataDir ) rmSync( dir, { recursive: true, force: true } );
		},
	};
}
