/**
 * HTTP as the API speaks it: JSON answers (never cached, any origin), bodies
 * read within the frame limit and checked by a valibot schema, bearer tokens,
 * query parameters, CORS preflights, and every refusal as `{ error, message }`
 * with its 4xx status. The routes themselves (what each endpoint does) are
 * in public-routes.ts and admin-routes.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import type { SiteConfig } from '../config';
import type { AddressLimits } from '../address-limits';
import { OwnerUnavailableError } from '../cluster/calls';
import type { Logger } from '../log';
import { LIMITS, type ErrorCode } from '../protocol';
import type { Revocations } from '../revocations';
import type { FrontDoor } from '../front-door';
import type { SitePolicies } from '../site-policy';
import type { SiteAssistants } from '../assistant/site-assistants';
import type { PageViewCounter } from '../store/page-views';
import type { ChatStore } from '../store/types';
import { verifyToken, type Identity, type TokenRole } from '../tokens';

export interface HttpContext {
	sites: ReadonlyMap< string, SiteConfig >;
	rooms: FrontDoor;
	store: ChatStore;
	limits: AddressLimits;
	/** The request's client address (client-address.ts), the key of every per-address limit. */
	addressOf: ( req: IncomingMessage ) => string;
	log: Logger;
	pageViews: PageViewCounter;
	policies: SitePolicies;
	/** Each site's assistant in force, and where WordPress's pushes are saved. */
	assistants: SiteAssistants;
	revocations: Revocations;
	/** Null when ready; else why not (GET /readyz). */
	readiness: () => Promise< NotReady | null >;
}

/** Why /readyz answers 503: the service is draining (SIGTERM), or the store takes no writes. */
export type NotReady = 'draining' | 'store';

export class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly code: ErrorCode,
		message: string
	) {
		super( message );
	}
}

export const json = ( res: ServerResponse, status: number, body: unknown ): void => {
	res.writeHead( status, {
		'content-type': 'application/json; charset=utf-8',
		'cache-control': 'no-store',
		'access-control-allow-origin': '*',
	} );
	res.end( JSON.stringify( body ) );
};

export async function readJson< T >( req: IncomingMessage, schema: v.GenericSchema< unknown, T > ): Promise< T > {
	const data = await readBody( req, LIMITS.maxFrameBytes );
	const result = v.safeParse( schema, data );
	if ( ! result.success ) {
		const i = result.issues[ 0 ];
		const path = i.path?.map( ( p ) => String( p.key ) ).join( '.' );
		throw new HttpError( 400, 'bad_request', path ? `${ path }: ${ i.message }` : i.message );
	}
	return result.output;
}

/**
 * The body as JSON, unchecked (the caller checks it), refused with 413 past
 * `maxBytes` (read no further) and 400 if it is not JSON. A declared
 * Content-Length over the limit is refused before anything is read.
 */
export async function readBody( req: IncomingMessage, maxBytes: number ): Promise< unknown > {
	const text = await readText( req, maxBytes );
	try {
		return JSON.parse( text ) as unknown;
	} catch {
		throw new HttpError( 400, 'bad_json', 'body is not valid JSON' );
	}
}

/** The body as text (a signature covers its exact bytes), refused with 413 past `maxBytes` as readBody. */
export async function readText( req: IncomingMessage, maxBytes: number ): Promise< string > {
	if ( Number( req.headers[ 'content-length' ] ?? 0 ) > maxBytes ) throw new HttpError( 413, 'too_large', `request body over ${ maxBytes } bytes` );
	const chunks: Buffer[] = [];
	let size = 0;
	for await ( const chunk of req as AsyncIterable< Buffer > ) {
		size += chunk.length;
		if ( size > maxBytes ) throw new HttpError( 413, 'too_large', `request body over ${ maxBytes } bytes` );
		chunks.push( chunk );
	}
	return Buffer.concat( chunks ).toString( 'utf8' );
}

export function bearer( req: IncomingMessage, ctx: HttpContext, role: TokenRole ): Identity< TokenRole > {
	const header = req.headers.authorization ?? '';
	const token = header.startsWith( 'Bearer ' ) ? header.slice( 7 ) : '';
	if ( ! token ) throw new HttpError( 401, 'auth_required', 'send Authorization: Bearer <token>' );
	const verified = verifyToken( token, ctx.sites );
	if ( ! verified.ok ) throw new HttpError( 401, verified.code, verified.message );
	if ( verified.identity.role !== role ) throw new HttpError( 403, 'forbidden', `needs a ${ role } token` );
	return verified.identity;
}

export function siteParam( url: URL, ctx: HttpContext ): SiteConfig {
	const id = url.searchParams.get( 'site' );
	if ( ! id ) throw new HttpError( 400, 'bad_request', 'the "site" parameter is required' );
	const site = ctx.sites.get( id );
	if ( ! site ) throw new HttpError( 404, 'not_found', 'no such site' );
	return site;
}

export function numberParam( url: URL, name: string, fallback: number ): number {
	const raw = url.searchParams.get( name );
	if ( raw === null ) return fallback;
	const n = Number( raw );
	if ( ! Number.isFinite( n ) ) throw new HttpError( 400, 'bad_request', `"${ name }" must be a number` );
	return n;
}

export type Handler = ( req: IncomingMessage, res: ServerResponse, url: URL, ctx: HttpContext ) => Promise< void > | void;

/** Path → method → handler. */
export type Routes = Record< string, Partial< Record< string, Handler > > >;

/** Answers one request from `routes`. */
export async function serve( routes: Routes, req: IncomingMessage, res: ServerResponse, ctx: HttpContext ): Promise< void > {
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
		if ( e instanceof OwnerUnavailableError ) {
			// Several nodes, between two owners of the site (one just stopped): worth retrying in a moment.
			res.setHeader( 'retry-after', '2' );
			json( res, 503, { error: e.code, message: e.message } );
			return;
		}
		ctx.log.error( { err: e }, 'http request failed' );
		if ( ! res.headersSent ) json( res, 500, { error: 'internal', message: 'the service could not handle that' } );
	}
}
