/**
 * Site policies in PostgreSQL (table `site_policies`, schema 2): one row per
 * site, the policy as JSON, so every node reads what WordPress last sent to
 * any of them. Saving replaces the row (the last save wins); a save is one
 * statement, and saving the same policy twice leaves the same row, so the
 * pool may run it again on a fresh connection after a dead one.
 */
import { createLogger, type Logger } from '../../log';
import type { SitePolicy } from '../../site-policy';
import type { PolicyStore } from '../policies';
import { CONNECTION_DEFAULTS, ReadPool, type ConnectionOptions } from './connection';
import { migrateAt } from './migrations';

export interface PostgresPoliciesOptions extends Partial< ConnectionOptions > {
	log?: Logger;
}

const SAVE = `INSERT INTO site_policies (site, policy, saved_at) VALUES ($1, $2, $3)
	ON CONFLICT (site) DO UPDATE SET policy = excluded.policy, saved_at = excluded.saved_at`;

export class PostgresPolicies implements PolicyStore {
	private constructor( private readonly pool: ReadPool ) {}

	/** Connects to the database at `url` and brings it to this code's schema (several nodes at once migrate once). */
	static async open( url: string, options: PostgresPoliciesOptions = {} ): Promise< PostgresPolicies > {
		const log = options.log ?? createLogger( 'silent' );
		const connection: ConnectionOptions = {
			connectTimeoutMs: options.connectTimeoutMs ?? CONNECTION_DEFAULTS.connectTimeoutMs,
			statementTimeoutMs: options.statementTimeoutMs ?? CONNECTION_DEFAULTS.statementTimeoutMs,
			// Read at start and when another node saved; written when WordPress sends one.
			readConnections: options.readConnections ?? 1,
		};
		await migrateAt( url, connection, log );
		return new PostgresPolicies( new ReadPool( url, connection, log ) );
	}

	async read( site?: string ): Promise< Map< string, unknown > > {
		const rows =
			site === undefined
				? await this.pool.rows< { site: string; policy: unknown } >( 'SELECT site, policy FROM site_policies' )
				: await this.pool.rows< { site: string; policy: unknown } >( 'SELECT site, policy FROM site_policies WHERE site = $1', [ site ] );
		return new Map( rows.map( ( r ) => [ r.site, r.policy ] ) );
	}

	async save( site: string, policy: SitePolicy ): Promise< void > {
		await this.pool.rows( SAVE, [ site, JSON.stringify( policy ), Date.now() ] );
	}

	close(): Promise< void > {
		return this.pool.close();
	}
}
