/**
 * The public endpoints (no cookies, any origin): `GET /health`, `/livez`,
 * `/readyz` (for load balancers and orchestrators), `GET /availability`,
 * `POST /chats/delete` (by chat code, attempts limited per address),
 * `POST /contact` (with a visitor token), `POST /track` (the tracking
 * embed's page views, sent only after consent; site id plus an allowed
 * Origin).
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import * as v from 'valibot';
import { LIMITS, TrackBodySchema } from '../protocol';
import type { DeleteResult } from '../rooms';
import { bearer, HttpError, json, readJson, siteParam, type Routes } from './transport';

const Id = v.pipe( v.string(), v.regex( /^[A-Za-z0-9_-]{1,64}$/ ) );
const DeleteBody = v.object( { site: Id, code: v.pipe( v.string(), v.maxLength( 32 ) ) } );
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

export const publicRoutes: Routes = {
	'/health': {
		GET: async ( _req, res, _url, ctx ) => json( res, 200, { status: 'ok', ...( await ctx.rooms.counts() ) } ),
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
		GET: async ( _req, res, url, ctx ) => {
			const site = siteParam( url, ctx );
			const dept = url.searchParams.get( 'dept' ) || null;
			const online = await ctx.rooms.available( site.id, dept );
			// Whether a chat started now would be answered by the site's assistant first (the start window says so).
			const inForce = ctx.assistants.get( site.id );
			const assistant = inForce?.servesNewChat( dept, online ) ?? false;
			// The site's own bot would answer: the start window names the service the messages go to.
			const bot = assistant ? inForce?.bot?.name : undefined;
			json( res, 200, { site: site.id, dept, online, assistant, ...( bot ? { bot } : {} ) } );
		},
	},
	'/chats/delete': {
		POST: async ( req, res, _url, ctx ) => {
			const ip = ctx.addressOf( req );
			if ( ! await ctx.limits.mayTry( ip ) ) {
				throw new HttpError( 429, 'rate_limited', 'too many wrong codes; try again later' );
			}
			const body = await readJson( req, DeleteBody );
			if ( ! ctx.sites.has( body.site ) ) throw new HttpError( 404, 'not_found', 'no such site' );
			const result = await ctx.rooms.deleteByCode( body.site, body.code );
			if ( result === 'not_found' ) await ctx.limits.recordFailure( ip );
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
};

/** The answer to a deletion by code, the visitor's or the site's. */
export function answerDelete( res: ServerResponse, result: DeleteResult ): void {
	if ( result === 'deleted' ) json( res, 200, { deleted: true } );
	else if ( result === 'kept' ) json( res, 409, { error: 'conflict', message: 'the site keeps this chat as a record; ask the site to delete it' } );
	else json( res, 404, { error: 'not_found', message: 'no chat with that code' } );
}

