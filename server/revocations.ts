/**
 * When an agent loses access in WordPress (its Chat agent role or capability
 * removed, its departments or limit changed, it logged out, it was deleted),
 * WordPress tells the service (`POST /admin/agents/revoke`). From then on the
 * agent's tokens issued before that moment are refused — for a new
 * connection (`hello`) and for a `renew` — and its open connections are
 * closed (chats/sessions.ts). A token issued afterwards carries what WordPress allows
 * now, or is not issued at all.
 *
 * Per agent, one "not before" time, in memory only. A restart forgets it,
 * which is safe because agent tokens live 5 minutes (includes/class-tokens.php):
 * after a restart an old token could open a connection for what is left of
 * those minutes at most, and only for someone who kept a copy of it (the
 * console fetches a fresh token for every connection, and WordPress no longer
 * gives one to a user without the role). An entry is dropped once every token
 * it could refuse has expired, so the map does not grow.
 */

/** Tokens are issued in whole seconds (`iat`): see `notBefore`. */
const SECOND = 1000;

export class Revocations {
	/** site \0 sub → the earliest `iat` (seconds) still accepted, and when the entry may go. */
	private readonly notBefore = new Map< string, { iat: number; until: number } >();

	constructor(
		/** The longest life a token the entry must refuse can have (tokens.ts caps it). */
		private readonly maxTokenLifeMs: number,
		private readonly now: () => number = Date.now
	) {}

	/**
	 * Refuses the agent's tokens issued before now. `iat` has whole seconds,
	 * so a token issued in this very second may be old: it is refused too (the
	 * console's next try, a moment later, gets a token of the next second).
	 */
	revoke( site: string, sub: string ): void {
		const now = this.now();
		this.prune( now );
		this.notBefore.set( key( site, sub ), { iat: Math.floor( now / SECOND ) + 1, until: now + this.maxTokenLifeMs + SECOND } );
	}

	/** Whether a token of this agent issued at `issuedAt` (ms, whole seconds) was revoked. */
	isRevoked( site: string, sub: string, issuedAt: number ): boolean {
		const entry = this.notBefore.get( key( site, sub ) );
		return entry !== undefined && issuedAt / SECOND < entry.iat;
	}

	private prune( now: number ): void {
		for ( const [ k, entry ] of this.notBefore ) if ( entry.until <= now ) this.notBefore.delete( k );
	}
}

const key = ( site: string, sub: string ): string => `${ site }\u0000${ sub }`;
