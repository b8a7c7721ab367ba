/**
 * The companion service: one port, plain HTTP for the small API (`/health`)
 * and WebSocket upgrades on `/ws`. Created by `main.ts` and by the tests.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ServiceConfig, SiteConfig } from './config';
import { handleConnection } from './connection';
import { createLogger, type Logger } from './log';
import { CLOSE, LIMITS } from './protocol';
import { ChatRooms } from './rooms';
import { SqliteStore } from './store/sqlite-store';
import type { ChatStore } from './store/types';

export interface RunningService {
	port: number;
	url: string;
	rooms: ChatRooms;
	store: ChatStore;
	/** Graceful stop: refuse new connections, ask clients to reconnect, flush, close. */
	close(): Promise< void >;
}

const HEARTBEAT_MS = 30_000;

export async function startService(
	config: ServiceConfig,
	opts: { log?: Logger; store?: ChatStore } = {}
): Promise< RunningService > {
	const log = opts.log ?? createLogger( config.logLevel );
	const store = opts.store ?? new SqliteStore( join( config.dataDir, 'chats.sqlite' ) );
	const sites = new Map< string, SiteConfig >( config.sites.map( ( s ) => [ s.id, s ] ) );
	const allOrigins = new Set( config.sites.flatMap( ( s ) => s.origins ) );
	const rooms = new ChatRooms( store, log, ( site ) => sites.get( site )?.defaultMode ?? 'stored' );
	await rooms.recover();

	const http = createServer( ( req, res ) => route( req, res, rooms ) );
	const wss = new WebSocketServer( { noServer: true, maxPayload: LIMITS.maxFrameBytes } );
	const alive = new WeakMap< WebSocket, boolean >();

	http.on( 'upgrade', ( req, socket, head ) => {
		if ( new URL( req.url ?? '/', 'http://x' ).pathname !== '/ws' ) {
			socket.end( 'HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n' );
			return;
		}
		wss.handleUpgrade( req, socket, head, ( ws ) => {
			alive.set( ws, true );
			ws.on( 'pong', () => alive.set( ws, true ) );
			handleConnection( ws, req, { sites, allOrigins, rooms, log } );
		} );
	} );

	// Dead peers (a phone that lost its network) never send a close frame.
	const heartbeat = setInterval( () => {
		for ( const ws of wss.clients ) {
			if ( ! alive.get( ws ) ) {
				ws.terminate();
				continue;
			}
			alive.set( ws, false );
			ws.ping();
		}
	}, HEARTBEAT_MS );
	heartbeat.unref();

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
			clearInterval( heartbeat );
			http.close();
			for ( const ws of wss.clients ) ws.close( CLOSE.serviceRestart, 'service restarting' );
			await store.flush();
			store.close();
			wss.close();
			http.closeAllConnections();
			log.info( 'consent chat service stopped' );
		} )();
		return closing;
	};

	return { port, url: `http://${ config.host }:${ port }`, rooms, store, close };
}

function route( req: IncomingMessage, res: ServerResponse, rooms: ChatRooms ): void {
	const url = new URL( req.url ?? '/', 'http://x' );
	const json = ( status: number, body: unknown ): void => {
		res.writeHead( status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } );
		res.end( JSON.stringify( body ) );
	};
	if ( url.pathname === '/health' && ( req.method === 'GET' || req.method === 'HEAD' ) ) {
		json( 200, { status: 'ok', ...rooms.counts() } );
		return;
	}
	json( 404, { error: 'not_found', message: `no route ${ req.method } ${ url.pathname }` } );
}
