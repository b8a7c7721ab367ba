/**
 * Which token an agent's connection may hold, and until when. Agent tokens
 * live minutes (includes/class-tokens.php), so access ends soon after
 * WordPress stops issuing them (role removed, logged out), even for a
 * connection that stays open: the console fetches a fresh token before the
 * old one expires and hands it over with `renew`; a connection whose token
 * expires unrenewed is closed (connection.ts, CLOSE.tokenExpired). And a
 * token issued before WordPress revoked the agent (revocations.ts) opens
 * nothing and renews nothing.
 *
 * Visitors are not held to this: an open chat goes on past the visitor's
 * token, which is only needed to open the socket (and to start a chat).
 */
import type { ErrorCode } from './protocol';
import type { Revocations } from './revocations';
import { CLOCK_TOLERANCE_S, type Identity, type VerifyResult } from './tokens';

export type Refused = { code: ErrorCode; message: string };

/** A `hello` with an agent token: null if it may connect. */
export function admitAgent( identity: Identity, revocations: Revocations ): Refused | null {
	if ( revocations.isRevoked( identity.site.id, identity.subject, identity.issuedAt ) ) {
		return { code: 'token_revoked', message: 'your access changed in WordPress after this token was issued; fetch a fresh one' };
	}
	return null;
}

/** A `renew` on an open agent connection: the new identity, or why not (the connection keeps its old token). */
export function checkRenewal(
	current: Identity,
	verified: VerifyResult,
	revocations: Revocations
): { ok: true; identity: Identity } | ( { ok: false } & Refused ) {
	if ( ! verified.ok ) return { ok: false, code: verified.code, message: verified.message };
	const next = verified.identity;
	if ( next.role !== 'agent' || next.site !== current.site || next.subject !== current.subject ) {
		return { ok: false, code: 'forbidden', message: 'a renewal must be a token of the same agent on the same site' };
	}
	const refused = admitAgent( next as Identity, revocations );
	if ( refused ) return { ok: false, ...refused };
	return { ok: true, identity: next as Identity };
}

/** When an open agent connection loses access unless it renews: the token's expiry, with the same tolerance as `hello`. */
export function accessEndsAt( identity: Identity ): number {
	return identity.expiresAt + CLOCK_TOLERANCE_S * 1000;
}
