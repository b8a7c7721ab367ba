/**
 * The small HTTP API beside the WebSocket, on the same port.
 *
 * Public (no cookies, any origin): `GET /health`, `GET /livez`, `GET /readyz`
 * (for load balancers and orchestrators), `GET /availability`,
 * `POST /chats/delete` (by chat code, attempts limited per address),
 * `POST /contact` (with a visitor token), `POST /track` (the tracking embed's
 * page views, sent only after consent; site id plus an allowed Origin).
 * For WordPress itself (a `site` token): `/admin/status`, `/admin/purge`,
 * `/admin/stats`, `/admin/contacts`, `/admin/chats/delete`, `/admin/page-views`,
 * `/admin/policy` (the site's storage policy, set from its WordPress settings).
 *
 * Every refusal is JSON `{ error, message }` with a 4xx status.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import type { SiteConfig } from './config';
import type { IpLimiter } from './ip-limiter';
import type { Logger } from './log';
import { LIMITS, TrackBodySchema, type ErrorCode } from './protocol';
import type { ChatRooms } from './rooms';
import { policyOf, SitePolicy, type SitePolicies } from './site-policy';
import type { PageViewStore } from './store/page-views';
import type { ChatStore } from './store/types';
import { verifyToken, type Identity, type TokenRole } from './tokens';

export interface HttpContext {
	sites: ReadonlyMap< string, SiteConfig >;
	rooms: ChatRooms;
	store: ChatStore;
	ips: IpLimiter;
	/** The request's client address (client-address.ts), the key of every per-address limit. */
	addressOf: ( req: IncomingMessage ) => string;
	log: Logger;
	pageViews: PageViewStore;
	policies: SitePolicies;
	/** Null when ready; else why not (GET /readyz). */
	readiness: () => Promise< NotReady | null >;
}

/** Why /readyz answers 503: the service is draining (SIGTERM), or the store takes no writes. */
export type NotReady = 'draining' | 'store';

class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly code: ErrorCode,
		message: string
	) {
		super( message );
	}
}

const Id = v.pipe( v.string(), v.regex( /^[A-Za-z0-9_-]{1,64}$/ ) );
const DeleteBody = v.object( { site: Id, code: v.pipe( v.string(), v.maxLength( 32 ) ) } );
const AdminDeleteBody = v.object( { code: v.pipe( v.string(), v.maxLength( 32 ) ) } );
const Email = v.pipe( v.string(), v.trim(), v.email( 'not an e-mail address' ), v.maxLength( 254 ) );
const EraseBody = v.object( { email: Email } );
const ContactBody = v.object( {
	dept: v.optional( Id ),
	lang: v.optional( v.pipe( v.string(), v.maxLength( 20 ) ) ),
	fields: v.pipe(
		v.record( Id, v.pipe( v.string(), v.maxLength( LIMITS.maxFieldLength ) ) ),
		v.check( ( r ) => Object.keys( r ).length <= LIMITS.maxFields, 'too many fields' )
	),
	/** The opt-ins the visitor ticked, with the exact text and version shown. */
	consents: v.pipe(
		v.array( v.object( { id: Id, version: v.pipe( v.string(), v.maxLength( 64 ) ), text: v.pipe( v.string(), v.maxLength( 2000 ) ) } ) ),
		v.maxLength( 20 )
	),
} );

/**
 * The referring host of a page view, as counted: '' for none or for one of the
 * site's own hosts. The embed already leaves out its own origin; this also
 * drops the site's other origins (www and bare domain), which only the
 * service knows.
 */
export function externalHost( host: string | undefined, origins: readonly string[] ): string {
	if ( ! host ) return '';
	const own = origins.map( ( o ) => {
		try {
			return new URL( o ).hostname;
		} catch {
			return '';
		}
	} );
	const bare = host.replace( /\.$/, '' );
	return own.includes( bare ) ? '' : bare;
}

const json = ( res: ServerResponse, status: number, body: unknown ): void => {
	res.writeHead( status, {
		'content-type': 'application/json; charset=utf-8',
		'cache-control': 'no-store',
		'access-control-allow-origin': '*',
	} );
	res.end( JSON.stringify( body ) );
};

async function readJson< T >( req: IncomingMessage, schema: v.GenericSchema< unknown, T > ): Promise< T > {
	const chunks: Buffer[] = [];
	let size = 0;
	for await ( const chunk of req as AsyncIterable< Buffer > ) {
		size += chunk.length;
		if ( size > LIMITS.maxFrameBytes ) throw new HttpError( 413, 'too_large', 'request body too large' );
		chunks.push( chunk );
	}
	let data: unknown;
	try {
		data = JSON.parse( Buffer.concat( chunks ).toString( 'utf8' ) );
	} catch {
		throw new HttpError( 400, 'bad_json', 'body is not valid JSON' );
	}
	const result = v.safeParse( schema, data );
	if ( ! result.success ) {
		const i = result.issues[ 0 ];
		const path = i.path?.map( ( p ) => String( p.key ) ).join( '.' );
		throw new HttpError( 400, 'bad_request', path ? `${ path }: ${ i.message }` : i.message );
	}
	return result.output;
}

function bearer( req: IncomingMessage, ctx: HttpContext, role: TokenRole ): Identity< TokenRole > {
	const header = req.headers.authorization ?? '';
	const token = header.startsWith( 'Bearer ' ) ? header.slice( 7 ) : '';
	if ( ! token ) throw new HttpError( 401, 'auth_required', 'send Authorization: Bearer <token>' );
	const verified = verifyToken( token, ctx.sites );
	if ( ! verified.ok ) throw new HttpError( 401, verified.code, verified.message );
	if ( verified.identity.role !== role ) throw new HttpError( 403, 'forbidden', `needs a ${ role } token` );
	return verified.identity;
}

function siteParam( url: URL, ctx: HttpContext ): SiteConfig {
	const id = url.searchParams.get( 'site' );
	if ( ! id ) throw new HttpError( 400, 'bad_request', 'the "site" parameter is required' );
	const site = ctx.sites.get( id );
	if ( ! site ) throw new HttpError( 404, 'not_found', 'no such site' );
	return site;
}

function numberParam( url: URL, name: string, fallback: number ): number {
	const raw = url.searchParams.get( name );
	if ( raw === null ) return fallback;
	const n = Number( raw );
	if ( ! Number.isFinite( n ) ) throw new HttpError( 400, 'bad_request', `"${ name }" must be a number` );
	return n;
}

type Handler = ( req: IncomingMessage, res: ServerResponse, url: URL, ctx: HttpContext ) => Promise< void > | void;

const routes: Record< string, Partial< Record< string, Handler > > > = {
	'/health': {
		GET: ( _req, res, _url, ctx ) => json( res, 200, { status: 'ok', ...ctx.rooms.counts() } ),
	},
	// The process is up and its event loop answers: restart it only when this fails.
	'/livez': {
		GET: ( _req, res ) => json( res, 200, { status: 'ok' } ),
	},
	// Send it traffic: the store takes writes and the service is not draining.
	'/readyz': {
		GET: async ( _req, res, _url, ctx ) => {
			const reason = await ctx.readiness();
			if ( reason ) json( res, 503, { status: 'unavailable', reason } );
			else json( res, 200, { status: 'ready' } );
		},
	},
	'/availability': {
		GET: ( _req, res, url, ctx ) => {
			const site = siteParam( url, ctx );
			const dept = url.searchParams.get( 'dept' ) || null;
			json( res, 200, { site: site.id, dept, online: ctx.rooms.available( site.id, dept ) } );
		},
	},
	'/chats/delete': {
		POST: async ( req, res, _url, ctx ) => {
			const ip = ctx.addressOf( req );
			if ( ! ctx.ips.mayTry( ip ) ) {
				throw new HttpError( 429, 'rate_limited', 'too many wrong codes; try again later' );
			}
			const body = await readJson( req, DeleteBody );
			if ( ! ctx.sites.has( body.site ) ) throw new HttpError( 404, 'not_found', 'no such site' );
			const result = await ctx.rooms.deleteByCode( body.site, body.code );
			if ( result === 'not_found' ) ctx.ips.recordFailure( ip );
			answerDelete( res, result );
		},
	},
	'/contact': {
		POST: async ( req, res, _url, ctx ) => {
			const visitor = bearer( req, ctx, 'visitor' );
			const body = await readJson( req, ContactBody );
			const id = randomUUID();
			await ctx.store.insertContact( {
				id,
				site: visitor.site.id,
				createdAt: Date.now(),
				dept: body.dept ?? null,
				lang: body.lang ?? null,
				fields: body.fields,
				consents: body.consents,
			} );
			json( res, 201, { id } );
		},
	},
	'/track': {
		POST: async ( req, res, _url, ctx ) => {
			const body = await readJson( req, TrackBodySchema );
			const site = ctx.sites.get( body.site );
			if ( ! site ) throw new HttpError( 404, 'not_found', 'no such site' );
			// Site-scoped: only the site's own pages may count views for it.
			const origin = req.headers.origin ?? '';
			if ( ! site.origins.includes( origin ) ) throw new HttpError( 403, 'bad_origin', 'origin not allowed for this site' );
			ctx.pageViews.count( {
				site: site.id,
				at: Date.now(),
				// The schema refuses a query or fragment (they may carry personal data).
				path: body.path,
				referrerHost: externalHost( body.referrerHost, site.origins ),
				returning: body.returning,
			} );
			res.writeHead( 204, { 'access-control-allow-origin': '*', 'cache-control': 'no-store' } );
			res.end();
		},
	},
	'/admin/page-views': {
		GET: ( req, res, url, ctx ) => {
			const { site } = bearer( req, ctx, 'site' );
			const to = numberParam( url, 'to', Date.now() );
			const from = numberParam( url, 'from', to - 30 * 86_400_000 );
			json( res, 200, { from, to, rows: ctx.pageViews.rows( site.id, from, to ) } );
		},
	},
	'/admin/status': {
		GET: ( req, res, _url, ctx ) => {
			const { site } = bearer( req, ctx, 'site' );
			json( res, 200, {
				site: site.id,
				...ctx.rooms.counts( site.id ),
				...policyOf( site ),
			} );
		},
	},
	'/admin/policy': {
		GET: ( req, res, _url, ctx ) => {
			const { site } = bearer( req, ctx, 'site' );
			json( res, 200, policyOf( site ) );
		},
		PUT: async ( req, res, _url, ctx ) => {
			const { site } = bearer( req, ctx, 'site' );
			const policy = await readJson( req, SitePolicy );
			json( res, 200, ctx.policies.set( site.id, policy ) );
		},
	},
	'/admin/purge': {
		POST: async ( req, res, _url, ctx ) => {
			// A site runs retention for its own chats only, never another site's.
			const { site } = bearer( req, ctx, 'site' );
			json( res, 200, { deleted: await ctx.rooms.purgeExpired( site.id ) } );
		},
	},
	'/admin/stats': {
		GET: async ( req, res, url, ctx ) => {
			const { site } = bearer( req, ctx, 'site' );
			const to = numberParam( url, 'to', Date.now() );
			const from = numberParam( url, 'from', to - 30 * 86_400_000 );
			json( res, 200, { from, to, rows: await ctx.store.stats( site.id, from, to ) } );
		},
	},
	'/admin/contacts': {
		GET: async ( req, res, _url, ctx ) => {
			const { site } = bearer( req, ctx, 'site' );
			json( res, 200, { submissions: await ctx.store.contacts( site.id ) } );
		},
	},
	'/admin/personal-data': {
		// WordPress's personal data exporter: what the service holds about one e-mail address.
		GET: async ( req, res, url, ctx ) => {
			const { site } = bearer( req, ctx, 'site' );
			const parsed = v.safeParse( Email, url.searchParams.get( 'email' ) ?? '' );
			if ( ! parsed.success ) throw new HttpError( 400, 'bad_request', `"email": ${ parsed.issues[ 0 ].message }` );
			const found = await ctx.store.findByEmail( site.id, parsed.output );
			const chats = await Promise.all(
				found.chats.map( async ( c ) => ( {
					id: c.id,
					createdAt: c.createdAt,
					closedAt: c.closedAt,
					dept: c.dept,
					visitorName: c.visitorName,
					agentName: c.agentName,
					from: c.from,
					consentVersion: c.consentVersion,
					keep: c.keep,
					messages: await ctx.store.messagesAfter( c.id, 0 ),
				} ) )
			);
			json( res, 200, { contacts: found.contacts, chats } );
		},
	},
	'/admin/personal-data/erase': {
		POST: async ( req, res, _url, ctx ) => {
			const { site } = bearer( req, ctx, 'site' );
			const body = await readJson( req, EraseBody );
			json( res, 200, await ctx.rooms.eraseByEmail( site.id, body.email ) );
		},
	},
	'/admin/chats/delete': {
		POST: async ( req, res, _url, ctx ) => {
			const { site } = bearer( req, ctx, 'site' );
			const body = await readJson( req, AdminDeleteBody );
			answerDelete( res, await ctx.rooms.deleteByCode( site.id, body.code ) );
		},
	},
};

function answerDelete( res: ServerResponse, result: Awaited< ReturnType< ChatRooms[ 'deleteByCode' ] > > ): void {
	if ( result === 'deleted' ) json( res, 200, { deleted: true } );
	else if ( result === 'kept' ) json( res, 409, { error: 'conflict', message: 'the site keeps this chat as a record; ask the site to delete it' } );
	else json( res, 404, { error: 'not_found', message: 'no chat with that code' } );
}

export async function handleHttp( req: IncomingMessage, res: ServerResponse, ctx: HttpContext ): Promise< void > {
	const url = new URL( req.url ?? '/', 'http://service' );
	const route = routes[ url.pathname ];
	try {
		if ( req.method === 'OPTIONS' && route ) {
			// CORS preflight: public endpoints take JSON and a bearer token, no cookies.
			res.writeHead( 204, {
				'access-control-allow-origin': '*',
				'access-control-allow-methods': Object.keys( route ).join( ', ' ),
				'access-control-allow-headers': 'authorization, content-type',
				'access-control-max-age': '600',
			} );
			res.end();
			return;
		}
		if ( ! route ) throw new HttpError( 404, 'not_found', `no route ${ url.pathname }` );
		const handler = route[ req.method === 'HEAD' ? 'GET' : req.method ?? '' ];
		if ( ! handler ) throw new HttpError( 405, 'method_not_allowed', `use ${ Object.keys( route ).join( ' or ' ) }` );
		await handler( req, res, url, ctx );
	} catch ( e ) {
		if ( e instanceof HttpError ) {
			json( res, e.status, { error: e.code, message: e.message } );
			return;
		}
		ctx.log.error( { err: e }, 'http request failed' );
		if ( ! res.headersSent ) json( res, 500, { error: 'internal', message: 'the service could not handle that' } );
	}
}
