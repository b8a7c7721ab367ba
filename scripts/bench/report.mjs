/**
 * The bench's figures: each variant's rounds pooled (summarise), then the
 * table, the ratios, the targets with PASS/MISS, and the notes that say how
 * far to trust a run (report). Printed to stdout; run.mjs gathers the rounds.
 */
import os from 'node:os';
import { SLOW_SYNC_MS } from './disk-probe.mjs';

export const TARGETS = {
	throughputEphemeral: 0.8,
	throughputStored: 0.65,
	/**
	 * Stored p99 at most this far above the disk's own fsync p99 in the same run: every stored
	 * message waits for one fsync, so the disk is the floor. (A fixed 2.5 ms sat below this
	 * machine's fsync p99 on a busy day: a target under the physical floor.)
	 */
	p99StoredOverFsyncMs: 1,
	rssPerIdleKB: 10,
	/** Cluster (--cluster): everything shares this machine's two cores, so no speed-up is expected. */
	throughputClusterOverStored: 0.5,
	p99ClusterOverStoredMs: 2,
};

/** Pools the rounds of one variant into the figures the report prints. */
export function summarise( out ) {
	if ( out.error ) return out;
	const sum = ( xs, f ) => xs.reduce( ( s, x ) => s + f( x ), 0 );
	const t = out.throughputRounds;
	const messages = sum( t, ( x ) => x.messages );
	const seconds = sum( t, ( x ) => x.seconds );
	const perRound = t.map( ( x ) => x.messages / x.seconds );
	out.throughput = {
		msgsPerSec: messages / seconds,
		minRound: Math.min( ...perRound ),
		maxRound: Math.max( ...perRound ),
		serverCpuUsPerMsg: sum( t, ( x ) => x.serverCpuUs ) / messages,
		serverCpuUtil: sum( t, ( x ) => x.serverCpuUs ) / 1e6 / seconds,
		// Service nodes, PostgreSQL, Redis (variants with engines).
		cpuPartsUsPerMsg: t[ 0 ]?.serverCpuParts
			? Object.fromEntries( Object.keys( t[ 0 ].serverCpuParts ).map( ( k ) => [ k, sum( t, ( x ) => x.serverCpuParts[ k ] ) / messages ] ) )
			: undefined,
		driverCpuUtil: sum( t, ( x ) => x.driverCpuUs ) / 1e6 / seconds,
		errors: sum( t, ( x ) => x.errors ),
		outOfOrder: sum( t, ( x ) => x.outOfOrder ),
		undelivered: sum( t, ( x ) => x.undelivered ),
	};
	const l = out.latencyRounds;
	const sorted = Float64Array.from( out.latencySamples ).sort();
	const n = sorted.length;
	const q = ( p ) => ( n ? sorted[ Math.min( n - 1, Math.floor( p * n ) ) ] : NaN );
	out.latency = {
		samples: n,
		expected: sum( l, ( x ) => x.expected ),
		p50: q( 0.5 ),
		p99: q( 0.99 ),
		max: n ? sorted[ n - 1 ] : NaN,
		dropped: sum( l, ( x ) => x.dropped ),
		undelivered: sum( l, ( x ) => x.undelivered ),
		errors: sum( l, ( x ) => x.errors ),
		maxTimerGapMs: Math.max( 0, ...l.map( ( x ) => x.maxTimerGapMs ) ),
	};
	delete out.latencySamples;
	return out;
}

/* ------------------------------------------------------------------ */
/* Report                                                               */
/* ------------------------------------------------------------------ */

const fmt = ( x, digits = 0 ) =>
	x === undefined || x === null || Number.isNaN( x )
		? '—'
		: x.toLocaleString( 'en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits } );

function table( rows, header ) {
	const widths = header.map( ( h, i ) => Math.max( h.length, ...rows.map( ( r ) => String( r[ i ] ).length ) ) );
	const line = ( cells ) => cells.map( ( c, i ) => ( i === 0 ? String( c ).padEnd( widths[ i ] ) : String( c ).padStart( widths[ i ] ) ) ).join( '   ' ).trimEnd();
	return [ line( header ), widths.map( ( w ) => '-'.repeat( w ) ).join( '   ' ), ...rows.map( line ) ].join( '\n' );
}

/**
 * results: summarise()d, one per variant, in the order of `variants` (run.mjs's variants);
 * rate, idle: the latency phase's settings; load0/load1: os.loadavg() at the start and end;
 * disk: probeFsync() before and after the rounds.
 */
export function report( results, { variants, rate, idle, load0, load1, totalMs, disk } ) {
	const byKey = ( key ) => results.find( ( r ) => r.variant === key );
	const [ echo, eph, sto, clu ] = [ 'echo', 'ephemeral', 'stored', 'cluster' ].map( byKey );
	const withEngines = variants.some( ( v ) => v.engines );
	const get = ( r, f ) => ( r && ! r.error ? f( r ) : undefined );
	const ratio = ( a, b ) => ( a !== undefined && b !== undefined && b > 0 ? a / b : undefined );
	const row = ( label, f, digits ) => [ label, ...results.map( ( r ) => fmt( get( r, f ), digits ) ) ];
	const ratioRow = ( label, f, digits = 2 ) => [
		label,
		echo.error ? '—' : '1.00',
		...results.slice( 1 ).map( ( r ) => fmt( ratio( get( r, f ), get( echo, f ) ), digits ) ),
	];
	const blank = [ '', ...results.map( () => '' ) ];
	const header = [ '', ...variants.map( ( v ) => v.label ) ];
	/** What a variant with engines spent per message in each part; one process's variants: all of it in the service. */
	const part = ( k ) => ( r ) => r.throughput.cpuPartsUsPerMsg?.[ k ] ?? ( k === 'nodes' ? r.throughput.serverCpuUsPerMsg : undefined );
	// Against the single-node stored service (SQLite): the reference of the cluster's targets.
	const storedRow = ( label, f, combine, digits = 2 ) => [ label, ...results.map( ( r ) => fmt( combine( get( r, f ), get( sto, f ) ), digits ) ) ];
	const rows = [
		row( 'relay throughput (msgs/s)', ( r ) => r.throughput.msgsPerSec ),
		[ '  spread over rounds (min–max)', ...results.map( ( r ) => get( r, ( x ) => `${ fmt( x.throughput.minRound ) }–${ fmt( x.throughput.maxRound ) }` ) ?? '—' ) ],
		row( withEngines ? 'server CPU per message (µs), all parts' : 'server CPU per message (µs)', ( r ) => r.throughput.serverCpuUsPerMsg, 1 ),
		...( withEngines
			? [
					row( '  service process(es)', part( 'nodes' ), 1 ),
					row( '  PostgreSQL (all its processes)', part( 'postgres' ), 1 ),
					row( '  redis-server', part( 'redis' ), 1 ),
			  ]
			: [] ),
		row( `latency p50, ${ rate }/s, ${ idle } idle (ms)`, ( r ) => r.latency.p50, 3 ),
		row( `latency p99, ${ rate }/s, ${ idle } idle (ms)`, ( r ) => r.latency.p99, 3 ),
		row( 'latency max (ms)', ( r ) => r.latency.max, 2 ),
		row( 'RSS per idle connection (KB)', ( r ) => r.rssPerIdleBytes / 1024, 2 ),
		row( '  after a plain GC only (KB)', ( r ) => r.rssPlainGcPerIdleBytes / 1024, 2 ),
		row( '  of which JS heap (KB)', ( r ) => r.heapPerIdleBytes / 1024, 2 ),
		blank,
		ratioRow( 'throughput ÷ raw', ( r ) => r.throughput.msgsPerSec ),
		ratioRow( 'CPU per message ÷ raw', ( r ) => r.throughput.serverCpuUsPerMsg ),
		ratioRow( 'latency p50 ÷ raw', ( r ) => r.latency.p50 ),
		ratioRow( 'latency p99 ÷ raw', ( r ) => r.latency.p99 ),
		blank,
		...( withEngines
			? [
					storedRow( 'throughput ÷ stored (SQLite)', ( r ) => r.throughput.msgsPerSec, ratio ),
					storedRow( 'CPU per message ÷ stored (SQLite)', ( r ) => r.throughput.serverCpuUsPerMsg, ratio ),
					storedRow( 'latency p50 − stored (SQLite) (ms)', ( r ) => r.latency.p50, ( a, b ) => ( a !== undefined && b !== undefined ? a - b : undefined ), 3 ),
					storedRow( 'latency p99 − stored (SQLite) (ms)', ( r ) => r.latency.p99, ( a, b ) => ( a !== undefined && b !== undefined ? a - b : undefined ), 3 ),
					blank,
			  ]
			: [] ),
		row( 'server CPU busy, throughput (%)', ( r ) => r.throughput.serverCpuUtil * 100 ),
		row( 'driver CPU busy, throughput (%)', ( r ) => r.throughput.driverCpuUtil * 100 ),
		row( 'errors + out-of-order + lost', ( r ) => r.throughput.errors + r.latency.errors + r.throughput.outOfOrder + r.latency.dropped + r.throughput.undelivered + r.latency.undelivered ),
	];
	console.log( '' );
	console.log( table( rows, header ) );

	const notes = [];
	for ( const r of results ) {
		const label = variants.find( ( v ) => v.key === r.variant ).label;
		if ( r.error ) {
			notes.push( `${ label }: did not complete: ${ r.error.split( '\n' )[ 0 ] }` );
			continue;
		}
		const t = r.throughput;
		const l = r.latency;
		if ( t.errors || l.errors ) notes.push( `${ label }: ${ t.errors + l.errors } error frames (first: ${ JSON.stringify( r.counters?.firstError ?? '?' ).slice( 0, 200 ) })` );
		if ( t.outOfOrder ) notes.push( `${ label }: ${ t.outOfOrder } messages out of order` );
		if ( l.dropped || l.undelivered || t.undelivered ) notes.push( `${ label }: ${ l.dropped } not sent (too many in flight), ${ l.undelivered + t.undelivered } never delivered` );
		if ( l.samples < l.expected * 0.95 ) notes.push( `${ label }: only ${ l.samples } of ~${ l.expected } latency samples` );
		if ( t.driverCpuUtil > 0.9 ) notes.push( `${ label }: the load generator was CPU-bound (${ fmt( t.driverCpuUtil * 100 ) }%): throughput is a lower bound` );
		if ( l.maxTimerGapMs > 20 ) notes.push( `${ label }: the driver's pacing timer stalled once for ${ fmt( l.maxTimerGapMs, 1 ) } ms (machine busy?)` );
		if ( r.idle.failed ) notes.push( `${ label }: ${ r.idle.failed } idle connections failed (${ r.idle.failure })` );
	}
	const ignored = [ ...new Set( results.flatMap( ( r ) => r.ignoredKnobs ?? [] ) ) ];
	if ( ignored.length ) notes.push( `the service config dropped bench knobs (renamed?): ${ ignored.join( ', ' ) } — see BENCH_SERVICE_KNOBS in scripts/bench/service-process.mjs` );
	const diskP99 = Math.max( ...disk.map( ( d ) => d.p99 ) );
	if ( diskP99 > 1 ) notes.push( `the disk was slow to sync (fsync p99 up to ${ fmt( diskP99, 2 ) } ms in the probes): every stored message waits for an fsync, so its latency rises with the disk's` );
	if ( load0[ 0 ] > os.cpus().length * 0.5 ) notes.push( `the machine was already busy at the start (load ${ load0[ 0 ].toFixed( 2 ) } on ${ os.cpus().length } CPUs): absolute figures are noisy; ratios less so (rounds alternate between variants)` );

	const verdict = ( ok ) => ( ok === undefined ? 'n/a ' : ok ? 'PASS' : 'MISS' );
	const thr = ( r ) => get( r, ( x ) => x.throughput.msgsPerSec );
	const checks = [
		[ `relay throughput, persistence off ≥ ${ TARGETS.throughputEphemeral.toFixed( 2 ) }× raw`, ratio( thr( eph ), thr( echo ) ), ( x ) => x >= TARGETS.throughputEphemeral, ( x ) => `${ fmt( x, 3 ) }×` ],
		[ `relay throughput, stored mode ≥ ${ TARGETS.throughputStored.toFixed( 2 ) }× raw`, ratio( thr( sto ), thr( echo ) ), ( x ) => x >= TARGETS.throughputStored, ( x ) => `${ fmt( x, 3 ) }×` ],
		[
			`p99 latency, stored, ${ rate }/s with ${ idle } idle ≤ disk fsync p99 + ${ TARGETS.p99StoredOverFsyncMs } ms (${ fmt( diskP99, 2 ) } + ${ TARGETS.p99StoredOverFsyncMs } = ${ fmt( diskP99 + TARGETS.p99StoredOverFsyncMs, 2 ) } ms)`,
			get( sto, ( r ) => r.latency.p99 ),
			( x ) => x <= diskP99 + TARGETS.p99StoredOverFsyncMs,
			( x ) => `${ fmt( x, 3 ) } ms`,
		],
		[ `RSS per idle visitor, ephemeral ≤ ${ TARGETS.rssPerIdleKB } KB`, get( eph, ( r ) => r.rssPerIdleBytes / 1024 ), ( x ) => x <= TARGETS.rssPerIdleKB, ( x ) => `${ fmt( x, 2 ) } KB` ],
		[ `RSS per idle visitor, stored ≤ ${ TARGETS.rssPerIdleKB } KB`, get( sto, ( r ) => r.rssPerIdleBytes / 1024 ), ( x ) => x <= TARGETS.rssPerIdleKB, ( x ) => `${ fmt( x, 2 ) } KB` ],
	];
	if ( clu ) {
		const stoP99 = get( sto, ( r ) => r.latency.p99 );
		checks.push(
			[
				`relay throughput, cluster (cross-node, stored) ≥ ${ TARGETS.throughputClusterOverStored.toFixed( 2 ) }× single-node stored`,
				ratio( thr( clu ), thr( sto ) ),
				( x ) => x >= TARGETS.throughputClusterOverStored,
				( x ) => `${ fmt( x, 3 ) }×`,
			],
			[
				`p99 latency, cluster, ${ rate }/s with ${ idle } idle ≤ single-node stored p99 + ${ TARGETS.p99ClusterOverStoredMs } ms (${ fmt( stoP99, 3 ) } + ${ TARGETS.p99ClusterOverStoredMs } = ${ fmt( stoP99 + TARGETS.p99ClusterOverStoredMs, 3 ) } ms)`,
				stoP99 === undefined ? undefined : get( clu, ( r ) => r.latency.p99 ),
				( x ) => x <= stoP99 + TARGETS.p99ClusterOverStoredMs,
				( x ) => `${ fmt( x, 3 ) } ms`,
			]
		);
	}
	console.log( '\nTargets' );
	const w = Math.max( ...checks.map( ( c ) => c[ 0 ].length ) );
	for ( const [ label, value, ok, show ] of checks ) {
		console.log( `  ${ verdict( value === undefined ? undefined : ok( value ) ) }  ${ label.padEnd( w ) }   got ${ value === undefined ? '—' : show( value ) }` );
	}
	if ( clu?.placement ) notes.unshift( `cluster: ${ clu.placement }` );
	if ( withEngines ) notes.unshift( 'with PostgreSQL/Redis, "server CPU" is the service processes plus every PostgreSQL process (the postmaster, its backends and helpers, those that exited) plus redis-server, from /proc; "RSS" is the service processes only' );
	if ( notes.length ) {
		console.log( '\nNotes' );
		for ( const n of notes ) console.log( `  - ${ n }` );
	}
	const la = ( l ) => l.map( ( x ) => x.toFixed( 2 ) ).join( ' ' );
	const ms = ( d ) => `p50 ${ fmt( d.p50, 2 ) }, p99 ${ fmt( d.p99, 2 ) }, max ${ fmt( d.max, 1 ) } ms, ${ fmt( d.slowShare * 100, 2 ) }% over ${ SLOW_SYNC_MS } ms`;
	console.log( `\ndisk (${ os.tmpdir() }), a commit-sized write + fsync every ms: before the rounds ${ ms( disk[ 0 ] ) }; after ${ ms( disk[ 1 ] ) }` );
	console.log( `machine load (1/5/15-min load average): start ${ la( load0 ) }, end ${ la( load1 ) }; ${ os.cpus().length } CPUs; bench took ${ fmt( totalMs / 1000 ) } s` );
}
