/** A visitor ticket from WordPress ({ token, service }), for the chat's WebSocket and the contact form. */
import type { FrontendConfig } from '../contract';

export async function visitorTicket( config: FrontendConfig ): Promise< { token: string; service: string } > {
	// No cookies: the visitor stays anonymous even when logged in to WordPress.
	const res = await fetch( config.tokenUrl, { method: 'POST', credentials: 'omit' } );
	if ( ! res.ok ) throw new Error( `token ${ res.status }` );
	return ( await res.json() ) as { token: string; service: string };
}
