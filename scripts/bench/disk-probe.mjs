/**
 * How long the disk takes to make one small write durable, as SQLite's WAL
 * does on every commit in stored mode (write a 4120-byte frame into a
 * preallocated file, fsync). Every stored message waits for at least one such
 * fsync before anyone sees it, so this is the floor under the stored
 * latency; on a shared virtual disk it moves from hour to hour, and the bench
 * prints it so a run can be read against it.
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const FRAME = 24 + 4096;
const FILE_BYTES = 4 << 20;

/** @returns {{ samples: number, p50: number, p99: number, max: number }} milliseconds */
export function probeFsync( parentDir, durationMs = 1500 ) {
	const dir = mkdtempSync( join( parentDir, 'cc-bench-disk-' ) );
	const fd = openSync( join( dir, 'probe' ), 'w' );
	try {
		// Preallocated and synced first, like a WAL being reused: no size change per fsync.
		writeSync( fd, Buffer.alloc( FILE_BYTES, 1 ), 0, FILE_BYTES, 0 );
		fsyncSync( fd );
		const frame = Buffer.alloc( FRAME, 2 );
		const times = [];
		let offset = 0;
		const until = performance.now() + durationMs;
		while ( performance.now() < until ) {
			const t = performance.now();
			writeSync( fd, frame, 0, FRAME, offset );
			fsyncSync( fd );
			times.push( performance.now() - t );
			offset = ( offset + FRAME ) % ( FILE_BYTES - FRAME );
		}
		times.sort( ( a, b ) => a - b );
		const q = ( p ) => times[ Math.min( times.length - 1, Math.floor( p * times.length ) ) ];
		return { samples: times.length, p50: q( 0.5 ), p99: q( 0.99 ), max: times[ times.length - 1 ] };
	} finally {
		closeSync( fd );
		rmSync( dir, { recursive: true, force: true } );
	}
}
