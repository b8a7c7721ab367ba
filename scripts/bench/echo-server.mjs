/**
 * The baseline: the least a WebSocket relay can do with the same library and
 * the same server setup as the service (an HTTP server on 127.0.0.1 handing
 * upgrades to a `ws` server, same maxPayload, no compression). Two sockets
 * that connect to /pair/<id> are linked, and every text frame one sends is
 * forwarded to the other. /idle sockets are just held open. No parsing, no
 * auth, no acknowledgement, no storage.
 *
 * Runs as a child of run.mjs; driven over IPC (start, stats, stop).
 */
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { createRpc, exitWithParent, selfStats } from './ipc.mjs';

const MAX_FRAME_BYTES = 16 * 1024; // the service's LIMITS.maxFrameBytes

exitWithParent();

let http = null;
let wss = null;

createRpc( process, {
	async start() {
		http = createServer( ( _req, res ) => res.writeHead( 404 ).end() );
		wss = new WebSocketServer( { noServer: true, maxPayload: MAX_FRAME_BYTES } );
		const waiting = new Map(); // pair id → first socket
		http.on( 'upgrade', ( req, socket, head ) => {
			const path = new URL( req.url ?? '/', 'http://x' ).pathname;
			const pair = /^\/pair\/([A-Za-z0-9_-]{1,64})$/.exec( path )?.[ 1 ];
			if ( path !== '/idle' && ! pair ) {
				socket.end( 'HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n' );
				return;
			}
			wss.handleUpgrade( req, socket, head, ( ws ) => {
				ws.on( 'error', () => {} );
				if ( ! pair ) return;
				const other = waiting.get( pair );
				if ( ! other ) {
					waiting.set( pair, ws );
					ws.once( 'close', () => waiting.get( pair ) === ws && waiting.delete( pair ) );
					return;
				}
				waiting.delete( pair );
				const link = ( from, to ) =>
					from.on( 'message', ( data, isBinary ) => {
						if ( to.readyState === to.OPEN ) to.send( data, { binary: isBinary } );
					} );
				link( ws, other );
				link( other, ws );
				// Tell both ends they are linked, so the driver knows when to start.
				other.send( 'paired' );
				ws.send( 'paired' );
			} );
		} );
		await new Promise( ( resolve, reject ) => {
			http.once( 'error', reject );
			http.listen( 0, '127.0.0.1', resolve );
		} );
		return { port: http.address().port };
	},
	stats: ( args ) => ( { ...selfStats( args ), connections: wss?.clients.size ?? 0 } ),
	async stop() {
		for ( const ws of wss?.clients ?? [] ) ws.terminate();
		wss?.close();
		http?.closeAllConnections();
		http?.close();
		setTimeout( () => process.exit( 0 ), 50 ).unref();
		return {};
	},
}, 'echo-server' );
