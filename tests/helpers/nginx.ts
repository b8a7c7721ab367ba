/**
 * Debian's nginx (installed by scripts/ensure-system-deps.sh) running
 * docs/deploy/nginx.conf itself, in a temporary folder on a free 127.0.0.1
 * port with a throw-away certificate: the test proves the file a site owner
 * copies, not a look-alike. Only the lines that name a real machine's port,
 * certificate and upstream are replaced, each of which must be found exactly
 * once, so an edit of the docs file that the test no longer understands fails
 * loudly instead of testing something else.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';

export const NGINX_CONF = resolve( __dirname, '../../docs/deploy/nginx.conf' );

export interface RunningNginx {
	port: number;
	/** The self-signed certificate (CN and IP SAN 127.0.0.1), to trust as a CA. */
	ca: Buffer;
	/** nginx's error log so far (for a failing test's message). */
	errors(): string;
	/** Stops nginx (master and workers) and deletes its folder. Safe to call twice. */
	stop(): Promise< void >;
}

function nginxBinary(): string {
	for ( const p of [ '/usr/sbin/nginx', '/usr/bin/nginx' ] ) if ( existsSync( p ) ) return p;
	throw new Error( 'nginx is not installed: run scripts/ensure-system-deps.sh (npm test does)' );
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

/** Replaces `from` in `text`, which must occur exactly once. */
function fill( text: string, from: string, to: string ): string {
	const n = text.split( from ).length - 1;
	if ( n !== 1 ) throw new Error( `docs/deploy/nginx.conf: expected "${ from }" once, found it ${ n } times` );
	return text.replace( from, to );
}

/** docs/deploy/nginx.conf with this test's port, certificate and upstream. */
export function siteConfig( port: number, upstreamPort: number, cert: string, key: string ): string {
	let conf = readFileSync( NGINX_CONF, 'utf8' );
	conf = fill( conf, 'listen 443 ssl;', `listen 127.0.0.1:${ port } ssl;` );
	conf = fill( conf, 'listen [::]:443 ssl;', '' );
	conf = fill( conf, 'server 127.0.0.1:8787;', `server 127.0.0.1:${ upstreamPort };` );
	conf = fill( conf, '/etc/letsencrypt/live/chat.example.com/fullchain.pem', cert );
	conf = fill( conf, '/etc/letsencrypt/live/chat.example.com/privkey.pem', key );
	return conf;
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

export async function startNginx( upstreamPort: number ): Promise< RunningNginx > {
	const bin = nginxBinary();
	const dir = mkdtempSync( join( tmpdir(), 'cc-nginx-' ) );
	const cert = join( dir, 'cert.pem' );
	const key = join( dir, 'key.pem' );
	// A certificate for 127.0.0.1 (Node checks the IP against subjectAltName),
	// valid for a day, so clients verify it as their one CA instead of
	// switching verification off.
	execFileSync( 'openssl', [
		'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
		'-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert,
	], { stdio: 'ignore' } );
	const port = await freePort();
	writeFileSync( join( dir, 'site.conf' ), siteConfig( port, upstreamPort, cert, key ) );
	// The main file is what Debian's /etc/nginx/nginx.conf gives a site file:
	// an http block (plus temp folders inside this folder, not /var/lib/nginx).
	// Workers run as the user running the test, so they can use those folders.
	mkdirSync( join( dir, 'tmp' ) );
	const user = userInfo().username;
	writeFileSync(
		join( dir, 'nginx.conf' ),
		[
			userInfo().uid === 0 ? `user ${ user };` : '',
			'worker_processes 1;',
			`error_log ${ join( dir, 'error.log' ) } warn;`,
			// Two sockets per proxied connection; the tests hold about 130 at once.
			'events { worker_connections 1024; }',
			'http {',
			...[ 'client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi' ].map( ( t ) => `  ${ t }_temp_path ${ join( dir, 'tmp', t ) };` ),
			`  include ${ join( dir, 'site.conf' ) };`,
			'}',
		].join( '\n' )
	);

	let output = '';
	// In the test's process group, so a Ctrl-C of the test run stops it too.
	const child: ChildProcess = spawn(
		bin,
		[ '-p', dir, '-e', join( dir, 'error.log' ), '-c', join( dir, 'nginx.conf' ), '-g', `daemon off; pid ${ join( dir, 'nginx.pid' ) };` ],
		{ stdio: [ 'ignore', 'pipe', 'pipe' ] }
	);
	child.stdout!.on( 'data', ( c: Buffer ) => ( output += c.toString() ) );
	child.stderr!.on( 'data', ( c: Buffer ) => ( output += c.toString() ) );
	const exited = new Promise< void >( ( r ) => child.once( 'exit', () => r() ) );
	const errors = (): string => {
		const log = existsSync( join( dir, 'error.log' ) ) ? readFileSync( join( dir, 'error.log' ), 'utf8' ) : '';
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
		if ( await listening( port ) ) return { port, ca: readFileSync( cert ), errors, stop };
		await new Promise( ( r ) => setTimeout( r, 50 ) );
	}
	const why = errors();
	await stop();
	throw new Error( `nginx did not start on 127.0.0.1:${ port }:\n${ why }` );
}
