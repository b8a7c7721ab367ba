/**
 * What a site chose to keep: the default mode, whether the visitor may pick
 * the other one, and how long closed chats are kept. The site's WordPress
 * owns these settings (its admins and privacy officer change them there), so
 * it sends them here (`PUT /admin/policy`) whenever they change; the
 * service's own configuration is only the starting value.
 *
 * `SitePolicies` is the one owner of the policy in force: it applies it to
 * the site's configuration object, which the chat core, the routes and the
 * retention job read. It keeps each policy WordPress sent in a PolicyStore
 * (store/policies.ts: a file beside the databases, or PostgreSQL when the
 * nodes share one), so a restart, and a node started later, applies the last
 * policy sent, not the start-up one. With several nodes, WordPress's PUT
 * reaches one of them: that one saves and applies it (`set`), and tells the
 * others (`onSaved`), which read it again (`refresh`).
 */
import * as v from 'valibot';
import type { SiteConfig } from './config';
import type { Logger } from './log';
import { RETENTION_DAYS } from './protocol';
import { UnreadablePoliciesError, type PolicyStore } from './store/policies';

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

export function policyOf( site: SiteConfig ): SitePolicy {
	return { defaultMode: site.defaultMode, visitorChoosesMode: site.visitorChoosesMode, retentionDays: site.retentionDays };
}

/** Told the site's id once a policy sent to this node is saved and in force here (the moment to tell the other nodes). */
export type PolicySaved = ( siteId: string ) => void;

export class SitePolicies {
	/**
	 * Saves and re-reads run one after another on this node. A re-read that
	 * started after a save therefore applies what is saved now, never a value
	 * read before it; and as every save is followed by a re-read on every
	 * other node, all nodes end on the policy saved last, whichever node
	 * saved it and in whatever order the news arrives.
	 */
	private queue: Promise< unknown > = Promise.resolve();
	private readonly listeners: PolicySaved[] = [];

	constructor(
		private readonly store: PolicyStore,
		private readonly sites: ReadonlyMap< string, SiteConfig >,
		private readonly log: Logger
	) {}

	/** At start: applies every saved policy to the configured sites. */
	load(): Promise< void > {
		return this.refresh();
	}

	/**
	 * Reads the saved policy of `siteId` (or of every site) again and applies
	 * it: another node saved one. What cannot be read, or is not a valid
	 * policy, is logged and leaves the policy in force as it is (WordPress
	 * sends the policy again on its next save or connection test). Rejects
	 * only if the store cannot be reached (StoreUnavailableError).
	 */
	refresh( siteId?: string ): Promise< void > {
		return this.serially( async () => {
			let saved: Map< string, unknown >;
			try {
				saved = await this.store.read( siteId );
			} catch ( e ) {
				if ( ! ( e instanceof UnreadablePoliciesError ) ) throw e;
				this.log.warn( `${ e.message }; using the policies in force` );
				return;
			}
			for ( const [ id, raw ] of saved ) {
				// Sites this node is not configured for are someone else's.
				const site = this.sites.get( id );
				if ( ! site ) continue;
				const policy = v.safeParse( SitePolicy, raw );
				if ( ! policy.success ) {
					this.log.warn( { site: id }, `the saved policy of site ${ id } is invalid (${ policy.issues[ 0 ].message }); using the policy in force` );
					continue;
				}
				// Sites are mutated in place: rooms and connections hold these objects.
				Object.assign( site, policy.output );
			}
		} );
	}

	/**
	 * Saves `policy` as the site's and applies it here; resolves to the
	 * policy now in force. Nothing changes here if the save fails.
	 */
	set( siteId: string, policy: SitePolicy ): Promise< SitePolicy > {
		const site = this.sites.get( siteId );
		if ( ! site ) return Promise.reject( new Error( `unknown site ${ siteId }` ) );
		return this.serially( async () => {
			await this.store.save( siteId, policy );
			Object.assign( site, policy );
			for ( const listener of this.listeners ) {
				try {
					listener( siteId );
				} catch ( e ) {
					this.log.error( { err: e, site: siteId }, 'a listener of saved policies failed' );
				}
			}
			return policyOf( site );
		} );
	}

	/** Calls `listener` after each successful `set` on this node (not after a refresh). */
	onSaved( listener: PolicySaved ): void {
		this.listeners.push( listener );
	}

	/** After what is under way, lets go of the store. */
	async close(): Promise< void > {
		await this.queue.catch( () => undefined );
		await this.store.close();
	}

	private serially< T >( step: () => Promise< T > ): Promise< T > {
		const run = this.queue.catch( () => undefined ).then( step );
		this.queue = run;
		return run;
	}
}
