/**
 * Where the site policies WordPress sent are kept (site-policy.ts owns the
 * policy in force and applies what is read here). open.ts picks the engine:
 * a small JSON file in the data folder (one node), or a table in PostgreSQL
 * that every node reads (postgres/policies.ts).
 *
 * A store keeps and returns policies as they were saved; it does not judge
 * them. What is read is checked where it is applied, so the rule for a
 * valid policy is in one place (site-policy.ts), for every engine.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SitePolicy } from '../site-policy';

export interface PolicyStore {
	/**
	 * The saved policies by site id, as saved (unchecked): of `site` only, or
	 * of every site. A site that never had one is absent. Rejects with
	 * UnreadablePoliciesError if what is kept cannot be read at all, and with
	 * StoreUnavailableError if the database cannot be reached.
	 */
	read( site?: string ): Promise< Map< string, unknown > >;
	/** Keeps `policy` as the site's, in place of the one before; durable when it resolves. */
	save( site: string, policy: SitePolicy ): Promise< void >;
	close(): Promise< void >;
}

/** What is kept cannot be read as a whole (a file that is not JSON): the policies in force stay. */
export class UnreadablePoliciesError extends Error {
	readonly code = 'unreadable_policies';
	constructor( message: string, options?: { cause?: unknown } ) {
		super( message, options );
		this.name = 'UnreadablePoliciesError';
	}
}

/**
 * The one-node store: `{ "<site id>": <policy>, … }` in one file, replaced
 * atomically (written beside it, then renamed), so a crash leaves the old
 * file or the new one, never half of one.
 */
export class FilePolicyStore implements PolicyStore {
	constructor( private readonly file: string ) {}

	async read( site?: string ): Promise< Map< string, unknown > > {
		const all = this.readAll();
		if ( site === undefined ) return new Map( Object.entries( all ) );
		return Object.hasOwn( all, site ) ? new Map( [ [ site, all[ site ] ] ] ) : new Map();
	}

	async save( site: string, policy: SitePolicy ): Promise< void > {
		let all: Record< string, unknown >;
		try {
			all = this.readAll();
		} catch {
			// A file that cannot be read is replaced by one that can: this policy is what counts now.
			all = {};
		}
		mkdirSync( dirname( this.file ), { recursive: true } );
		const tmp = `${ this.file }.tmp`;
		writeFileSync( tmp, JSON.stringify( { ...all, [ site ]: policy } ) );
		renameSync( tmp, this.file );
	}

	async close(): Promise< void > {}

	/** Synchronous: a save's read and write happen in one turn, so two saves never interleave. */
	private readAll(): Record< string, unknown > {
		let raw: string;
		try {
			raw = readFileSync( this.file, 'utf8' );
		} catch ( e ) {
			if ( ( e as NodeJS.ErrnoException ).code === 'ENOENT' ) return {};
			throw new UnreadablePoliciesError( `${ this.file } cannot be read`, { cause: e } );
		}
		let parsed: unknown;
		try {
			parsed = JSON.parse( raw );
		} catch ( e ) {
			throw new UnreadablePoliciesError( `${ this.file } is not JSON`, { cause: e } );
		}
		if ( typeof parsed !== 'object' || parsed === null || Array.isArray( parsed ) ) {
			throw new UnreadablePoliciesError( `${ this.file } is not an object of policies by site` );
		}
		return parsed as Record< string, unknown >;
	}
}
