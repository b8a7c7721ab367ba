/**
 * When the agent's console tells the visitor "typing": `true` at the first
 * keystroke and again at most every TYPING_EVERY_MS while the agent keeps
 * typing, `false` once the draft is emptied, sent or left (blur), or after
 * a pause of TYPING_IDLE_MS (the caller's timer calls `stop`). Pure: the
 * caller passes the time and sends what comes back.
 */

/** Repeat "typing" no more often than this while the agent keeps typing. */
export const TYPING_EVERY_MS = 3_000;
/** A pause this long in typing also ends "typing" (the draft stays). */
export const TYPING_IDLE_MS = 6_000;

export class TypingSignal {
	/** When `true` was last sent; 0 while not typing. */
	private since = 0;

	/** The draft changed: the frame value to send now, or null for none. */
	input( draft: string, now: number ): boolean | null {
		if ( draft.trim() === '' ) return this.stop();
		if ( this.since === 0 || now - this.since >= TYPING_EVERY_MS ) {
			this.since = now;
			return true;
		}
		return null;
	}

	/** Sent, emptied or left: `false` if the visitor was told "typing", else null. */
	stop(): false | null {
		if ( this.since === 0 ) return null;
		this.since = 0;
		return false;
	}
}
