#!/usr/bin/env node
/**
 * The PostgreSQL store's write path alone, without the service around it:
 * `node scripts/bench/pg-store.mjs [--builds=build/server,build/server-before]`.
 * A measurement, not a test: it prints figures and exits 0.
 *
 * One throw-away PostgreSQL 15 (engines.mjs), a database per build, a
 * PostgresStore of each build in this one process. Load: `--chats` chats,
 * each with `--window` messages in flight (a message is sent again as soon as
 * its write resolves, with its counter bumped, as the service does), so the
 * group commit runs back to back. Rounds of `--seconds` take turns between
 * the builds (rotating who goes first), so a change in the shared machine's
 * load falls on each alike; rounds are pooled.
 *
 * Printed per build: messages and batches per second, messages per batch,
 * CPU per message (this process and PostgreSQL), and what a batch costs:
 * its statements (round trips to PostgreSQL) by kind, each with its count
 * per batch and its mean wall time as the client sees it (from the query's
 * call to its answer), whose sum is the batch's time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startEngines } from './engines.mjs';

const args = Object.fromEntries(
	process.argv.slice( 2 ).map( ( a ) => {
		const [ k, v ] = a.replace( /^--/, '' ).split( '=' );
		return [ k, v === undefined ? true : v ];
	} )
);
const CFG = {
	builds: String( args.builds ?? 'build/server' ).split( ',' ).map( ( d ) => resolve( d ) ),
	chats: Number( args.chats ?? 50 ),
	window: Number( args.window ?? 32 ),
	seconds: Number( args.seconds ?? 3 ),
	rounds: Number( args.rounds ?? 6 ),
};

/** Statement kinds, by the start of their text. */
const kindOf = ( text ) => {
	const t = text.replace( /\s+/g, ' ' ).trim();
	if ( /^(BEGIN|COMMIT|SAVEPOINT|RELEASE|ROLLBACK)/.test( t ) ) return t.split( ' ' ).slice( 0, 2 ).join( ' ' ).replace( /;$/, '' );
	if ( t.startsWith( 'SELECT FROM chats' ) ) return 'lock chats';
	if ( t.startsWith( 'UPDATE chats SET last_seq' ) ) return 'number';
	if ( t.includes( 'INSERT INTO messages' ) && t.includes( 'stats_marks' ) ) return 'one statement (with counters)';
	if ( t.startsWith( 'WITH locked' ) ) return 'one statement';
	if ( t.startsWith( 'INSERT INTO messages' ) ) return 'insert messages';
	if ( t.includes( 'stats_marks' ) ) return 'counters';
	return t.slice( 0, 40 );
};

// One pg for every build: the checkout's node_modules.
const pg = createRequire( join( CFG.builds[ 0 ], 'x.js' ) )( 'pg' );
let current = null; // the build whose round runs: its statements are counted
const original = pg.Client.prototype.query;
pg.Client.prototype.query = function ( config, values, callback ) {
	const text = typeof config === 'string' ? config : config?.text;
	const result = original.call( this, config, values, callback );
	if ( current && text && result && typeof result.then === 'function' ) {
		const started = process.hrtime.bigint();
		const kind = current.kinds.get( kindOf( text ) ) ?? { n: 0, ns: 0n };
		current.kinds.set( kindOf( text ), kind );
		const done = () => {
			kind.n++;
			kind.ns += process.hrtime.bigint() - started;
		};
		result.then( done, done );
	}
	return result;
};

const dir = mkdtempSync( join( os.tmpdir(), 'pg-store-bench-' ) );
const engines = await startEngines( { dir } );
const stopAll = () => {
	engines.stopPostgres();
	rmSync( dir, { recursive: true, force: true } );
};
process.on( 'exit', () => {
	try {
		stopAll();
	} catch {
		// already stopped
	}
} );

const admin = new pg.Client( { connectionString: engines.databaseUrl } );
await admin.connect();
const variants = [];
for ( const [ i, build ] of CFG.builds.entries() ) {
	const db = `bench_${ i }`;
	await admin.query( `CREATE DATABASE ${ db }` );
	const url = engines.databaseUrl.replace( /\/[^/]+$/, `/${ db }` );
	const { PostgresStore } = await import( pathToFileURL( join( build, 'store/postgres-store.js' ) ).href );
	const store = await PostgresStore.open( url );
	const chats = [];
	for ( let c = 0; c < CFG.chats; c++ ) {
		const id = `chat-${ c }`;
		chats.push( id );
		store.insertChat( {
			id, site: 'site-1', codeHash: `code-${ c }`, mode: 'stored', dept: null, status: 'active', createdAt: Date.now(), closedAt: null,
			keep: false, visitorSub: `v${ c }`, visitorName: null, agentSub: 'agent', agentName: 'Agent', from: null, consentVersion: null,
		} );
	}
	await store.flush();
	// Count batches and their sizes at the group commit.
	const group = store.batches;
	const run = group.runBatch;
	const v = { build, store, chats, rounds: [] };
	group.runBatch = ( ops ) => {
		if ( current === v.round ) {
			v.round.batches++;
			v.round.ops += ops.length;
		}
		return run( ops );
	};
	variants.push( v );
}
await admin.end();

const cpu = () => ( { node: process.cpuUsage(), postgres: engines.cpuUs().postgres } );

async function round( v ) {
	const r = { msgs: 0, batches: 0, ops: 0, kinds: new Map() };
	v.round = r;
	let stop = false;
	const startCpu = cpu();
	const started = process.hrtime.bigint();
	current = r;
	const loop = async ( chatId, k ) => {
		let n = 0;
		while ( ! stop ) {
			const at = Date.now();
			await v.store.appendMessage( { chatId, from: k % 2 ? 'agent' : 'visitor', text: `message ${ n++ } of lane ${ k }, some words to make it a little longer`, at, clientId: `c-${ k }-${ n }` } );
			v.store.bumpStat( 'site-1', k % 2 ? 'message_sent' : 'message_received', at );
			r.msgs++;
		}
	};
	const lanes = [];
	v.chats.forEach( ( id ) => {
		for ( let k = 0; k < CFG.window; k++ ) lanes.push( loop( id, k ) );
	} );
	await new Promise( ( res ) => setTimeout( res, CFG.seconds * 1000 ) );
	stop = true;
	await Promise.all( lanes );
	const wallNs = Number( process.hrtime.bigint() - started );
	current = null;
	const endCpu = cpu();
	r.wallNs = wallNs;
	r.nodeUs = endCpu.node.user + endCpu.node.system - startCpu.node.user - startCpu.node.system;
	r.pgUs = endCpu.postgres - startCpu.postgres;
	v.rounds.push( r );
}

const load = [ os.loadavg()[ 0 ] ];
for ( let i = 0; i < CFG.rounds; i++ ) {
	for ( let j = 0; j < variants.length; j++ ) await round( variants[ ( i + j ) % variants.length ] );
	load.push( os.loadavg()[ 0 ] );
}

const median = ( xs ) => {
	const s = [ ...xs ].sort( ( a, b ) => a - b );
	return s.length % 2 ? s[ ( s.length - 1 ) / 2 ] : ( s[ s.length / 2 - 1 ] + s[ s.length / 2 ] ) / 2;
};
console.log( `chats ${ CFG.chats }, window ${ CFG.window }, ${ CFG.rounds } rounds of ${ CFG.seconds } s; load average (1 min) ${ load.map( ( l ) => l.toFixed( 1 ) ).join( ' ' ) }` );
for ( const v of variants ) {
	const rs = v.rounds;
	const sum = ( f ) => rs.reduce( ( s, r ) => s + f( r ), 0 );
	const batches = sum( ( r ) => r.batches );
	const msgs = sum( ( r ) => r.msgs );
	const wall = sum( ( r ) => r.wallNs ) / 1e9;
	console.log( `\n${ v.build }` );
	console.log(
		`  ${ ( msgs / wall ).toFixed( 0 ) } msgs/s (median round ${ median( rs.map( ( r ) => r.msgs / ( r.wallNs / 1e9 ) ) ).toFixed( 0 ) }), ` +
			`${ ( batches / wall ).toFixed( 0 ) } batches/s, ${ ( msgs / batches ).toFixed( 1 ) } msgs/batch, ` +
			`${ ( ( 1e3 * wall ) / batches ).toFixed( 2 ) } ms/batch; CPU per message: node ${ ( sum( ( r ) => r.nodeUs ) / msgs ).toFixed( 1 ) } µs, ` +
			`PostgreSQL ${ ( sum( ( r ) => r.pgUs ) / msgs ).toFixed( 1 ) } µs`
	);
	const kinds = new Map();
	for ( const r of rs ) {
		for ( const [ k, s ] of r.kinds ) {
			const t = kinds.get( k ) ?? { n: 0, ns: 0n };
			t.n += s.n;
			t.ns += s.ns;
			kinds.set( k, t );
		}
	}
	let trips = 0;
	let ms = 0;
	for ( const [ k, s ] of [ ...kinds ].sort( ( a, b ) => Number( b[ 1 ].ns - a[ 1 ].ns ) ) ) {
		trips += s.n / batches;
		ms += Number( s.ns ) / 1e6 / batches;
		console.log( `  ${ k.padEnd( 24 ) } ${ ( s.n / batches ).toFixed( 2 ) } per batch, ${ ( Number( s.ns ) / 1e6 / s.n ).toFixed( 3 ) } ms each` );
	}
	console.log( `  in all: ${ trips.toFixed( 2 ) } round trips, ${ ms.toFixed( 2 ) } ms per batch` );
}
for ( const v of variants ) await v.store.close();
stopAll();
