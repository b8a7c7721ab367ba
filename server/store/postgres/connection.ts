/**
 * The PostgreSQL engine's connections: one for writes, on which the batches
 * run one after another (so writes reach the database in call order), and a
 * pool for reads, so a read never waits behind a batch.
 *
 * Neither is ever broken for good. The write connection is dropped after a
 * batch that failed as a whole (its state is not known then) and when
 * PostgreSQL closes it; the next batch connects anew. The pool drops a
 * connection that fails and opens another. So after an outage the store
 * works again as soon as PostgreSQL does, with no restart of the service.
 * Meanwhile every write and read rejects within the connect timeout (or the
 * statement timeout, for a connection that stopped answering) with a
 * StoreUnavailableError: nothing waits forever.
 */
import pg from 'pg';
import type { Logger } from '../../log';
import { StoreUnavailableError } from '../errors';

export interface ConnectionOptions {
	/** How long connecting may take before the write or read that needed it rejects (ms). */
	connectTimeoutMs: number;
	/**
	 * How long one statement may take (ms), lock waits included, before its
	 * batch fails; PostgreSQL also ends a write transaction left idle this long
	 * (a node that froze mid-batch), so other nodes do not wait on its locks.
	 */
	statementTimeoutMs: number;
	/** Connections the reads may use at once. */
	readConnections: number;
}

export const CONNECTION_DEFAULTS: ConnectionOptions = { connectTimeoutMs: 5_000, statementTimeoutMs: 30_000, readConnections: 4 };

const INT8 = 20;
const parseInt8 = ( value: string ): number => Number( value );
/**
 * bigint columns (times in ms, row ids, counts) as numbers: every one stays
 * far below 2^53. Per connection, not pg's global parsers, which belong to
 * whoever else loads pg in the process.
 */
const types: pg.CustomTypesConfig = {
	getTypeParser: ( ( oid: number, format?: 'text' | 'binary' ) =>
		oid === INT8 ? parseInt8 : pg.types.getTypeParser( oid, format ) ) as pg.CustomTypesConfig[ 'getTypeParser' ],
};

const config = ( url: string, o: ConnectionOptions ): pg.ClientConfig => ( {
	connectionString: url,
	application_name: 'consent-chat',
	connectionTimeoutMillis: o.connectTimeoutMs,
	statement_timeout: o.statementTimeoutMs,
	idle_in_transaction_session_timeout: o.statementTimeoutMs,
	// The server's statement timeout answers first; this one is for a server that stopped answering at all.
	query_timeout: o.statementTimeoutMs + 1_000,
	keepAlive: true,
	types,
} );

/** PostgreSQL's error codes (SQLSTATE) are five digits or capitals; the driver's and the socket's are not. */
const sqlState = ( e: unknown ): string | undefined => {
	const code = ( e as { code?: unknown } | null )?.code;
	return typeof code === 'string' && /^[0-9A-Z]{5}$/.test( code ) ? code : undefined;
};

/**
 * Errors that mean "not reachable": no SQLSTATE at all (refused, reset,
 * timed out, "Connection terminated"), a connection exception (class 08),
 * the server shutting down, crashed or starting up (57P01–57P03), too many
 * connections (53300).
 */
export function isUnavailable( e: unknown ): boolean {
	if ( e instanceof StoreUnavailableError ) return true;
	const state = sqlState( e );
	return state === undefined || state.startsWith( '08' ) || /^57P0[123]$/.test( state ) || state === '53300';
}

/** A deadlock or serialization failure: the transaction was rolled back whole, and running it again may succeed. */
export const isTransient = ( e: unknown ): boolean => {
	const state = sqlState( e );
	return state === '40P01' || state === '40001';
};

/** What the driver threw, as the store's error: unreachable becomes a StoreUnavailableError; a refusal stays as it is. */
export function toStoreError( e: unknown ): unknown {
	if ( e instanceof StoreUnavailableError || ! isUnavailable( e ) ) return e;
	return new StoreUnavailableError( `PostgreSQL cannot be reached: ${ ( e as Error )?.message ?? String( e ) }`, { cause: e } );
}

/**
 * The one connection batches run on (and, as another instance, the one the
 * job locks are held on: locks.ts), made when first needed and anew after
 * it was lost or dropped.
 */
export class WriteConnection {
	private client: pg.Client | null = null;

	constructor(
		private readonly url: string,
		private readonly options: ConnectionOptions,
		private readonly log: Logger,
		/** What it is for, in the log. */
		private readonly label = 'write'
	) {}

	/** The connection, made and set up if there is none; rejects with a StoreUnavailableError if it cannot be. */
	async get(): Promise< pg.ClientBase > {
		if ( this.client ) return this.client;
		const client = new pg.Client( config( this.url, this.options ) );
		// Lost while idle (PostgreSQL went away): without a listener the process would crash.
		client.on( 'error', ( e ) => {
			this.log.warn( { err: e }, `PostgreSQL closed the store's ${ this.label } connection; the next use connects anew` );
			if ( this.client === client ) this.client = null;
		} );
		try {
			await client.connect();
			// "Durable when resolved": a commit must be flushed before it is reported. A server
			// (or role, or database) set to `off` is overridden; any stronger setting is kept.
			const { rows } = await client.query< { value: string } >( "SELECT current_setting('synchronous_commit') AS value" );
			if ( rows[ 0 ].value === 'off' ) await client.query( 'SET synchronous_commit = on' );
		} catch ( e ) {
			client.end().catch( () => undefined );
			throw toStoreError( e );
		}
		this.client = client;
		return client;
	}

	/**
	 * After a batch failed as a whole: what the connection holds is not known,
	 * so the next batch gets a new one. With `only`, that connection is ended,
	 * and dropped if it is still the current one.
	 */
	discard( only?: pg.ClientBase ): void {
		const client = only ?? this.client;
		if ( client === this.client ) this.client = null;
		( client as pg.Client | null )?.end().catch( () => undefined );
	}

	async close(): Promise< void > {
		const client = this.client;
		this.client = null;
		await client?.end().catch( () => undefined );
	}
}

/**
 * The reads' pool; also the one connection scheme of the small tables that
 * live beside the store and are written outside its batches (site policies,
 * page-view counts: ../open.ts), each on a pool of its own.
 */
export class ReadPool {
	private readonly pool: pg.Pool;

	constructor( url: string, options: ConnectionOptions, log: Logger ) {
		this.pool = new pg.Pool( { ...config( url, options ), max: options.readConnections, idleTimeoutMillis: 10_000 } );
		// An idle connection that PostgreSQL closed is dropped by the pool; it only tells us.
		this.pool.on( 'error', ( e ) => log.warn( { err: e }, 'PostgreSQL closed an idle read connection' ) );
	}

	/**
	 * The rows of one statement. A connection that turns out to be dead (the
	 * server restarted while it sat in the pool) is dropped and the read tried
	 * once more on a new one: a read changes nothing, so that is safe.
	 */
	async rows< R extends pg.QueryResultRow >( text: string, values: unknown[] = [] ): Promise< R[] > {
		try {
			return ( await this.pool.query< R >( text, values ) ).rows;
		} catch ( first ) {
			if ( ! isUnavailable( first ) ) throw first;
			try {
				return ( await this.pool.query< R >( text, values ) ).rows;
			} catch ( e ) {
				throw toStoreError( e );
			}
		}
	}

	/**
	 * One statement that adds to what is there (page-view counts), in a
	 * transaction of its own, on the pool: not tried again, since a
	 * connection that died after the commit would have it counted twice.
	 */
	async writeOnce( text: string, values: unknown[] = [] ): Promise< void > {
		try {
			await this.pool.query( text, values );
		} catch ( e ) {
			throw toStoreError( e );
		}
	}

	async close(): Promise< void > {
		await this.pool.end();
	}
}
