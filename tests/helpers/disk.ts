/**
 * Reading an engine's files the way the privacy tests grep them: every file
 * under a folder, as latin1 (so any byte sequence can be searched for), and
 * an address in the encodings a person searching the files would try.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function filesUnder( dir: string ): string[] {
	if ( ! existsSync( dir ) ) return [];
	return readdirSync( dir ).flatMap( ( name ) => {
		const p = join( dir, name );
		return statSync( p ).isDirectory() ? filesUnder( p ) : [ p ];
	} );
}

/** Every file under `dir`, joined, as latin1. */
export function readAll( dir: string ): string {
	return filesUnder( dir )
		.map( ( f ) => readFileSync( f ).toString( 'latin1' ) )
		.join( '\n' );
}

/** An IPv4 address as text, reversed, base64, hex, raw bytes, as a number, and its plain SHA-256. */
export function addressEncodings( address: string ): string[] {
	const bytes = Buffer.from( address.split( '.' ).map( Number ) );
	const digest = createHash( 'sha256' ).update( address ).digest();
	return [
		address,
		address.split( '.' ).reverse().join( '.' ), // in-addr.arpa order
		Buffer.from( address ).toString( 'base64' ).replace( /=+$/, '' ),
		Buffer.from( address ).toString( 'hex' ),
		bytes.toString( 'latin1' ), // the four raw bytes
		bytes.toString( 'hex' ),
		String( bytes.readUInt32BE() ),
		digest.toString( 'hex' ),
		digest.toString( 'base64url' ),
		digest.toString( 'base64' ).replace( /=+$/, '' ),
	];
}
