/**
 * What a site chose to keep: the default mode, whether the visitor may pick
 * the other one, and how long closed chats are kept. The site's WordPress
 * owns these settings (its admins and privacy officer change them there), so
 * it sends them here (`PUT /admin/policy`) whenever they change; the
 * service's own configuration is only the starting value.
 *
 * Kept in a small JSON file beside the databases, written atomically, so a
 * restart applies the last policy WordPress sent, not the start-up one.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as v from 'valibot';
import type { SiteConfig } from './config';
import { RETENTION_DAYS } from './protocol';

export const SitePolicy = v.strictObject( {
	defaultMode: v.picklist( [ 'stored', 'ephemeral' ], 'defaultMode is "stored" or "ephemeral"' ),
	visitorChoosesMode: v.boolean( 'visitorChoosesMode is true or false' ),
	retentionDays: v.pipe(
		v.number( 'retentionDays is a number' ),
		v.integer( 'retentionDays is a whole number' ),
		v.minValue( RETENTION_DAYS.min, `retentionDays is at least ${ RETENTION_DAYS.min }` ),
		v.maxValue( RETENTION_DAYS.max, `retentionDays is at most ${ RETENTION_DAYS.max }` )
	),
} );
export type SitePolicy = v.InferOutput< typeof SitePolicy >;

const File = v.record( v.string(), SitePolicy );

export function policyOf( site: SiteConfig ): SitePolicy {
	return { defaultMode: site.defaultMode, visitorChoosesMode: site.visitorChoosesMode, retentionDays: site.retentionDays };
}

export class SitePolicies {
	private readonly file: string;

	constructor(
		dataDir: string,
		private readonly sites: ReadonlyMap< string, SiteConfig >
	) {
		this.file = join( dataDir, 'site-policies.json' );
	}

	/**
	 * Applies the saved policies to the configured sites. A file that cannot
	 * be read or parsed is ignored (the configuration's values stand) rather
	 * than stopping the service: WordPress sends the policy again on its next
	 * save or connection test.
	 */
	load(): string | null {
		let raw: string;
		try {
			raw = readFileSync( this.file, 'utf8' );
		} catch {
			return null;
		}
		let parsed: unknown;
		try {
			parsed = JSON.parse( raw );
		} catch {
			return `${ this.file } is not JSON; using the configured policies`;
		}
		const result = v.safeParse( File, parsed );
		if ( ! result.success ) return `${ this.file } is invalid; using the configured policies`;
		for ( const [ id, policy ] of Object.entries( result.output ) ) {
			const site = this.sites.get( id );
			// Sites are mutated in place: rooms and connections hold these objects.
			if ( site ) Object.assign( site, policy );
		}
		return null;
	}

	set( siteId: string, policy: SitePolicy ): SitePolicy {
		const site = this.sites.get( siteId );
		if ( ! site ) throw new Error( `unknown site ${ siteId }` );
		Object.assign( site, policy );
		const all: Record< string, SitePolicy > = {};
		for ( const s of this.sites.values() ) all[ s.id ] = policyOf( s );
		mkdirSync( dirname( this.file ), { recursive: true } );
		const tmp = `${ this.file }.tmp`;
		writeFileSync( tmp, JSON.stringify( all ) );
		renameSync( tmp, this.file );
		return policyOf( site );
	}
}
