/**
 * Which engine the service keeps its data in: PostgreSQL when a database URL
 * is configured (every node of a cluster shares it), else files in the data
 * folder (one node, zero set-up: `npm start`). The one place where that
 * choice is made, for the chats' store and for what lives beside it: the
 * site policies and assistant content WordPress sent and the page-view counts.
 */
import { join } from 'node:path';
import type { ServiceConfig } from '../config';
import type { Logger } from '../log';
import { FileAssistantStore, type AssistantStore } from './assistant';
import { SqlitePageViews, type PageViewCounter } from './page-views';
import { FilePolicyStore, type PolicyStore } from './policies';
import { PostgresAssistant } from './postgres/assistant';
import { PostgresPageViews } from './postgres/page-views';
import { PostgresPolicies } from './postgres/policies';
import { PostgresStore } from './postgres-store';
import { SqliteStore } from './sqlite-store';
import type { ChatStore } from './types';

export async function openStore( config: ServiceConfig, log: Logger ): Promise< ChatStore > {
	if ( config.databaseUrl ) return PostgresStore.open( config.databaseUrl, { log } );
	// Counters from before they were kept per site belong to the first site.
	return new SqliteStore( join( config.dataDir, 'chats.sqlite' ), { legacyStatsSite: config.sites[ 0 ].id, fold: config.store, log } );
}

/** The site policies WordPress sent: a table every node reads, or `site-policies.json`. */
export async function openPolicyStore( config: ServiceConfig, log: Logger ): Promise< PolicyStore > {
	if ( config.databaseUrl ) return PostgresPolicies.open( config.databaseUrl, { log } );
	return new FilePolicyStore( join( config.dataDir, 'site-policies.json' ) );
}

/** What WordPress sent for the sites' assistants: a table every node reads, or `assistant/<site>.json`. */
export async function openAssistantStore( config: ServiceConfig, log: Logger ): Promise< AssistantStore > {
	if ( config.databaseUrl ) return PostgresAssistant.open( config.databaseUrl, { log } );
	return new FileAssistantStore( join( config.dataDir, 'assistant' ) );
}

/** The tracking embed's page-view counts: rows every node adds to, or `page-views.sqlite`. */
export async function openPageViews( config: ServiceConfig, log: Logger ): Promise< PageViewCounter > {
	if ( config.databaseUrl ) return PostgresPageViews.open( config.databaseUrl, { log } );
	return new SqlitePageViews( join( config.dataDir, 'page-views.sqlite' ) );
}
