/**
 * Which engine the service stores in: PostgreSQL when a database URL is
 * configured (every node of a cluster shares it), else the embedded SQLite
 * file in the data folder (one node, zero set-up: `npm start`).
 */
import { join } from 'node:path';
import type { ServiceConfig } from '../config';
import type { Logger } from '../log';
import { PostgresStore } from './postgres-store';
import { SqliteStore } from './sqlite-store';
import type { ChatStore } from './types';

export async function openStore( config: ServiceConfig, log: Logger ): Promise< ChatStore > {
	if ( config.databaseUrl ) return PostgresStore.open( config.databaseUrl, { log } );
	// Counters from before they were kept per site belong to the first site.
	return new SqliteStore( join( config.dataDir, 'chats.sqlite' ), { legacyStatsSite: config.sites[ 0 ].id, fold: config.store, log } );
}
