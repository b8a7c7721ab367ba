/**
 * How long the disk takes to make a small write durable, as SQLite's WAL does
 * on every commit in stored mode. Every stored message waits for at least one
 * such sync before anyone sees it, so this is the floor under the stored
 * latency; on a shared virtual disk it moves from hour to hour, and the bench
 * prints it so a run can be read against it.
 *
 * Paced like the latency phase (one write + fsync per `gapMs`), not back to
 * back: on this kind of machine a sync after an idle millisecond takes about
 * twice as long at the median as one issued straight after the last, and the
 * latency phase's commits are the paced kind. The write is three WAL frames,
 * about what a commit of one message writes.
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const FRAME = 24 + 4096;
const WRITE = 3 * FRAME;
const FILE_BYTES = 4 << 20;
/** Slower than this, a sync alone is most of a stored message's latency budget. */
export const SLOW_SYNC_MS = 2;

/**
 * @returns {{ samples: number, p50: number, p99: number, max: number, slowShare: number }}
 *          milliseconds; slowShare: the fraction of syncs slower than SLOW_SYNC_MS
 */
export function probeFsync( parentDir, durationMs = 3000, gapMs = 1 ) {
	const dir = mkdtempSync( join( parentDir, 'cc-bench-disk-' ) );
	const fd = openSync( join( dir, 'probe' ), 'w' );
	// A synchronous sleep, so the probe needs no event loop (the bench's own is idle meanwhile).
	const sleeper = new Int32Array( new SharedArrayBuffer( 4 ) );
	try {
		// Preallocated and synced first, like a WAL being reused: no size change per fsync.
		writeSync( fd, Buffer.alloc( FILE_BYTES, 1 ), 0, FILE_BYTES, 0 );
		fsyncSync( fd );
		const data = Buffer.alloc( WRITE, 2 );
		const times = [];
		let offset = 0;
		const until = performance.now() + durationMs;
		while ( performance.now() < until ) {
			Atomics.wait( sleeper, 0, 0, gapMs );
			const t = performance.now();
			writeSync( fd, data, 0, WRITE, offset );
			fsyncSync( fd );
			times.push( performance.now() - t );
			offset = ( offset + WRITE ) % ( FILE_BYTES - WRITE );
		}
		const slow = times.filter( ( x ) => x > SLOW_SYNC_MS ).length;
		times.sort( ( a, b ) => a - b );
		const q = ( p ) => times[ Math.min( times.length - 1, Math.floor( p * times.length ) ) ];
		return { samples: times.length, p50: q( 0.5 ), p99: q( 0.99 ), max: times[ times.length - 1 ], slowShare: slow / times.length };
	} finally {
		closeSync( fd );
		rmSync( dir, { recursive: true, force: true } );
	}
}
