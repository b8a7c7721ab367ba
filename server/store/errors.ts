/**
 * The store's typed errors, for every engine: a caller tells "this write was
 * refused" from "the database is not there" by class, not by message text.
 */

/** A write for a chat that does not exist (never created, or deleted): it failed alone and took no number. */
export class NoSuchChatError extends Error {
	readonly code = 'no_such_chat';
	constructor( what = 'message' ) {
		super( `no chat for this ${ what } (never created, or deleted)` );
		this.name = 'NoSuchChatError';
	}
}

/** A value the engine cannot hold (PostgreSQL's text cannot hold a NUL character): the write failed alone. */
export class StoreInputError extends Error {
	readonly code = 'store_input';
	constructor( message: string, options?: { cause?: unknown } ) {
		super( message, options );
		this.name = 'StoreInputError';
	}
}

/**
 * The database could not be reached, or lost the connection, or took too
 * long: the batch failed as a whole and the store will connect anew for the
 * next one, so no restart is needed once the database is back. `cause` is
 * the driver's error.
 */
export class StoreUnavailableError extends Error {
	readonly code = 'store_unavailable';
	constructor( message: string, options?: { cause?: unknown } ) {
		super( message, options );
		this.name = 'StoreUnavailableError';
	}
}

/** A call after close(): the store is not open (nothing may be called after close, types.ts). */
export class StoreClosedError extends Error {
	readonly code = 'store_closed';
	constructor() {
		super( 'the store is not open (it was closed)' );
		this.name = 'StoreClosedError';
	}
}
