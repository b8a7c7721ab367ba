/**
 * The engines of the PostgreSQL variants of `npm run bench` (--cluster): a
 * throw-away PostgreSQL 15 and, for the cluster, a throw-away redis-server,
 * started the way `npm run start:cluster` starts them
 * (scripts/cluster-engines.mjs: one implementation), each in a folder of its
 * own under `dir`; and the CPU time they spend, read from /proc, so that
 * "server CPU per message" counts them along with the service's nodes.
 */
import { chmodSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPostgres, startRedis } from '../cluster-engines.mjs';

const TICK_US = 1e6 / 100; // USER_HZ: 100 on Linux, whatever the kernel's own HZ

/**
 * Fields of /proc/<pid>/stat after the command (which is in parentheses and
 * may hold spaces): [0] state, [1] ppid, … [11] utime, [12] stime,
 * [13] cutime, [14] cstime, in clock ticks. Null if the process is gone.
 */
function statFields( pid ) {
	let text;
	try {
		text = readFileSync( `/proc/${ pid }/stat`, 'utf8' );
	} catch {
		return null;
	}
	return text.slice( text.lastIndexOf( ')' ) + 2 ).split( ' ' );
}

/** CPU time of a process (all its threads), in µs; with `reaped`, also that of its children that have exited and were waited for. */
function cpuUsOf( pid, { reaped = false } = {} ) {
	const f = statFields( pid );
	if ( ! f ) return 0;
	const ticks = Number( f[ 11 ] ) + Number( f[ 12 ] ) + ( reaped ? Number( f[ 13 ] ) + Number( f[ 14 ] ) : 0 );
	return ticks * TICK_US;
}

/** The pids whose parent is `pid`: the kernel's list if it has one, else a scan of /proc. */
function childrenOf( pid ) {
	try {
		return readFileSync( `/proc/${ pid }/task/${ pid }/children`, 'utf8' ).trim().split( /\s+/ ).filter( Boolean ).map( Number );
	} catch {
		return readdirSync( '/proc' )
			.filter( ( name ) => /^\d+$/.test( name ) )
			.map( Number )
			.filter( ( p ) => statFields( p )?.[ 1 ] === String( pid ) );
	}
}

/**
 * PostgreSQL's CPU: the postmaster, every live child (a backend per
 * connection, the WAL writer, the checkpointer, …), and the children that
 * have exited (a read connection the pool closed after 10 s idle: its
 * backend's time is in the postmaster's cutime once reaped).
 */
function postgresCpuUs( postmaster ) {
	return cpuUsOf( postmaster, { reaped: true } ) + childrenOf( postmaster ).reduce( ( s, pid ) => s + cpuUsOf( pid ), 0 );
}

/**
 * Starts PostgreSQL (and Redis if `redis`) under `dir`. Resolves to
 * `{ databaseUrl, redisUrl, redisProcess, cpuUs(), stop() }`: cpuUs() is
 * `{ postgres, redis }` so far, in µs.
 */
export async function startEngines( { dir, redis = false } ) {
	// A mkdtemp folder is closed to others; PostgreSQL's user must pass through it to its own.
	chmodSync( dir, 0o711 );
	const pg = await startPostgres( { dir: join( dir, 'postgres' ) } );
	// pg_ctl leaves the postmaster running apart from us (its parent is init); its pid file names it.
	const postmaster = Number( readFileSync( join( dir, 'postgres', 'data', 'postmaster.pid' ), 'utf8' ).split( '\n' )[ 0 ] );
	let rd = null;
	try {
		if ( redis ) rd = await startRedis( { dir: join( dir, 'redis' ) } );
	} catch ( e ) {
		await pg.stop();
		throw e;
	}
	return {
		databaseUrl: pg.url,
		redisUrl: rd?.url,
		/** A child of this process: the caller kills it if this process ends abruptly. */
		redisProcess: rd?.process ?? null,
		cpuUs: () => ( { postgres: postgresCpuUs( postmaster ), redis: rd ? cpuUsOf( rd.process.pid ) : 0 } ),
		/** Synchronous for PostgreSQL (pg_ctl -m fast), so it can run in an 'exit' handler too. */
		stopPostgres: () => pg.stop(),
		async stop() {
			await rd?.stop();
			await pg.stop();
		},
	};
}
