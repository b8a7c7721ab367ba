/**
 * A chat's clientId → seq for its most recent messages, so that a resend
 * after a reconnect is acknowledged instead of written twice.
 *
 * Bounded, because a chat can be long and its sender decides how long: kept
 * for the chat's life, the map grew by one entry per message (a visitor at
 * the default 10 frames/s for an hour: 36,000 entries), and every entry
 * outlived the young generation, so the old generation grew with the
 * traffic. A client resends only what the service took
 * in while its copies could not get back, and the rate limits and the
 * heartbeat keep that far below the capacity (at 10 frames/s, about 600
 * before a dead connection is noticed).
 *
 * A message whose write is still in flight is remembered by the promise of
 * its number (the store gives it), so that a resend arriving meanwhile is
 * answered with the same number once it is durable, not written again.
 */
export class RecentClientIds {
	private readonly seqs = new Map< string, number | Promise< number > >();

	constructor( readonly capacity: number ) {}

	get( clientId: string ): number | Promise< number > | undefined {
		return this.seqs.get( clientId );
	}

	remember( clientId: string, seq: number | Promise< number > ): void {
		this.seqs.set( clientId, seq );
		// A Map iterates in insertion order: its first key is the oldest.
		if ( this.seqs.size > this.capacity ) this.seqs.delete( this.seqs.keys().next().value as string );
	}

	/** A write that failed: a resend must be written again. */
	forget( clientId: string ): void {
		this.seqs.delete( clientId );
	}

	get size(): number {
		return this.seqs.size;
	}
}
