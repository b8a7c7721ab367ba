/**
 * Folding the index by chat (schema.ts, MESSAGE_INDEX): the tail's
 * (chat, seq, id) keys go into message_index in one sorted insert, so a busy
 * chat's index page is written once per fold rather than once per commit.
 * A batch folds when it finds foldRows rows unfolded (inside its own
 * transaction, so no disk sync of its own); a shorter tail is folded once
 * the store has had no write for foldIdleMs (a transaction of its own).
 *
 * A fold that fails changes nothing (reads scan the longer tail, a later
 * fold tries again) and is logged: a fold that keeps failing means every
 * read by chat scans an ever longer tail.
 */
import type Database from 'better-sqlite3';
import type { Logger } from '../../log';

/** Defaults of the folding (the service's config can set them: `store`). */
export const FOLD_DEFAULTS = {
	/** Rows written since the last fold that make the next batch fold them too. */
	foldRows: 4096,
	/** A smaller tail is folded this long after a write (an idle store folds soon). */
	foldIdleMs: 2_000,
};
export type FoldOptions = typeof FOLD_DEFAULTS;

export class MessageIndex {
	/** message_fold.up_to as committed: rows above it are the unfolded tail. */
	folded = 0;
	/** Rows appended since the last fold (an upper bound of the tail's length). */
	private unfolded = 0;
	/** Set by a fold inside the running batch; taken over once that batch commits. */
	private foldedInBatch: number | undefined;
	private timer: ReturnType< typeof setTimeout > | null = null;
	private lastWriteAt = 0;
	private readonly stmt;

	constructor(
		private readonly db: Database.Database,
		private readonly options: FoldOptions,
		private readonly log: Logger
	) {
		this.stmt = {
			maxMessageId: db.prepare( 'SELECT COALESCE(MAX(id), 0) FROM messages' ).pluck(),
			foldedUpTo: db.prepare( 'SELECT up_to FROM message_fold' ).pluck(),
			fold: db.prepare(
				'INSERT INTO message_index (chat, seq, id) SELECT chat, seq, id FROM messages WHERE id > ? AND id <= ? ORDER BY chat, seq'
			),
			setFolded: db.prepare( 'UPDATE message_fold SET up_to = ?' ),
			// After a deletion: if the highest folded rows went, rowids below up_to may be
			// given out again, so up_to comes down to the highest row left.
			clamp: db.prepare( 'UPDATE message_fold SET up_to = MIN(up_to, (SELECT COALESCE(MAX(id), 0) FROM messages))' ),
		};
		this.reload();
		// A tail left by a crash or a stop needs no repair; it is folded now, so
		// that recovering the open chats reads them through the index.
		this.unfolded = ( this.stmt.maxMessageId.get() as number ) - this.folded;
		if ( this.unfolded > 0 ) this.foldAlone();
	}

	/** Reads the mark again: after a deletion, or a rollback that may have undone one. */
	reload(): void {
		this.folded = this.stmt.foldedUpTo.get() as number;
	}

	/** `rows` message rows were appended in the running batch. */
	appended( rows: number ): void {
		this.unfolded += rows;
	}

	/** A batch is starting. */
	writing(): void {
		this.lastWriteAt = Date.now();
		this.foldedInBatch = undefined;
	}

	/** Inside a batch, after its writes: folds a long tail in the same transaction. */
	foldIfLong(): void {
		if ( this.unfolded >= this.options.foldRows ) this.foldedInBatch = this.foldTail();
	}

	/** Inside a deletion, after rows went: lowers the mark if it must (see clamp). */
	afterDeletion(): void {
		this.stmt.clamp.run();
		this.reload();
	}

	/** The batch committed (failed: false, and the mark is read again). */
	settled( committed: boolean ): void {
		if ( committed && this.foldedInBatch !== undefined ) {
			this.folded = this.foldedInBatch;
			this.unfolded = 0;
		}
		if ( ! committed ) this.reload();
		this.foldedInBatch = undefined;
		if ( this.unfolded > 0 ) this.scheduleIdleFold();
	}

	close(): void {
		if ( this.timer ) clearTimeout( this.timer );
		this.timer = null;
	}

	private scheduleIdleFold( delay = this.options.foldIdleMs ): void {
		if ( this.timer ) return;
		this.timer = setTimeout( () => {
			this.timer = null;
			if ( ! this.db.open || this.unfolded === 0 ) return;
			const quiet = Date.now() - this.lastWriteAt;
			if ( quiet < this.options.foldIdleMs ) this.scheduleIdleFold( this.options.foldIdleMs - quiet );
			else this.foldAlone();
		}, delay );
		this.timer.unref();
	}

	/** Folds the tail in a transaction of its own (at start-up, and when idle). */
	private foldAlone(): void {
		let folded: number | undefined;
		try {
			this.db.transaction( () => {
				folded = this.foldTail();
			} )();
		} catch ( e ) {
			this.log.warn( { err: e }, 'message index: idle fold not committed; reads scan the tail until a later fold' );
			folded = undefined;
		}
		if ( folded !== undefined ) {
			this.folded = folded;
			this.unfolded = 0;
		}
	}

	/**
	 * Adds the tail's keys to message_index, sorted, and moves up_to past
	 * them. Runs inside a transaction, in a savepoint of its own: if it fails,
	 * the tail stays as it was and the batch it rides along with goes
	 * through. Only keys are copied, never text. Returns the new up_to, or
	 * undefined if it failed.
	 */
	private foldTail(): number | undefined {
		try {
			return this.db.transaction( () => {
				const upTo = this.stmt.maxMessageId.get() as number;
				if ( upTo > this.folded ) {
					this.stmt.fold.run( this.folded, upTo );
					this.stmt.setFolded.run( upTo );
				}
				return Math.max( upTo, this.folded );
			} )();
		} catch ( e ) {
			this.log.warn( { err: e }, 'message index: fold failed; reads scan the tail until a later fold' );
			return undefined;
		}
	}
}
