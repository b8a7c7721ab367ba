import { randomUUID } from 'node:crypto';
import { codeFromUuid, formatCode, hashCode, newChatCode, normaliseCode } from '../../server/chat-code';

describe( 'chat codes', () => {
	it( 'derives 12 Crockford base32 characters from a UUID, deterministically', () => {
		const uuid = randomUUID();
		const code = codeFromUuid( uuid );
		expect( code ).toMatch( /^[0-9A-HJKMNP-TV-Z]{12}$/ );
		expect( codeFromUuid( uuid ) ).toBe( code );
	} );

	it( 'spreads codes (no collisions in 10k)', () => {
		const seen = new Set( Array.from( { length: 10_000 }, newChatCode ) );
		expect( seen.size ).toBe( 10_000 );
	} );

	it( 'normalises what people type', () => {
		const code = newChatCode();
		const shown = formatCode( code );
		expect( shown ).toMatch( /^.{4}-.{4}-.{4}$/ );
		expect( normaliseCode( shown.toLowerCase() ) ).toBe( code );
		expect( normaliseCode( ' 0O1I-L0o0-0000 ' ) ).toBe( '001110000000' );
		expect( normaliseCode( 'short' ) ).toBeNull();
		expect( normaliseCode( 'UUUU-UUUU-UUUU' ) ).toBeNull(); // U is not in the alphabet
	} );

	it( 'hashes, so the code itself is never stored', () => {
		const code = newChatCode();
		expect( hashCode( code ) ).toMatch( /^[0-9a-f]{64}$/ );
		expect( hashCode( code ) ).not.toContain( code );
	} );
} );
