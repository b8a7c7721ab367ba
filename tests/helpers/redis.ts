/**
 * Debian's redis-server (installed by scripts/ensure-system-deps.sh) as a
 * throw-away instance in a temporary folder on a free 127.0.0.1 port. By
 * default with both kinds of persistence on (RDB snapshots and an
 * append-only file), as production Redis often runs, so a privacy test can
 * read what would have reached the disk. It can be killed and started again
 * on the same folder, like a crash and a restart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAll } from './disk';
import { freePort } from './nginx';

export interface RunningRedis {
	url: string;
	port: number;
	dir: string;
	/** Every file Redis wrote (dump.rdb, the AOF folder), concatenated: for greps. */
	files(): string;
	/** SIGKILL: no save, no goodbye. */
	kill(): Promise< void >;
	/** Starts it again on the same port and folder (after kill). */
	start(): Promise< void >;
	/** Stops it and deletes its folder. Safe to call twice. */
	stop(): Promise< void >;
}

const BINARY = '/usr/bin/redis-server';

function answers( port: number ): Promise< boolean > {
	return new Promise( ( resolve ) => {
		const s = connect( port, '127.0.0.1' );
		s.once( 'connect', () => s.write( 'PING\r\n' ) );
		s.once( 'data', ( d ) => {
			s.destroy();
			resolve( d.toString().startsWith( '+PONG' ) );
		} );
		s.once( 'error', () => resolve( false ) );
	} );
}

export async function startRedis( o: { persistence?: boolean } = {} ): Promise< RunningRedis > {
	if ( ! existsSync( BINARY ) ) throw new Error( 'redis-server is not installed: run scripts/ensure-system-deps.sh (npm test does)' );
	const persistence = o.persistence ?? true;
	const dir = mkdtempSync( join( tmpdir(), 'cc-redis-' ) );
	const port = await freePort();
	let proc: ChildProcess | null = null;
	let log = '';

	const start = async (): Promise< void > => {
		const args = [ '--port', String( port ), '--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'no', '--protected-mode', 'yes' ];
		// Snapshot after any write within a second; AOF with fsync on every write: whatever is in a key reaches the disk.
		args.push( ...( persistence ? [ '--save', '1 1', '--appendonly', 'yes', '--appendfsync', 'always' ] : [ '--save', '', '--appendonly', 'no' ] ) );
		const child = spawn( BINARY, args, { stdio: [ 'ignore', 'pipe', 'pipe' ] } );
		child.stdout?.on( 'data', ( d ) => ( log += d ) );
		child.stderr?.on( 'data', ( d ) => ( log += d ) );
		proc = child;
		const until = Date.now() + 10_000;
		// Redis has no readiness signal on a pipe we can await; it answers PING once it listens.
		while ( ! ( await answers( port ) ) ) {
			if ( child.exitCode !== null ) throw new Error( `redis-server exited (${ child.exitCode }): ${ log.slice( -2000 ) }` );
			if ( Date.now() > until ) throw new Error( `redis-server did not answer on ${ port }: ${ log.slice( -2000 ) }` );
			await new Promise( ( r ) => setTimeout( r, 20 ) );
		}
	};

	const kill = async (): Promise< void > => {
		const child = proc;
		proc = null;
		if ( ! child || child.exitCode !== null ) return;
		await new Promise< void >( ( resolve ) => {
			child.once( 'exit', () => resolve() );
			child.kill( 'SIGKILL' );
		} );
	};

	await start();
	return {
		url: `redis://127.0.0.1:${ port }`,
		port,
		dir,
		files: () => readAll( dir ),
		kill,
		start,
		async stop() {
			await kill();
			rmSync( dir, { recursive: true, force: true } );
		},
	};
}
