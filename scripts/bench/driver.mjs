/**
 * The load generator, in its own process (so its CPU is not the server's).
 * Driven by run.mjs over IPC; asks run.mjs for the server's own CPU figures
 * (`serverStats`) at the edges of a measured window.
 *
 * Two kinds of target:
 *  - echo:    the raw relay (echo-server.mjs). A pair is two sockets on
 *             /pair/<id>; idle sockets are plain connections to /idle.
 *  - service: our service. A pair is a visitor with a chat and the agent who
 *             has it; idle visitors have said hello and nothing else.
 *
 * In both, the visitor side sends the same `send` frame text, and the agent
 * side counts what arrives. Messages of one pair arrive in order, so the n-th
 * delivery matches the n-th send; the number in the text checks that.
 *
 * Several ports (the nodes of a cluster, run.mjs --cluster): idle sockets
 * alternate between them; a pair's visitor goes to `ports[placement.visitor]`
 * and its agent to `ports[placement.agent]`.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { createRpc, exitWithParent } from './ipc.mjs';

exitWithParent();

const require = createRequire( import.meta.url );

/** Send times kept per pair; more in flight than this is treated as a drop. */
const RING = 4096;
const PAD = 'x'.repeat( 48 );
const BENCH_TEXT = /"text":"bench (\d+) /;
const CONNECT_TIMEOUT_MS = 10_000;
const FRAME_TIMEOUT_MS = 10_000;

const sleep = ( ms ) => new Promise( ( r ) => setTimeout( r, ms ) );

let ctx = null; // { kind, ports, placement: { visitor, agent }, origin, siteId, secret }
let signToken = null;
const idle = [];
const pairs = [];
let delivered = 0;
let errorsSeen = 0;
let firstError = null;
let outOfOrder = 0;
/** Hook for the running phase: called after each delivery. */
let onDelivered = null;

let rpc = null;

/* ------------------------------------------------------------------ */
/* Sockets                                                              */
/* ------------------------------------------------------------------ */

/** Opens a socket to `path` on `port` (by default the first server's). */
function open( path, port = ctx.ports[ 0 ] ) {
	return new Promise( ( resolve, reject ) => {
		const ws = new WebSocket( `ws://127.0.0.1:${ port }${ path }`, {
			origin: ctx.origin,
			perMessageDeflate: false,
			handshakeTimeout: CONNECT_TIMEOUT_MS,
		} );
		// A frame sent right after the upgrade can be emitted in the same tick as
		// 'open', before the caller can listen: keep those for track().
		ws.early = [];
		ws.on( 'message', ( ws.keepEarly = ( data ) => ws.early?.push( data ) ) );
		const timer = setTimeout( () => {
			ws.terminate();
			reject( new Error( `connect to ${ path } timed out` ) );
		}, CONNECT_TIMEOUT_MS );
		ws.once( 'open', () => {
			clearTimeout( timer );
			ws.on( 'error', () => {} );
			resolve( ws );
		} );
		ws.once( 'error', ( e ) => {
			clearTimeout( timer );
			reject( e );
		} );
	} );
}

/**
 * Setup-time frame reader: parses every frame, lets the caller await one,
 * and reports `chat` frames (for the auto-assignment). Detached before the
 * measured phases, which use the cheap handlers below.
 */
function track( ws, onChat ) {
	const frames = [];
	let waiters = [];
	const onMessage = ( data ) => {
		let f;
		try {
			f = JSON.parse( data.toString() );
		} catch {
			f = { type: '(text)', text: data.toString() };
		}
		if ( f.type === 'chat' && onChat ) onChat( f.chat );
		if ( f.type === 'error' ) {
			errorsSeen++;
			firstError ??= f;
		}
		frames.push( f );
		if ( frames.length > 500 ) frames.shift();
		waiters = waiters.filter( ( w ) => {
			if ( ! w.match( f ) ) return true;
			w.resolve( f );
			return false;
		} );
	};
	ws.on( 'message', onMessage );
	ws.off( 'message', ws.keepEarly );
	const early = ws.early ?? [];
	ws.early = null;
	early.forEach( onMessage );
	return {
		next( match, what, timeoutMs = FRAME_TIMEOUT_MS ) {
			const seen = frames.find( match );
			if ( seen ) return Promise.resolve( seen );
			return new Promise( ( resolve, reject ) => {
				const w = {
					match,
					resolve: ( f ) => {
						clearTimeout( timer );
						resolve( f );
					},
				};
				const timer = setTimeout( () => {
					waiters = waiters.filter( ( x ) => x !== w );
					reject( new Error( `no ${ what } within ${ timeoutMs } ms; last frames: ${ JSON.stringify( frames.slice( -5 ) ).slice( 0, 600 ) }` ) );
				}, timeoutMs );
				waiters.push( w );
			} );
		},
		detach: () => ws.off( 'message', onMessage ),
		last: ( n = 5 ) => JSON.stringify( frames.slice( -n ) ).slice( 0, 600 ),
	};
}

const token = ( role, sub, extra = {} ) =>
	signToken( { id: ctx.siteId, secret: ctx.secret }, { role, sub, name: `${ role } ${ sub }`, ...extra }, 3600 );

/* ------------------------------------------------------------------ */
/* Idle connections                                                     */
/* ------------------------------------------------------------------ */

async function openIdle( i ) {
	const port = ctx.ports[ i % ctx.ports.length ];
	if ( ctx.kind === 'echo' ) {
		const ws = await open( '/idle', port );
		ws.off( 'message', ws.keepEarly );
		ws.early = null;
		return ws;
	}
	const ws = await open( '/ws', port );
	try {
		const t = track( ws );
		ws.send( JSON.stringify( { type: 'hello', token: token( 'visitor', `idle-${ i }` ) } ) );
		await t.next( ( f ) => f.type === 'welcome', 'welcome' );
		t.detach();
		ws.on( 'message', () => {} );
		return ws;
	} catch ( e ) {
		ws.terminate();
		throw e;
	}
}

async function connectIdle( { count, batch, maxMs } ) {
	const started = performance.now();
	let failed = 0;
	let failure = null;
	for ( let i = 0; i < count; i += batch ) {
		if ( performance.now() - started > maxMs ) throw new Error( `idle connections: only ${ idle.length } of ${ count } in ${ maxMs } ms` );
		const n = Math.min( batch, count - i );
		const results = await Promise.allSettled( Array.from( { length: n }, ( _, k ) => openIdle( i + k ) ) );
		for ( const r of results ) {
			if ( r.status === 'fulfilled' ) idle.push( r.value );
			else {
				failed++;
				failure ??= String( r.reason?.message ?? r.reason );
			}
		}
		if ( failed > count * 0.01 ) throw new Error( `idle connections: ${ failed } failed, first: ${ failure }` );
	}
	return { connected: idle.length, failed, failure, ms: performance.now() - started };
}

/* ------------------------------------------------------------------ */
/* Pairs                                                                */
/* ------------------------------------------------------------------ */

function newPair( id, visitor, agent, chatId ) {
	return { id, visitor, agent, chatId, sent: 0, recv: 0, times: new Float64Array( RING ) };
}

async function setupEchoPair( i ) {
	const visitor = await open( `/pair/p${ i }` );
	const tv = track( visitor );
	const agent = await open( `/pair/p${ i }` );
	const ta = track( agent );
	await Promise.all( [
		tv.next( ( f ) => f.text === 'paired', 'pairing' ),
		ta.next( ( f ) => f.text === 'paired', 'pairing' ),
	] );
	tv.detach();
	ta.detach();
	return newPair( i, visitor, agent, `p${ i }` );
}

/** chat id → agent socket that was handed the chat (seen in `chat` frames to agents). */
const assigned = new Map();

async function setupServicePair( i ) {
	const sub = `agent-${ i }`;
	const agent = await open( '/ws', ctx.ports[ ctx.placement.agent ] );
	const ta = track( agent, ( chat ) => {
		if ( chat?.agent === sub && ( chat.status === 'active' || chat.status === 'away' ) ) assigned.set( chat.id, agent );
	} );
	// maxChats 1: with auto-assignment, the new chat can only go to the agent that is still free.
	agent.send( JSON.stringify( { type: 'hello', token: token( 'agent', sub, { maxChats: 1 } ) } ) );
	await ta.next( ( f ) => f.type === 'welcome', 'agent welcome' );
	agent.send( JSON.stringify( { type: 'presence', online: true } ) );
	await ta.next( ( f ) => f.type === 'presence' && f.online === true, 'presence online' );

	const visitor = await open( '/ws', ctx.ports[ ctx.placement.visitor ] );
	const tv = track( visitor );
	visitor.send( JSON.stringify( { type: 'hello', token: token( 'visitor', `pair-visitor-${ i }` ) } ) );
	await tv.next( ( f ) => f.type === 'welcome', 'visitor welcome' );
	visitor.send( JSON.stringify( { type: 'start', clientId: 'start', text: 'hi' } ) );
	const started = await tv.next( ( f ) => f.type === 'started', 'started' );
	const chatId = started.chat.id;

	// Auto-assigned (the service routes to free online agents), or taken by hand.
	const waitAssigned = async ( ms ) => {
		const until = performance.now() + ms;
		while ( ! assigned.has( chatId ) && performance.now() < until ) await sleep( 5 );
		return assigned.get( chatId );
	};
	let owner = await waitAssigned( 500 );
	if ( ! owner ) {
		agent.send( JSON.stringify( { type: 'take', chatId } ) );
		owner = await waitAssigned( 3000 );
	}
	if ( ! owner ) throw new Error( `chat of pair ${ i } was neither assigned nor taken; last agent frames: ${ ta.last() }` );
	// One chat per agent socket: the hot path counts every bench message an agent socket gets.
	if ( pairs.some( ( p ) => p.agent === owner ) ) throw new Error( `chat of pair ${ i } went to an agent that already has one` );
	await tv.next( ( f ) => f.type === 'chat' && f.chat.id === chatId && f.chat.status === 'active', 'chat active (visitor)' );
	return { pair: newPair( i, visitor, owner, chatId ), detach: [ ta, tv ] };
}

async function setupPairs( { count } ) {
	const started = performance.now();
	const detach = [];
	for ( let i = 0; i < count; i++ ) {
		if ( ctx.kind === 'echo' ) pairs.push( await setupEchoPair( i ) );
		else {
			const r = await setupServicePair( i );
			pairs.push( r.pair );
			detach.push( ...r.detach );
		}
	}
	// Let trailing setup frames (queue, agents, backlog) arrive before switching to the hot path.
	await sleep( 200 );
	detach.forEach( ( t ) => t.detach() );
	for ( const p of pairs ) hotPath( p );
	return { pairs: pairs.length, ms: performance.now() - started };
}

/**
 * Measured-phase handlers: the agent side only looks for the bench text (and
 * takes its number); everything else that arrives (the visitor's own copy, its
 * acknowledgement, from the service) is counted only if it is an error.
 */
function hotPath( pair ) {
	const noteError = ( s ) => {
		if ( s.startsWith( '{"type":"error"' ) ) {
			errorsSeen++;
			firstError ??= s.slice( 0, 300 );
		}
	};
	pair.visitor.on( 'message', ( data ) => {
		if ( data.length > 9 && data[ 2 ] === 0x74 /* t */ && data[ 9 ] === 0x65 /* e of "error" */ ) noteError( data.toString() );
	} );
	pair.agent.on( 'message', ( data ) => {
		const s = data.toString();
		const m = BENCH_TEXT.exec( s );
		if ( ! m ) {
			noteError( s );
			return;
		}
		const n = Number( m[ 1 ] );
		if ( n !== pair.recv ) outOfOrder++;
		pair.recv++;
		delivered++;
		if ( onDelivered ) onDelivered( pair, n );
	} );
}

function sendOne( pair ) {
	const n = pair.sent++;
	pair.times[ n % RING ] = performance.now();
	pair.visitor.send(
		`{"type":"send","chatId":"${ pair.chatId }","clientId":"c${ n }","text":"bench ${ n } ${ PAD }"}`
	);
}

async function drain( maxMs ) {
	const until = performance.now() + maxMs;
	while ( performance.now() < until && pairs.some( ( p ) => p.recv < p.sent ) ) await sleep( 10 );
	return pairs.reduce( ( s, p ) => s + ( p.sent - p.recv ), 0 );
}

/** Server CPU and our own counters, taken as close together as IPC allows. */
async function snapshot() {
	const d0 = delivered;
	const t0 = performance.now();
	const server = await rpc.call( 'serverStats', { gc: false }, 10_000 );
	const t1 = performance.now();
	const d1 = delivered;
	const self = process.cpuUsage();
	return {
		delivered: ( d0 + d1 ) / 2,
		t: ( t0 + t1 ) / 2,
		serverCpuUs: server.cpuUs,
		// With engines (run.mjs --cluster): { nodes, postgres, redis }, what serverCpuUs sums.
		serverCpuParts: server.cpuParts,
		driverCpuUs: self.user + self.system,
		rpcMs: t1 - t0,
	};
}

/* ------------------------------------------------------------------ */
/* Phases                                                               */
/* ------------------------------------------------------------------ */

/** Our own garbage (10k sockets' setup) is collected before a measured phase, not during it. */
function collect() {
	if ( typeof globalThis.gc === 'function' ) globalThis.gc();
}

/** Closed loop: each pair keeps up to `window` messages in flight. */
async function throughput( { window, warmupMs, durationMs } ) {
	collect();
	let running = true;
	const pump = ( pair ) => {
		let k = 0;
		while ( running && pair.sent - pair.recv < window && k++ < window ) sendOne( pair );
	};
	onDelivered = ( pair ) => pump( pair );
	const errorsBefore = errorsSeen;
	const orderBefore = outOfOrder;
	pairs.forEach( pump );
	await sleep( warmupMs );
	const a = await snapshot();
	await sleep( durationMs );
	const b = await snapshot();
	running = false;
	onDelivered = null;
	const undelivered = await drain( 5000 );
	const msgs = b.delivered - a.delivered;
	const seconds = ( b.t - a.t ) / 1000;
	return {
		messages: msgs,
		seconds,
		serverCpuUs: b.serverCpuUs - a.serverCpuUs,
		serverCpuParts: b.serverCpuParts && Object.fromEntries( Object.keys( b.serverCpuParts ).map( ( k ) => [ k, b.serverCpuParts[ k ] - a.serverCpuParts[ k ] ] ) ),
		driverCpuUs: b.driverCpuUs - a.driverCpuUs,
		snapshotRpcMs: Math.max( a.rpcMs, b.rpcMs ),
		undelivered,
		errors: errorsSeen - errorsBefore,
		outOfOrder: outOfOrder - orderBefore,
	};
}

/** Open loop: `rate` messages per second in total, round robin over the pairs, paced by a 1 ms timer. */
async function latency( { rate, warmupMs, durationMs } ) {
	collect();
	const maxSamples = Math.ceil( ( rate * durationMs ) / 1000 ) + 1000;
	const samples = new Float64Array( maxSamples );
	let nSamples = 0;
	const start = performance.now();
	const from = start + warmupMs;
	const to = from + durationMs;
	onDelivered = ( pair, n ) => {
		const sentAt = pair.times[ n % RING ];
		if ( sentAt >= from && sentAt < to && nSamples < maxSamples ) samples[ nSamples++ ] = performance.now() - sentAt;
	};
	const errorsBefore = errorsSeen;
	const cpu0 = process.cpuUsage();
	let offered = 0;
	let dropped = 0;
	let maxTimerGapMs = 0;
	let lastTick = start;
	await new Promise( ( resolve ) => {
		const timer = setInterval( () => {
			const now = performance.now();
			if ( now >= from ) maxTimerGapMs = Math.max( maxTimerGapMs, now - lastTick );
			lastTick = now;
			if ( now >= to ) {
				clearInterval( timer );
				resolve();
				return;
			}
			const due = Math.floor( ( ( now - start ) * rate ) / 1000 );
			// At most 50 per tick: a stalled loop catches up gradually, not in one burst.
			for ( let k = 0; offered < due && k < 50; k++ ) {
				const pair = pairs[ offered++ % pairs.length ];
				if ( pair.sent - pair.recv >= RING - 1 ) dropped++;
				else sendOne( pair );
			}
		}, 1 );
	} );
	const undelivered = await drain( 5000 );
	onDelivered = null;
	const cpu1 = process.cpuUsage();
	return {
		// Rounded to 0.1 µs: the orchestrator pools the rounds and takes percentiles.
		samples: Array.from( samples.subarray( 0, nSamples ), ( x ) => Math.round( x * 1e4 ) / 1e4 ),
		expected: Math.round( ( rate * durationMs ) / 1000 ),
		dropped,
		undelivered,
		maxTimerGapMs,
		errors: errorsSeen - errorsBefore,
		driverCpuUtil: ( cpu1.user + cpu1.system - cpu0.user - cpu0.system ) / 1e6 / ( ( performance.now() - start ) / 1000 ),
	};
}

rpc = createRpc( process, {
	init( args ) {
		ctx = args;
		if ( ctx.kind === 'service' ) ( { signToken } = require( '../../build/server/tokens.js' ) );
		return {};
	},
	connectIdle,
	setupPairs,
	throughput,
	latency,
	counters: () => ( { delivered, errorsSeen, firstError, outOfOrder, idle: idle.length, pairs: pairs.length } ),
	stop() {
		for ( const p of pairs ) {
			p.visitor.terminate();
			p.agent.terminate();
		}
		for ( const ws of idle ) ws.terminate();
		setTimeout( () => process.exit( 0 ), 50 ).unref();
		return { errorsSeen, firstError, outOfOrder };
	},
}, 'driver' );
