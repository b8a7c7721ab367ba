/**
 * Verifies the short-lived identities WordPress signs (JWT, HS256, with the
 * secret the site shares with this service). Only HS256 is accepted, so a
 * token cannot choose a weaker algorithm or "none".
 */
import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import * as v from 'valibot';
import type { SiteConfig } from './config';
import type { ErrorCode, Role } from './protocol';

export const TOKEN_AUDIENCE = 'consent-chat';
/** "Short-lived": a token that claims a longer life is refused outright. */
export const MAX_TOKEN_LIFETIME_S = 12 * 60 * 60;
/** Clocks of WordPress and the service may differ a little: an `exp` this recent still counts. */
export const CLOCK_TOLERANCE_S = 5;

const ClaimsSchema = v.object( {
	iss: v.string(),
	sub: v.pipe( v.string(), v.minLength( 1 ), v.maxLength( 128 ) ),
	role: v.picklist( [ 'visitor', 'agent', 'site' ] ),
	name: v.optional( v.pipe( v.string(), v.maxLength( 80 ) ) ),
	depts: v.optional( v.pipe( v.array( v.pipe( v.string(), v.maxLength( 64 ) ) ), v.maxLength( 50 ) ) ),
	maxChats: v.optional( v.pipe( v.number(), v.integer(), v.minValue( 1 ), v.maxValue( 50 ) ) ),
	iat: v.number(),
	exp: v.number(),
} );

/** `site` tokens are WordPress itself calling the service's admin API (WP-CLI, statistics). */
export type TokenRole = Role | 'site';

export interface Identity< R extends TokenRole = Role > {
	site: SiteConfig;
	role: R;
	/** Stable per agent (`wp:<user id>`); random per visitor session. */
	subject: string;
	name: string;
	depts: string[];
	maxChats: number;
	/** When WordPress signed it (epoch ms, whole seconds): revocations refuse tokens issued before them. */
	issuedAt: number;
	expiresAt: number;
}

export type VerifyResult =
	| { ok: true; identity: Identity< TokenRole > }
	| { ok: false; code: Extract< ErrorCode, 'bad_token' | 'token_expired' >; message: string };

/**
 * The site's secret as a key object, made once: given a string, jsonwebtoken
 * first tries (and fails) to read it as a public key on every verification,
 * which was the costliest step of a `hello`.
 */
const secretKeys = new WeakMap< SiteConfig, { secret: string; key: KeyObject } >();
function secretKey( site: SiteConfig ): KeyObject {
	let entry = secretKeys.get( site );
	if ( ! entry || entry.secret !== site.secret ) {
		entry = { secret: site.secret, key: createSecretKey( Buffer.from( site.secret, 'utf8' ) ) };
		secretKeys.set( site, entry );
	}
	return entry.key;
}

export function verifyToken(
	token: string,
	sites: ReadonlyMap< string, SiteConfig >,
	nowMs: number = Date.now()
): VerifyResult {
	const bad = ( message: string ): VerifyResult => ( { ok: false, code: 'bad_token', message } );
	const unverified = jwt.decode( token, { json: true } );
	if ( ! unverified || typeof unverified.iss !== 'string' ) {
		return bad( 'token is not a JWT with an issuer' );
	}
	const site = sites.get( unverified.iss );
	if ( ! site ) {
		return bad( 'token issuer is not a site this service serves' );
	}
	let payload: unknown;
	try {
		payload = jwt.verify( token, secretKey( site ), {
			algorithms: [ 'HS256' ],
			audience: TOKEN_AUDIENCE,
			issuer: site.id,
			clockTimestamp: Math.floor( nowMs / 1000 ),
			clockTolerance: CLOCK_TOLERANCE_S,
		} );
	} catch ( e ) {
		if ( e instanceof jwt.TokenExpiredError ) {
			return { ok: false, code: 'token_expired', message: 'token has expired' };
		}
		return bad( `token rejected: ${ ( e as Error ).message }` );
	}
	const claims = v.safeParse( ClaimsSchema, payload );
	if ( ! claims.success ) {
		return bad( 'token claims are incomplete' );
	}
	const c = claims.output;
	if ( c.exp - c.iat > MAX_TOKEN_LIFETIME_S ) {
		return bad( 'token lifetime is too long' );
	}
	return {
		ok: true,
		identity: {
			site,
			role: c.role,
			subject: c.sub,
			name: c.name ?? '',
			depts: c.depts ?? [],
			maxChats: c.maxChats ?? site.maxChatsPerAgent,
			issuedAt: c.iat * 1000,
			expiresAt: c.exp * 1000,
		},
	};
}

/** Signs a token the way WordPress does; used by tests and the bench. */
export function signToken(
	site: Pick< SiteConfig, 'id' | 'secret' >,
	claims: { role: TokenRole; sub: string; name?: string; depts?: string[]; maxChats?: number },
	lifetimeS = 600,
	nowMs: number = Date.now()
): string {
	const iat = Math.floor( nowMs / 1000 );
	return jwt.sign(
		{ ...claims, iss: site.id, aud: TOKEN_AUDIENCE, iat, exp: iat + lifetimeS },
		site.secret,
		{ algorithm: 'HS256' }
	);
}
