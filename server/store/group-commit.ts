/**
 * Group commit, for any engine: the writes called in one event-loop turn go
 * to the engine as one batch (SQLite: one transaction, so a burst of
 * messages costs one disk sync instead of one each). The engine reports an
 * outcome per write, and the writes' promises settle in call order.
 *
 * Batches never overlap: while an asynchronous engine's batch is running,
 * new writes gather for the next one. So writes become durable in call
 * order, which is what ChatStore promises (store/types.ts).
 */

/** A write that failed on its own; the rest of its batch went through. */
export class Failed {
	constructor( readonly error: unknown ) {}
}

/**
 * Runs one batch. Returns one outcome per write, in order: its value, or a
 * Failed. Throws (or rejects) when the batch failed as a whole: then no
 * write of it may have been applied, and every one is rejected.
 */
export type RunBatch< Op > = ( ops: readonly Op[] ) => unknown[] | Promise< unknown[] >;

interface Waiter {
	resolve: ( value: unknown ) => void;
	reject: ( error: unknown ) => void;
}

export class GroupCommit< Op > {
	private ops: Op[] = [];
	private waiters: Waiter[] = [];
	private scheduled = false;
	/** An asynchronous batch in flight; the next waits for it. */
	private running: Promise< void > | null = null;
	/** Set by scheduleWithin: a batch is due by then even if no write comes. */
	private timer: ReturnType< typeof setTimeout > | null = null;

	constructor( private readonly runBatch: RunBatch< Op > ) {}

	/** Queues a write; settles with its outcome once its batch is done. */
	add< T >( op: Op ): Promise< T > {
		this.ops.push( op );
		const done = new Promise< T >( ( resolve, reject ) => this.waiters.push( { resolve: resolve as Waiter[ 'resolve' ], reject } ) );
		this.schedule();
		return done;
	}

	/**
	 * Asks for a batch at the end of this turn even if nothing is queued: an
	 * engine may carry work of its own in every batch (SQLite: counters).
	 */
	schedule(): void {
		if ( this.scheduled ) return;
		this.scheduled = true;
		setImmediate( () => void this.runNow() );
	}

	/**
	 * Asks for a batch within `ms` even if no write comes: an engine's own
	 * work that waits for a batch (its counters) is written by then. Any batch
	 * that starts sooner does it, and the timer is dropped. The timer keeps
	 * no process alive.
	 */
	scheduleWithin( ms: number ): void {
		if ( this.timer ) return;
		this.timer = setTimeout( () => {
			this.timer = null;
			this.schedule();
		}, ms );
		this.timer.unref();
	}

	/**
	 * Runs what is queued now, after the batch in flight if there is one.
	 * With a synchronous engine and none in flight, the batch is done when
	 * this returns (SqliteStore.close relies on it).
	 */
	runNow(): void | Promise< void > {
		if ( this.running ) return this.running.then( () => this.runNow() );
		this.scheduled = false;
		if ( this.timer ) clearTimeout( this.timer );
		this.timer = null;
		const ops = this.ops;
		const waiters = this.waiters;
		this.ops = [];
		this.waiters = [];
		let outcomes: unknown[] | Promise< unknown[] >;
		try {
			outcomes = this.runBatch( ops );
		} catch ( e ) {
			waiters.forEach( ( w ) => w.reject( e ) );
			return;
		}
		if ( ! ( outcomes instanceof Promise ) ) {
			settle( waiters, outcomes );
			return;
		}
		const running = outcomes.then(
			( o ) => settle( waiters, o ),
			( e: unknown ) => waiters.forEach( ( w ) => w.reject( e ) )
		).finally( () => {
			// Writes that came in meanwhile run next: their immediate is waiting on this.
			this.running = null;
		} );
		this.running = running;
		return running;
	}
}

function settle( waiters: Waiter[], outcomes: unknown[] ): void {
	for ( let i = 0; i < waiters.length; i++ ) {
		const o = outcomes[ i ];
		if ( o instanceof Failed ) waiters[ i ].reject( o.error );
		else waiters[ i ].resolve( o );
	}
}
