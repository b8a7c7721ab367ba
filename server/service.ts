/**
 * The companion service: one port, plain HTTP for the small API (`/health`,
 * `/livez`, `/readyz`, …) and WebSocket upgrades on `/ws`. Created by
 * `main.ts` and by the tests.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ServiceConfig, SiteConfig } from './config';
import { ClientAddresses } from './client-address';
import { handleConnection } from './connection';
import { handleHttp, type NotReady } from './http-api';
import { MemoryAddressLimits, type AddressLimits } from './address-limits';
import { startCluster, type Cluster } from './cluster/start';
import type { FrontDoor } from './front-door';
import { createLogger, type Logger } from './log';
import { CLOSE, LIMITS } from './protocol';
import { Revocations } from './revocations';
import { ChatRooms } from './rooms';
import { SitePolicies } from './site-policy';
import { openAssistantStore, openPageViews, openPolicyStore, openStore } from './store/open';
import { SiteAssistants } from './assistant/site-assistants';
import type { ChatStore } from './store/types';
import { MAX_TOKEN_LIFETIME_S } from './tokens';

export interface RunningService {
	port: number;
	url: string;
	rooms: FrontDoor;
	store: ChatStore;
	/**
	 * Graceful stop (SIGTERM): not ready at once (/readyz 503, new sockets
	 * refused), clients asked to reconnect, then after `drainSeconds` the port
	 * closes, the store is flushed and closed.
	 */
	close(): Promise< void >;
}

export async function startService(
	config: ServiceConfig,
	opts: { log?: Logger; store?: ChatStore; /** Injectable clock for tests. */ now?: () => number } = {}
): Promise< RunningService > {
	const log = opts.log ?? createLogger( config.logLevel );
	const store = opts.store ?? ( await openStore( config, log ) );
	const sites = new Map< string, SiteConfig >( config.sites.map( ( s ) => [ s.id, s ] ) );
	const allOrigins = new Set( config.sites.flatMap( ( s ) => s.origins ) );
	const policies = new SitePolicies( await openPolicyStore( config, log ), sites, log );
	await policies.load();
	// What WordPress last sent for each site's assistant, in force before the first chat.
	const assistants = new SiteAssistants( await openAssistantStore( config, log ), new Set( sites.keys() ), log );
	await assistants.load();
	const presence = { graceMs: config.agentGraceSeconds * 1000 };
	const addressSettings = { maxConnections: config.limits.connectionsPerIp, maxFailures: config.limits.deleteAttemptsPerIp };
	// Several nodes (Redis and PostgreSQL configured): see cluster/start.ts. One node: every site served here.
	const cluster: Cluster | null = config.redisUrl ? await startCluster( config, { store, log, sites, policies, assistants, now: opts.now, presence, addressSettings } ) : null;
	let rooms: FrontDoor;
	let addressLimits: AddressLimits;
	if ( cluster ) {
		( { rooms, addressLimits } = cluster );
	} else {
		const single = new ChatRooms( store, log, sites, opts.now, presence, assistants );
		await single.recover();
		rooms = single;
		addressLimits = new MemoryAddressLimits( addressSettings );
	}
	// The one rule for "whose request is this", behind a proxy or not.
	const clients = new ClientAddresses( config.trustedProxies );
	const addressOf = ( req: IncomingMessage ): string => clients.of( req );

	const pageViews = await openPageViews( config, log );
	// Set by close(): from then on the service takes no new work, whatever the store says.
	let draining = false;
	const readiness = async (): Promise< NotReady | null > => {
		if ( draining ) return 'draining';
		try {
			await store.checkWritable();
		} catch ( e ) {
			// The details go to the log, not to a public endpoint (they may name files).
			log.error( { err: e }, 'store not writable' );
			return 'store';
		}
		return null;
	};
	// Agents whose access WordPress withdrew (POST /admin/agents/revoke): their older tokens are refused.
	const revocations = new Revocations( MAX_TOKEN_LIFETIME_S * 1000 );
	const http = createServer( ( req, res ) => void handleHttp( req, res, { sites, rooms, store, limits: addressLimits, addressOf, log, pageViews, policies, assistants, readiness, revocations } ) );
	const wss = new WebSocketServer( { noServer: true, maxPayload: LIMITS.maxFrameBytes } );
	const connectionContext = { sites, allOrigins, rooms, log, limits: config.limits, addressLimits, addressOf, revocations };
	// Pinged by the last heartbeat and not answered yet. A socket is in here
	// only between a ping and its pong, so an idle connection costs nothing.
	const awaitingPong = new WeakSet< WebSocket >();
	function onPong( this: WebSocket ): void {
		awaitingPong.delete( this );
	}

	http.on( 'upgrade', ( req, socket, head ) => {
		if ( new URL( req.url ?? '/', 'http://x' ).pathname !== '/ws' ) {
			socket.end( 'HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n' );
			return;
		}
		if ( draining ) {
			// A client told to reconnect lands here until the port closes; behind a
			// load balancer its retry goes to another node.
			socket.end( 'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\n\r\n' );
			return;
		}
		wss.handleUpgrade( req, socket, head, ( ws ) => {
			ws.on( 'pong', onPong );
			handleConnection( ws, req, connectionContext );
		} );
	} );

	// Dead peers (a phone that lost its network) never send a close frame.
	const heartbeat = setInterval( () => {
		for ( const ws of wss.clients ) {
			if ( awaitingPong.has( ws ) ) {
				ws.terminate();
				continue;
			}
			awaitingPong.add( ws );
			ws.ping();
		}
	}, config.heartbeatSeconds * 1000 );
	heartbeat.unref();

	// Inactive chats are checked often enough for the shortest site timeout;
	// retention runs on its own period (and on demand through /admin/purge).
	const shortestTimeoutMs = Math.min( ...config.sites.map( ( s ) => s.inactivityMinutes * 60_000 ) );
	const sweep = setInterval( () => {
		rooms.sweepInactive().catch( ( e ) => log.error( { err: e }, 'inactivity sweep failed' ) );
	}, Math.max( 50, Math.min( 60_000, shortestTimeoutMs / 4 ) ) );
	sweep.unref();
	const retention = setInterval( () => {
		rooms.purgeExpired().catch( ( e ) => log.error( { err: e }, 'retention run failed' ) );
	}, config.retentionIntervalMinutes * 60_000 );
	retention.unref();
	void rooms.purgeExpired().catch( ( e ) => log.error( { err: e }, 'retention run failed' ) );

	// The log's only word on chats: one line per hour, on the hour, with how many
	// started and ended in the hour just past. Never a line per chat, at any level:
	// a chat id would outlive the chat's deletion, and pino's per-line `time` would
	// give the chat's start or end to the millisecond, where the service keeps
	// hourly counts only. This line's own time is the clock's hour, no chat's.
	let activityTimer: NodeJS.Timeout | undefined;
	const armActivity = (): void => {
		const now = Date.now();
		const nextHour = Math.floor( now / 3_600_000 ) * 3_600_000 + 3_600_000;
		activityTimer = setTimeout( () => {
			const { started, ended } = rooms.takeActivity();
			if ( started + ended > 0 ) {
				log.info( { hour: new Date( nextHour - 3_600_000 ).toISOString(), chatsStarted: started, chatsEnded: ended }, 'chats in the past hour' );
			}
			armActivity();
		}, nextHour - now );
		activityTimer.unref();
	};
	armActivity();

	await new Promise< void >( ( resolve, reject ) => {
		http.once( 'error', reject );
		http.listen( config.port, config.host, () => resolve() );
	} );
	const address = http.address();
	const port = typeof address === 'object' && address ? address.port : config.port;
	log.info( { port }, 'consent chat service listening' );

	let closing: Promise< void > | null = null;
	const close = (): Promise< void > => {
		closing ??= ( async () => {
			draining = true;
			clearInterval( heartbeat );
			clearInterval( sweep );
			clearInterval( retention );
			clearTimeout( activityTimer );
			// Several nodes: the sites go to the others first, so that the clients told to reconnect find them served there.
			await cluster?.release();
			for ( const ws of wss.clients ) ws.close( CLOSE.serviceRestart, 'service restarting' );
			if ( config.drainSeconds > 0 ) {
				// The port stays open, answering /readyz with 503, so that a load
				// balancer polling it takes this node out before connections are refused.
				log.info( { drainSeconds: config.drainSeconds }, 'draining' );
				await new Promise( ( r ) => setTimeout( r, config.drainSeconds * 1000 ) );
			}
			http.close();
			// A store that fails now must not keep the port and sockets open: close
			// everything, then report it (main.ts exits 1, so the supervisor sees it).
			await addressLimits.close();
			await cluster?.close();
			let flushError: unknown = null;
			await store.flush().catch( ( e: unknown ) => ( flushError = e ) );
			await store.close().catch( ( e: unknown ) => ( flushError ??= e ) );
			await pageViews.close();
			await policies.close();
			await assistants.close();
			wss.close();
			http.closeAllConnections();
			if ( flushError !== null ) {
				log.error( { err: flushError }, 'store not flushed at shutdown' );
				throw flushError;
			}
			log.info( 'consent chat service stopped' );
		} )();
		return closing;
	};

	return { port, url: `http://${ config.host }:${ port }`, rooms, store, close };
}
