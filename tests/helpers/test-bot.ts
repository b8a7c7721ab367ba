/**
 * A small real bot for the tests of a site's own bot: a node HTTP server
 * that checks the signature of every event the service posts (its own
 * HMAC code, not the service's, so a fault in one is not mirrored in the
 * other), records the events, answers each as the test says, and sends
 * replies to the service's `POST /bot/reply`, signed the same way.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Event = {
	id: string;
	at: number;
	site: string;
	type: string;
	chat: { id: string; mode: string; lang: string | null; dept: string | null };
	message?: { seq: number; text: string };
};

/** How the bot answers a post: a status (with a Location for a redirect), or never (the connection is left open). */
export type Behaviour = { status: number; location?: string } | 'hang';

export interface TestBot {
	url: string;
	secret: string;
	events: Event[];
	/** Posts whose signature did not check (the test expects none). */
	badSignatures: number;
	/** Posts that arrived at the redirect's target (a service that follows redirects). */
	redirected: number;
	behaviour: Behaviour;
	/** Resolves with the first event (already there or yet to come) that `match` accepts. */
	next( match: ( e: Event ) => boolean ): Promise< Event >;
	/** POST /bot/reply to the service; `sign` may be replaced to sign wrongly. */
	reply( service: string, body: unknown, opts?: { secret?: string; header?: string | null; t?: number } ): Promise< { status: number; body: any } >;
	close(): Promise< void >;
}

export function signature( secret: string, body: string, t = Math.floor( Date.now() / 1000 ) ): string {
	return `t=${ t },v1=${ createHmac( 'sha256', secret ).update( `${ t }.${ body }` ).digest( 'hex' ) }`;
}

function verified( secret: string, body: string, header: string | undefined ): boolean {
	const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec( header ?? '' );
	if ( ! m || Math.abs( Date.now() / 1000 - Number( m[ 1 ] ) ) > 300 ) return false;
	const expected = createHmac( 'sha256', secret ).update( `${ m[ 1 ] }.${ body }` ).digest();
	return timingSafeEqual( expected, Buffer.from( m[ 2 ], 'hex' ) );
}

export async function startTestBot( secret: string ): Promise< TestBot > {
	const waiting: Array< () => void > = [];
	const hanging: ServerResponse[] = [];
	const bot: TestBot = {
		url: '',
		secret,
		events: [],
		badSignatures: 0,
		redirected: 0,
		behaviour: { status: 204 },
		async next( match ) {
			for ( ;; ) {
				const found = bot.events.find( match );
				if ( found ) return found;
				await new Promise< void >( ( r ) => waiting.push( r ) );
			}
		},
		async reply( service, body, opts = {} ) {
			const text = typeof body === 'string' ? body : JSON.stringify( body );
			const header = opts.header === undefined ? signature( opts.secret ?? secret, text, opts.t ) : opts.header;
			const res = await fetch( `${ service }/bot/reply`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', ...( header === null ? {} : { 'x-consent-chat-signature': header } ) },
				body: text,
			} );
			return { status: res.status, body: await res.json().catch( () => null ) };
		},
		async close() {
			hanging.splice( 0 ).forEach( ( r ) => r.destroy() );
			server.closeAllConnections();
			await new Promise( ( r ) => server.close( r ) );
		},
	};
	const server = createServer( ( req: IncomingMessage, res: ServerResponse ) => {
		// Where a redirect points: it takes anything (a service that followed would count it as answered).
		if ( req.url === '/elsewhere' ) {
			bot.redirected++;
			req.resume();
			res.writeHead( 204 ).end();
			return;
		}
		const chunks: Buffer[] = [];
		req.on( 'data', ( c: Buffer ) => chunks.push( c ) );
		req.on( 'end', () => {
			const body = Buffer.concat( chunks ).toString( 'utf8' );
			const header = req.headers[ 'x-consent-chat-signature' ];
			if ( ! verified( secret, body, Array.isArray( header ) ? header[ 0 ] : header ) ) {
				bot.badSignatures++;
				res.writeHead( 401 ).end();
				return;
			}
			bot.events.push( JSON.parse( body ) as Event );
			waiting.splice( 0 ).forEach( ( w ) => w() );
			const behaviour = bot.behaviour;
			if ( behaviour === 'hang' ) hanging.push( res );
			else res.writeHead( behaviour.status, behaviour.location ? { location: behaviour.location } : {} ).end();
		} );
	} );
	await new Promise< void >( ( r ) => server.listen( 0, '127.0.0.1', r ) );
	bot.url = `http://127.0.0.1:${ ( server.address() as AddressInfo ).port }/events`;
	return bot;
}

/** A URL nobody listens on (a port that was free a moment ago): posting to it is refused. */
export async function refusedUrl(): Promise< string > {
	const server = createServer();
	await new Promise< void >( ( r ) => server.listen( 0, '127.0.0.1', r ) );
	const { port } = server.address() as AddressInfo;
	await new Promise( ( r ) => server.close( r ) );
	return `http://127.0.0.1:${ port }/events`;
}
