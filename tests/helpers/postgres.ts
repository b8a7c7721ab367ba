/**
 * A throw-away PostgreSQL 15 (Debian's, installed by
 * scripts/ensure-system-deps.sh) in a temporary folder on a free 127.0.0.1
 * port: initdb with trust authentication for the superuser `app`, then
 * pg_ctl. PostgreSQL refuses to run as root, so under root every command
 * runs as the unprivileged `postgres` user the package created (runuser),
 * in a folder handed to it; as anyone else, as that user.
 *
 * stop(), kill() and start() act on the same folder and port, so a test can
 * take the server away (kill: `pg_ctl stop -m immediate`, a crash: the next
 * start runs crash recovery) and bring it back under a client that stays.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './nginx';

export const PG_BIN = '/usr/lib/postgresql/15/bin';
const SUPERUSER = 'app';

export interface TestPostgres {
	/** The `postgres` database's URL (the superuser, no password). */
	url: string;
	port: number;
	/** The data folder (base/, pg_wal/). */
	dataDir: string;
	/** Creates an empty database and returns its URL. */
	createDatabase(): string;
	/** Runs SQL with psql in the database of `url`, synchronously; returns its unaligned output. */
	psql( url: string, sql: string ): string;
	/**
	 * Resolves once `query` (one boolean) answers true, asking again each
	 * event-loop turn (up to 500 times): PostgreSQL has no event for "a
	 * session now waits on a lock".
	 */
	until( url: string, query: string ): Promise< void >;
	/** A clean shutdown (`-m fast`); the folder stays. */
	stop(): void;
	/** A crash: `-m immediate`, no checkpoint; the next start recovers from the WAL. */
	kill(): void;
	/** Starts it again on the same folder and port; returns once it accepts connections. */
	start(): void;
	/** Stops it if it runs and removes its folder. Safe to call twice. */
	dispose(): void;
}

/** Runs a PostgreSQL binary as the user that may run the server. */
function asServerUser( bin: string, args: string[] ): string {
	const cmd = join( PG_BIN, bin );
	const asRoot = process.getuid?.() === 0;
	return execFileSync( asRoot ? 'runuser' : cmd, asRoot ? [ '-u', 'postgres', '--', cmd, ...args ] : args, {
		encoding: 'utf8',
		stdio: [ 'ignore', 'pipe', 'pipe' ],
	} );
}

/** The `postgres` user's uid (-u) or gid (-g). */
const idOf = ( flag: '-u' | '-g' ): number => Number( execFileSync( 'id', [ flag, 'postgres' ], { encoding: 'utf8' } ) );

export async function startPostgres(): Promise< TestPostgres > {
	if ( ! existsSync( join( PG_BIN, 'initdb' ) ) ) {
		throw new Error( `PostgreSQL 15 is not installed (no ${ PG_BIN }/initdb): run scripts/ensure-system-deps.sh (npm test does)` );
	}
	const port = await freePort();
	const dir = mkdtempSync( join( tmpdir(), 'cc-pg-' ) );
	if ( process.getuid?.() === 0 ) chownSync( dir, idOf( '-u' ), idOf( '-g' ) );
	const dataDir = join( dir, 'data' );
	const logFile = join( dir, 'log' );
	asServerUser( 'initdb', [ '-D', dataDir, '-U', SUPERUSER, '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8' ] );
	let running = false;
	const url = ( db: string ): string => `postgres://${ SUPERUSER }@127.0.0.1:${ port }/${ db }`;
	const psql = ( dbUrl: string, sql: string ): string =>
		execFileSync( join( PG_BIN, 'psql' ), [ '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', dbUrl, '-c', sql ], {
			encoding: 'utf8',
			stdio: [ 'ignore', 'pipe', 'pipe' ],
		} ).trim();
	const pgCtl = ( args: string[] ): void => {
		try {
			asServerUser( 'pg_ctl', [ '-D', dataDir, '-w', ...args ] );
		} catch ( e ) {
			const log = existsSync( logFile ) ? readFileSync( logFile, 'utf8' ).slice( -2000 ) : '';
			throw new Error( `pg_ctl ${ args.join( ' ' ) } failed: ${ ( e as Error ).message }\n${ log }` );
		}
	};
	const start = (): void => {
		pgCtl( [ '-l', logFile, '-o', `-p ${ port } -k ${ dir } -c listen_addresses=127.0.0.1`, 'start' ] );
		running = true;
	};
	const stopWith = ( mode: 'fast' | 'immediate' ): void => {
		pgCtl( [ '-m', mode, 'stop' ] );
		running = false;
	};
	let databases = 0;
	start();
	return {
		url: url( 'postgres' ),
		port,
		dataDir,
		createDatabase() {
			const name = `t${ ++databases }`;
			psql( url( 'postgres' ), `CREATE DATABASE ${ name }` );
			return url( name );
		},
		psql,
		async until( dbUrl, query ) {
			for ( let i = 0; i < 500; i++ ) {
				if ( psql( dbUrl, query ) === 't' ) return;
				await new Promise( ( r ) => setImmediate( r ) );
			}
			throw new Error( `never true: ${ query }` );
		},
		stop: () => stopWith( 'fast' ),
		kill: () => stopWith( 'immediate' ),
		start,
		dispose() {
			if ( running ) stopWith( 'immediate' );
			rmSync( dir, { recursive: true, force: true } );
		},
	};
}
