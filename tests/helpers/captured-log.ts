/**
 * A real pino logger (the service's Logger type) whose lines a test reads:
 * parsed JSON objects, in order, from `level` up.
 */
import pino from 'pino';
import { Writable } from 'node:stream';
import type { Logger } from '../../server/log';

export interface CapturedLog {
	log: Logger;
	/** Every line so far, parsed. */
	lines: Array< Record< string, unknown > & { msg?: string } >;
	/** Every line so far, as written (for greps). */
	text(): string;
	/** Resolves with the first line (already there or yet to come) that `match` accepts. */
	waitFor( match: ( line: CapturedLog[ 'lines' ][ number ] ) => boolean ): Promise< CapturedLog[ 'lines' ][ number ] >;
}

export function capturedLog( level = 'debug' ): CapturedLog {
	const raw: string[] = [];
	const lines: CapturedLog[ 'lines' ] = [];
	const waiting: Array< () => void > = [];
	const sink = new Writable( {
		write( chunk: Buffer, _enc, done ) {
			const s = chunk.toString();
			raw.push( s );
			for ( const line of s.split( '\n' ) ) if ( line.trim() ) lines.push( JSON.parse( line ) );
			for ( const w of waiting.splice( 0 ) ) w();
			done();
		},
	} );
	const waitFor: CapturedLog[ 'waitFor' ] = async ( match ) => {
		for ( ;; ) {
			const found = lines.find( match );
			if ( found ) return found;
			await new Promise< void >( ( r ) => waiting.push( r ) );
		}
	};
	return { log: pino( { level }, sink ), lines, text: () => raw.join( '' ), waitFor };
}
