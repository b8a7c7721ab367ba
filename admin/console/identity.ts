/**
 * Who this console is signed in as, read from its agent token's claims.
 */
import type { AgentIdentity } from './state';

/** Reads the claims of the agent's token (a JWT); only what the console shows. Null if unreadable. */
export function identityFromToken( token: string ): AgentIdentity | null {
	const part = token.split( '.' )[ 1 ];
	if ( ! part ) return null;
	try {
		const json = decodeBase64Url( part );
		const claims = JSON.parse( json ) as { sub?: unknown; depts?: unknown };
		if ( typeof claims.sub !== 'string' ) return null;
		const depts = Array.isArray( claims.depts ) ? claims.depts.filter( ( d ): d is string => typeof d === 'string' ) : [];
		return { sub: claims.sub, depts };
	} catch {
		return null;
	}
}

function decodeBase64Url( part: string ): string {
	const b64 = part.replace( /-/g, '+' ).replace( /_/g, '/' ).padEnd( Math.ceil( part.length / 4 ) * 4, '=' );
	const binary = atob( b64 );
	const bytes = Uint8Array.from( binary, ( c ) => c.charCodeAt( 0 ) );
	return new TextDecoder().decode( bytes );
}
