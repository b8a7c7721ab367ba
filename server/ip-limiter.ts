/**
 * Per-address limits, held in memory only: open connections, and failed
 * "delete by code" attempts in a sliding window. Entries disappear when they
 * fall to zero, so the map holds an address only while it matters.
 */
/** How long a failed "delete by code" attempt counts against its address. */
export const FAILURE_WINDOW_MS = 15 * 60_000;

export class IpLimiter {
	private readonly open = new Map< string, number >();
	private readonly failures = new Map< string, number[] >();

	constructor(
		private readonly maxConnections: number,
		private readonly maxFailures: number,
		private readonly failureWindowMs = FAILURE_WINDOW_MS,
		private readonly now: () => number = Date.now
	) {}

	acquire( ip: string ): boolean {
		const n = this.open.get( ip ) ?? 0;
		if ( n >= this.maxConnections ) return false;
		this.open.set( ip, n + 1 );
		return true;
	}

	release( ip: string ): void {
		const n = ( this.open.get( ip ) ?? 1 ) - 1;
		if ( n <= 0 ) this.open.delete( ip );
		else this.open.set( ip, n );
	}

	/** True while the address may still try (checked before an attempt). */
	mayTry( ip: string ): boolean {
		return this.recentFailures( ip ).length < this.maxFailures;
	}

	recordFailure( ip: string ): void {
		const list = this.recentFailures( ip );
		list.push( this.now() );
		this.failures.set( ip, list );
	}

	private recentFailures( ip: string ): number[] {
		const since = this.now() - this.failureWindowMs;
		const list = ( this.failures.get( ip ) ?? [] ).filter( ( t ) => t > since );
		if ( list.length === 0 ) this.failures.delete( ip );
		return list;
	}

	/** Addresses currently tracked (for tests: nothing lingers). */
	size(): number {
		return this.open.size + this.failures.size;
	}
}
