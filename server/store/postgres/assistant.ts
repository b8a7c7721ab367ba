/**
 * The sites' assistant documents in PostgreSQL (table `site_assistants`,
 * schema 3): one row per site, as JSON, so every node reads what WordPress
 * last sent to any of them. A save is one statement that replaces the row
 * (the last save wins), so running it again on a fresh connection is safe.
 */
import { createLogger, type Logger } from '../../log';
import type { AssistantPush } from '../../assistant/settings';
import type { AssistantStore } from '../assistant';
import { CONNECTION_DEFAULTS, ReadPool, type ConnectionOptions } from './connection';
import { migrateAt } from './migrations';

export interface PostgresAssistantOptions extends Partial< ConnectionOptions > {
	log?: Logger;
}

const SAVE = `INSERT INTO site_assistants (site, push, saved_at) VALUES ($1, $2, $3)
	ON CONFLICT (site) DO UPDATE SET push = excluded.push, saved_at = excluded.saved_at`;

export class PostgresAssistant implements AssistantStore {
	private constructor( private readonly pool: ReadPool ) {}

	/** Connects to the database at `url` and brings it to this code's schema. */
	static async open( url: string, options: PostgresAssistantOptions = {} ): Promise< PostgresAssistant > {
		const log = options.log ?? createLogger( 'silent' );
		const connection: ConnectionOptions = {
			connectTimeoutMs: options.connectTimeoutMs ?? CONNECTION_DEFAULTS.connectTimeoutMs,
			statementTimeoutMs: options.statementTimeoutMs ?? CONNECTION_DEFAULTS.statementTimeoutMs,
			// Read at start and when another node saved; written when WordPress sends one.
			readConnections: options.readConnections ?? 1,
		};
		await migrateAt( url, connection, log );
		return new PostgresAssistant( new ReadPool( url, connection, log ) );
	}

	async read( site?: string ): Promise< Map< string, unknown > > {
		const rows =
			site === undefined
				? await this.pool.rows< { site: string; push: unknown } >( 'SELECT site, push FROM site_assistants' )
				: await this.pool.rows< { site: string; push: unknown } >( 'SELECT site, push FROM site_assistants WHERE site = $1', [ site ] );
		return new Map( rows.map( ( r ) => [ r.site, r.push ] ) );
	}

	async save( site: string, push: AssistantPush ): Promise< void > {
		await this.pool.rows( SAVE, [ site, JSON.stringify( push ), Date.now() ] );
	}

	close(): Promise< void > {
		return this.pool.close();
	}
}
