/**
 * Where what WordPress sent for each site's built-in assistant is kept
 * (`PUT /admin/assistant`: settings and content, one document per site, up
 * to a few MB). assistant/site-assistants.ts owns what is in force and
 * applies what is read here; open.ts picks the engine: one JSON file per site
 * in the data folder's `assistant/` (one node), or PostgreSQL's
 * `site_assistants`, which every node reads (postgres/assistant.ts).
 *
 * Like the policy store (./policies.ts), a store keeps and returns documents
 * as they were saved, unchecked: the rule for a valid one is applied in one
 * place, where it is read (parseAssistantPush). It holds the site's own
 * content only, never a visitor's words.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AssistantPush } from '../assistant/settings';
import { UnreadablePoliciesError } from './policies';

export interface AssistantStore {
	/**
	 * The saved documents by site id, unchecked: of `site` only, or of every
	 * site. A document that cannot be read is an UnreadablePoliciesError in
	 * its site's place (the others still count); rejects with
	 * StoreUnavailableError if the database cannot be reached.
	 */
	read( site?: string ): Promise< Map< string, unknown > >;
	/** Keeps `push` as the site's, in place of the one before; durable when it resolves. */
	save( site: string, push: AssistantPush ): Promise< void >;
	close(): Promise< void >;
}

const FILE = /^(.+)\.json$/;

/**
 * The one-node store: `<dir>/<site id>.json`, a file per site (a save
 * rewrites one site's content only), replaced atomically (written beside
 * it, then renamed), so a crash leaves the old file or the new one.
 */
export class FileAssistantStore implements AssistantStore {
	constructor( private readonly dir: string ) {}

	async read( site?: string ): Promise< Map< string, unknown > > {
		const out = new Map< string, unknown >();
		let names: string[];
		try {
			names = site === undefined ? readdirSync( this.dir ) : [ this.fileName( site ) ];
		} catch ( e ) {
			if ( ( e as NodeJS.ErrnoException ).code === 'ENOENT' ) return out;
			throw e;
		}
		for ( const name of names ) {
			const id = FILE.exec( name )?.[ 1 ];
			if ( id === undefined ) continue;
			const file = join( this.dir, name );
			let raw: string;
			try {
				raw = readFileSync( file, 'utf8' );
			} catch ( e ) {
				if ( ( e as NodeJS.ErrnoException ).code === 'ENOENT' ) continue;
				out.set( decodeURIComponent( id ), new UnreadablePoliciesError( `${ file } cannot be read`, { cause: e } ) );
				continue;
			}
			try {
				out.set( decodeURIComponent( id ), JSON.parse( raw ) as unknown );
			} catch ( e ) {
				out.set( decodeURIComponent( id ), new UnreadablePoliciesError( `${ file } is not JSON`, { cause: e } ) );
			}
		}
		return out;
	}

	async save( site: string, push: AssistantPush ): Promise< void > {
		mkdirSync( this.dir, { recursive: true } );
		const file = join( this.dir, this.fileName( site ) );
		const tmp = `${ file }.tmp`;
		writeFileSync( tmp, JSON.stringify( push ) );
		renameSync( tmp, file );
	}

	async close(): Promise< void > {}

	private fileName( site: string ): string {
		return `${ encodeURIComponent( site ) }.json`;
	}
}
