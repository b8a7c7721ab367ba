/**
 * Chat codes: at chat start a UUID is made; the visitor gets a short code
 * derived from it (12 Crockford base32 characters = 60 bits), shown as
 * XXXX-XXXX-XXXX. The service keeps only a SHA-256 of the code, so the
 * database alone cannot be used to delete or read a visitor's chat.
 */
import { createHash, randomUUID } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_LENGTH = 12;

/** Code from a UUID's first 60 bits (UUIDv4 bits 0–47 are random; 52–63 too). */
export function codeFromUuid( uuid: string ): string {
	const hex = uuid.replace( /-/g, '' );
	// Skip the version nibble (index 12) so all 60 bits are random.
	const bits = BigInt( '0x' + hex.slice( 0, 12 ) + hex.slice( 13, 16 ) );
	let out = '';
	for ( let i = CODE_LENGTH - 1; i >= 0; i-- ) {
		out += ALPHABET[ Number( ( bits >> BigInt( i * 5 ) ) & 31n ) ];
	}
	return out;
}

export function newChatCode(): string {
	return codeFromUuid( randomUUID() );
}

/**
 * People type codes: accept lower case, dashes and spaces, and Crockford's
 * look-alikes (O→0, I/L→1). Returns null for anything that cannot be a code.
 */
export function normaliseCode( input: string ): string | null {
	const s = input
		.toUpperCase()
		.replace( /[\s-]/g, '' )
		.replace( /O/g, '0' )
		.replace( /[IL]/g, '1' );
	if ( s.length !== CODE_LENGTH ) return null;
	for ( const ch of s ) {
		if ( ! ALPHABET.includes( ch ) ) return null;
	}
	return s;
}

export function formatCode( code: string ): string {
	return code.match( /.{1,4}/g )!.join( '-' );
}

export function hashCode( code: string ): string {
	return createHash( 'sha256' ).update( code ).digest( 'hex' );
}
