/** A token bucket: `perSecond` refill, `burst` capacity. Clock injectable for tests. */
export class TokenBucket {
	private tokens: number;
	private last: number;

	constructor(
		private readonly perSecond: number,
		private readonly burst: number,
		private readonly now: () => number = Date.now
	) {
		this.tokens = burst;
		this.last = now();
	}

	take(): boolean {
		const t = this.now();
		this.tokens = Math.min( this.burst, this.tokens + ( ( t - this.last ) / 1000 ) * this.perSecond );
		this.last = t;
		if ( this.tokens < 1 ) return false;
		this.tokens -= 1;
		return true;
	}
}
