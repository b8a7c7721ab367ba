/**
 * A clock moved by hand, for code that takes an injected `now` and presence's
 * Timers: timers run when the clock passes their time, never by themselves.
 */
import type { Timers } from '../../server/presence';

export class FakeClock implements Timers {
	private timers = new Map< number, { at: number; fn: () => void } >();
	private next = 1;
	constructor( public now = 0 ) {}
	setTimeout( fn: () => void, ms: number ): unknown {
		const id = this.next++;
		this.timers.set( id, { at: this.now + ms, fn } );
		return id;
	}
	clearTimeout( handle: unknown ): void {
		this.timers.delete( handle as number );
	}
	advance( ms: number ): void {
		this.now += ms;
		for ( const [ id, t ] of [ ...this.timers ].sort( ( a, b ) => a[ 1 ].at - b[ 1 ].at ) ) {
			if ( t.at > this.now ) break;
			this.timers.delete( id );
			t.fn();
		}
	}
}
