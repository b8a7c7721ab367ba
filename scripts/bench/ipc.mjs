/**
 * Bench plumbing shared by the orchestrator and its child processes: a tiny
 * request/response layer over the Node IPC channel (either side may call the
 * other), and the resource figures a server process reports about itself.
 */
import { performance } from 'node:perf_hooks';

/**
 * @param {NodeJS.Process | import('node:child_process').ChildProcess} endpoint
 * @param {Record<string, (args: any) => any>} handlers
 * @param {string} name  used in error messages
 */
export function createRpc( endpoint, handlers, name ) {
	let nextId = 1;
	const pending = new Map();
	const send = ( msg ) => {
		if ( endpoint.connected ) endpoint.send( msg );
	};
	endpoint.on( 'message', async ( m ) => {
		if ( ! m || typeof m !== 'object' ) return;
		if ( m.rpc === 'req' ) {
			try {
				const handler = handlers[ m.cmd ];
				if ( ! handler ) throw new Error( `unknown command "${ m.cmd }"` );
				send( { rpc: 'res', id: m.id, ok: true, result: await handler( m.args ?? {} ) } );
			} catch ( e ) {
				send( { rpc: 'res', id: m.id, ok: false, error: String( e?.stack ?? e ) } );
			}
		} else if ( m.rpc === 'res' ) {
			const p = pending.get( m.id );
			if ( ! p ) return;
			pending.delete( m.id );
			clearTimeout( p.timer );
			if ( m.ok ) p.resolve( m.result );
			else p.reject( new Error( `${ name }: ${ m.error }` ) );
		}
	} );
	return {
		/** Calls `cmd` on the other side; rejects after `timeoutMs`. */
		call( cmd, args = {}, timeoutMs = 30_000 ) {
			return new Promise( ( resolve, reject ) => {
				if ( ! endpoint.connected ) {
					reject( new Error( `${ name }: not connected (calling ${ cmd })` ) );
					return;
				}
				const id = nextId++;
				const timer = setTimeout( () => {
					pending.delete( id );
					reject( new Error( `${ name }: "${ cmd }" took longer than ${ timeoutMs } ms` ) );
				}, timeoutMs );
				pending.set( id, { resolve, reject, timer } );
				endpoint.send( { rpc: 'req', id, cmd, args } );
			} );
		},
		/** Fails every call still waiting (the other side has gone). */
		rejectAll( reason ) {
			for ( const [ id, p ] of pending ) {
				clearTimeout( p.timer );
				p.reject( new Error( `${ name }: ${ reason }` ) );
				pending.delete( id );
			}
		},
	};
}

/**
 * The figures a server process reports about itself: CPU time so far, and
 * memory — after a full collection when asked (and when --expose-gc is on),
 * so that RSS differences are about live objects, not garbage.
 *
 * `rss` is taken after a memory-reducing collection (the one V8 runs under
 * memory pressure). A plain full collection leaves the young generation's
 * semi-spaces at the size V8 grew them to for the allocation rate of the last
 * seconds (measured after 10k connects: 64 MB for the raw relay, 128 MB for
 * the service, all of it empty); that is not memory a connection holds.
 * `rssPlainGc` is the figure after the plain collection, for comparison.
 */
export function selfStats( { gc = false } = {} ) {
	let collected = false;
	let rssPlainGc;
	if ( gc && typeof globalThis.gc === 'function' ) {
		globalThis.gc();
		globalThis.gc();
		rssPlainGc = process.memoryUsage().rss;
		globalThis.gc( { type: 'major', execution: 'sync', flavor: 'last-resort' } );
		collected = true;
	}
	const cpu = process.cpuUsage();
	const mem = process.memoryUsage();
	return {
		cpuUs: cpu.user + cpu.system,
		rss: mem.rss,
		rssPlainGc,
		heapUsed: mem.heapUsed,
		external: mem.external,
		collected,
		uptimeMs: performance.now(),
	};
}

/** A child ends with its parent: a bench that dies must not leave servers behind. */
export function exitWithParent() {
	process.on( 'disconnect', () => process.exit( 0 ) );
}
