/**
 * A logger whose lines (warn and above) a test can read, for the service's
 * parts that take a Logger (e.g. "no batch met a deadlock").
 */
import pino from 'pino';
import { Writable } from 'node:stream';

export function capturedLog(): { log: pino.Logger; lines: string[] } {
	const lines: string[] = [];
	const sink = new Writable( {
		write( chunk: Buffer, _enc, done ) {
			lines.push( chunk.toString() );
			done();
		},
	} );
	return { log: pino( { level: 'warn' }, sink ), lines };
}
