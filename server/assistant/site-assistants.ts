/**
 * Each site's assistant in force: what WordPress last sent
 * (`PUT /admin/assistant`: settings and content together), its indexes, and
 * lookups of its answers and dialogs. `SiteAssistants` is the one owner of
 * it, like site-policy.ts of the storage policy: it saves what is sent
 * through an AssistantStore (store/assistant.ts: files, or PostgreSQL when
 * the nodes share one), applies the saved documents at start, and, with
 * several nodes, reads a site's again when another node saved it (`refresh`,
 * called by cluster/assistant-sync.ts). The chat core only reads it
 * (`AssistantsInForce`).
 */
import type { Logger } from '../log';
import { UnreadablePoliciesError } from '../store/policies';
import type { AssistantStore } from '../store/assistant';
import type { Answer, Dialog } from './answers';
import { AssistantIndexes } from './index';
import { modeFor, parseAssistantPush, type AssistantMode, type AssistantPush, type BotSettings } from './settings';

/** One site's assistant, built from one push; replaced whole when a new one arrives. */
export class SiteAssistant {
	readonly indexes: AssistantIndexes;
	private readonly answers = new Map< string, Map< string, Answer > >();
	private readonly dialogs = new Map< string, Map< string, Dialog > >();

	constructor( readonly push: AssistantPush ) {
		this.indexes = new AssistantIndexes( push.content );
		for ( const [ locale, c ] of Object.entries( push.content.locales ) ) {
			this.answers.set( locale, new Map( c.answers.map( ( a ) => [ a.id, a ] ) ) );
			this.dialogs.set( locale, new Map( c.dialogs.map( ( d ) => [ d.id, d ] ) ) );
		}
	}

	/** The mode for a chat of `dept`; `off` while the site has neither content nor a bot. */
	modeFor( dept: string | null ): AssistantMode {
		return this.indexes.locales.length === 0 && ! this.bot ? 'off' : modeFor( this.push.settings, dept );
	}

	/** The site's own bot, answering instead of the built-in answers (none: those answer). */
	get bot(): BotSettings | undefined {
		return this.push.settings.bot;
	}

	/**
	 * Whether a chat of `dept` started now goes to the assistant rather than
	 * the queue: `first`, or `when_offline` while no agent who may take it
	 * is online (`agentOnline`: the access rule's answer, agents.available).
	 * The one rule, for the chat core and for GET /availability.
	 */
	servesNewChat( dept: string | null, agentOnline: boolean ): boolean {
		const mode = this.modeFor( dept );
		return mode === 'first' || ( mode === 'when_offline' && ! agentOnline );
	}

	get handoverAfter(): number {
		return this.push.settings.handoverAfter;
	}

	/** The content locale that serves a visitor of `lang` (none given: the site's main one). */
	localeFor( lang: string | null ): string | undefined {
		return lang ? this.indexes.localeFor( lang ) : this.indexes.locales[ 0 ];
	}

	answer( locale: string, id: string ): Answer | undefined {
		const chosen = this.indexes.localeFor( locale );
		return chosen === undefined ? undefined : this.answers.get( chosen )?.get( id );
	}

	dialog( locale: string, id: string ): Dialog | undefined {
		const chosen = this.indexes.localeFor( locale );
		return chosen === undefined ? undefined : this.dialogs.get( chosen )?.get( id );
	}
}

/** What the chat core and the routes read: the assistant in force for a site (none: off). */
export interface AssistantsInForce {
	get( site: string ): SiteAssistant | undefined;
}

export const NO_ASSISTANTS: AssistantsInForce = { get: () => undefined };

/** Told the site's id once a push sent to this node is saved and in force here. */
export type AssistantSaved = ( siteId: string ) => void;

export class SiteAssistants implements AssistantsInForce {
	private readonly bySite = new Map< string, SiteAssistant >();
	/** Saves and re-reads one after another (see SitePolicies: every node ends on the push saved last). */
	private queue: Promise< unknown > = Promise.resolve();
	private readonly listeners: AssistantSaved[] = [];

	constructor(
		private readonly store: AssistantStore,
		private readonly sites: ReadonlySet< string >,
		private readonly log: Logger
	) {}

	get( site: string ): SiteAssistant | undefined {
		return this.bySite.get( site );
	}

	/** At start: applies every saved document. */
	load(): Promise< void > {
		return this.refresh();
	}

	/**
	 * Reads the saved document of `siteId` (or of every site) again and
	 * applies it. One that cannot be read or is not valid is logged (without
	 * its content) and leaves the assistant in force as it is. Rejects only
	 * if the store cannot be reached.
	 */
	refresh( siteId?: string ): Promise< void > {
		return this.serially( async () => {
			const saved = await this.store.read( siteId );
			for ( const [ id, raw ] of saved ) {
				if ( ! this.sites.has( id ) ) continue;
				if ( raw instanceof UnreadablePoliciesError ) {
					this.log.warn( { site: id }, `${ raw.message }; using the assistant in force` );
					continue;
				}
				const parsed = parseAssistantPush( raw );
				if ( ! parsed.ok ) {
					this.log.warn( { site: id }, `the saved assistant of site ${ id } is invalid at "${ parsed.path }"; using the one in force` );
					continue;
				}
				this.bySite.set( id, new SiteAssistant( parsed.push ) );
			}
		} );
	}

	/**
	 * Saves `push` (checked already: parseAssistantPush) as the site's and
	 * puts it in force here: the indexes are built before the save and
	 * swapped in after it, so nothing changes here if the save fails.
	 */
	set( siteId: string, push: AssistantPush ): Promise< AssistantPush > {
		if ( ! this.sites.has( siteId ) ) return Promise.reject( new Error( `unknown site ${ siteId }` ) );
		return this.serially( async () => {
			const next = new SiteAssistant( push );
			await this.store.save( siteId, push );
			this.bySite.set( siteId, next );
			for ( const listener of this.listeners ) {
				try {
					listener( siteId );
				} catch ( e ) {
					this.log.error( { err: e, site: siteId }, 'a listener of saved assistants failed' );
				}
			}
			return push;
		} );
	}

	/** Calls `listener` after each successful `set` on this node (not after a refresh). */
	onSaved( listener: AssistantSaved ): void {
		this.listeners.push( listener );
	}

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
