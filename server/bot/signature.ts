/**
 * The one signing rule between the service and a site's bot, both ways:
 * `X-Consent-Chat-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
 * with the bot's secret (the scheme Stripe's and Chatwoot's webhooks use:
 * the time inside the MAC makes a captured request useless after the
 * tolerance). Compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-consent-chat-signature';
/** How far a signed time may be from the service's clock, either way. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function sign( secret: string, body: string, nowMs: number ): string {
	const t = Math.floor( nowMs / 1000 );
	return `t=${ t },v1=${ mac( secret, t, body ) }`;
}

export type SignatureProblem = 'missing' | 'malformed' | 'expired' | 'mismatch';

/** Null when `header` signs `body` with `secret` within the tolerance; else what is wrong. */
export function signatureProblem( secret: string, body: string, header: string | undefined, nowMs: number ): SignatureProblem | null {
	if ( ! header ) return 'missing';
	const parts = new Map( header.split( ',' ).map( ( p ) => {
		const i = p.indexOf( '=' );
		return [ p.slice( 0, i ).trim(), p.slice( i + 1 ).trim() ] as const;
	} ) );
	const t = Number( parts.get( 't' ) );
	const given = parts.get( 'v1' ) ?? '';
	if ( ! Number.isInteger( t ) || ! /^[0-9a-f]{64}$/.test( given ) ) return 'malformed';
	if ( Math.abs( nowMs / 1000 - t ) > SIGNATURE_TOLERANCE_SECONDS ) return 'expired';
	const expected = Buffer.from( mac( secret, t, body ), 'hex' );
	return timingSafeEqual( expected, Buffer.from( given, 'hex' ) ) ? null : 'mismatch';
}

function mac( secret: string, t: number, body: string ): string {
	return createHmac( 'sha256', secret ).update( `${ t }.${ body }` ).digest( 'hex' );
}
