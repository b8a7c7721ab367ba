/**
 * Debian's nginx (installed by scripts/ensure-system-deps.sh) running
 * docs/deploy/nginx.conf itself, in a temporary folder on a free 127.0.0.1
 * port: the test proves the file a site owner copies, not a look-alike
 * (scripts/nginx-site.cjs fills in its port, certificate and upstreams). By
 * default over TLS with a throw-away certificate; in front of one node or
 * several (tests/helpers/cluster.ts).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NGINX_CONF as DOCS_CONF, writeNginxConfig } from '../../scripts/nginx-site.cjs';

export const NGINX_CONF: string = DOCS_CONF;

export interface RunningNginx {
	port: number;
	/** `https` (the default) or `http`. */
	scheme: 'http' | 'https';
	/** With TLS, the self-signed certificate (CN and IP SAN 127.0.0.1), to trust as a CA. */
	ca?: Buffer;
	/** nginx's error log so far (for a failing test's message). */
	errors(): string;
	/** Stops nginx (master and workers) and deletes its folder. Safe to call twice. */
	stop(): Promise< void >;
}

export function freePort(): Promise< number > {
	return new Promise( ( resolvePort, reject ) => {
		const s = createServer();
		s.once( 'error', reject );
		s.listen( 0, '127.0.0.1', () => {
			const { port } = s.address() as { port: number };
			s.close( () => resolvePort( port ) );
		} );
	} );
}

function listening( port: number ): Promise< boolean > {
	return new Promise( ( resolveUp ) => {
		const s = connect( port, '127.0.0.1' );
		s.once( 'connect', () => {
			s.destroy();
			resolveUp( true );
		} );
		s.once( 'error', () => resolveUp( false ) );
	} );
}

/** The nginx master's children (its workers), from Linux's /proc. */
function workersOf( pid: number ): number[] {
	try {
		return readFileSync( `/proc/${ pid }/task/${ pid }/children`, 'utf8' ).trim().split( /\s+/ ).filter( Boolean ).map( Number );
	} catch {
		return [];
	}
}

/**
 * nginx in front of the service(s) on 127.0.0.1 at `upstreams` (one port or
 * one per node). `tls: false` serves plain http.
 */
export async function startNginx( upstreams: number | number[], { tls = true }: { tls?: boolean } = {} ): Promise< RunningNginx > {
	const dir = mkdtempSync( join( tmpdir(), 'cc-nginx-' ) );
	const cert = join( dir, 'cert.pem' );
	const key = join( dir, 'key.pem' );
	if ( tls ) {
		// A certificate for 127.0.0.1 (Node checks the IP against subjectAltName),
		// valid for a day, so clients verify it as their one CA instead of
		// switching verification off.
		execFileSync( 'openssl', [
			'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
			'-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert,
		], { stdio: 'ignore' } );
	}
	const port = await freePort();
	const { bin, args, errorLog } = writeNginxConfig( dir, {
		port,
		upstreams: Array.isArray( upstreams ) ? upstreams : [ upstreams ],
		tls: tls ? { cert, key } : undefined,
	} );

	let output = '';
	// In the test's process group, so a Ctrl-C of the test run stops it too.
	const child: ChildProcess = spawn( bin, args, { stdio: [ 'ignore', 'pipe', 'pipe' ] } );
	child.stdout!.on( 'data', ( c: Buffer ) => ( output += c.toString() ) );
	child.stderr!.on( 'data', ( c: Buffer ) => ( output += c.toString() ) );
	const exited = new Promise< void >( ( r ) => child.once( 'exit', () => r() ) );
	const errors = (): string => {
		const log = existsSync( errorLog ) ? readFileSync( errorLog, 'utf8' ) : '';
		return output + log;
	};

	let stopped = false;
	const stop = async (): Promise< void > => {
		if ( stopped ) return;
		stopped = true;
		if ( child.exitCode === null && child.signalCode === null ) {
			child.kill( 'SIGTERM' ); // fast shutdown: the master ends its workers
			const timer = new Promise< 'late' >( ( r ) => setTimeout( r, 5000, 'late' ).unref() );
			if ( ( await Promise.race( [ exited, timer ] ) ) === 'late' ) {
				// A killed master leaves its workers running: end them by id too.
				for ( const pid of [ ...workersOf( child.pid! ), child.pid! ] ) {
					try {
						process.kill( pid, 'SIGKILL' );
					} catch {
						// already gone
					}
				}
				await exited;
			}
		}
		rmSync( dir, { recursive: true, force: true } );
	};

	// Up within about 5 s, or the test learns why.
	for ( let i = 0; i < 100; i++ ) {
		if ( child.exitCode !== null ) break;
		if ( await listening( port ) ) return { port, scheme: tls ? 'https' : 'http', ca: tls ? readFileSync( cert ) : undefined, errors, stop };
		await new Promise( ( r ) => setTimeout( r, 50 ) );
	}
	const why = errors();
	await stop();
	throw new Error( `nginx did not start on 127.0.0.1:${ port }:\n${ why }` );
}
