/**
 * The command line of `consent-chat-service` (and `npm run service`): which
 * of run / --check-config / --help / --version was asked for, the help text,
 * and the summary --check-config prints. main.ts does what was asked.
 * Settings themselves come from the environment or a JSON file (config.ts);
 * the only option that names one is --config, the same as CONSENT_CHAT_CONFIG.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ServiceConfig } from './config';

export type Command =
	| { kind: 'run' | 'check-config'; configFile?: string }
	| { kind: 'help' | 'version' }
	| { kind: 'usage-error'; message: string };

export function parseCommandLine( argv: readonly string[] ): Command {
	let parsed;
	try {
		parsed = parseArgs( {
			args: [ ...argv ],
			options: {
				config: { type: 'string', short: 'c' },
				'check-config': { type: 'boolean' },
				help: { type: 'boolean', short: 'h' },
				version: { type: 'boolean', short: 'v' },
			},
			strict: true,
			allowPositionals: false,
		} );
	} catch ( e ) {
		return { kind: 'usage-error', message: ( e as Error ).message };
	}
	const { values } = parsed;
	if ( values.help ) return { kind: 'help' };
	if ( values.version ) return { kind: 'version' };
	return { kind: values[ 'check-config' ] ? 'check-config' : 'run', configFile: values.config };
}

export const HELP = `Usage: consent-chat-service [--config <file>] [--check-config]

The Consent Chat service: WebSocket chats and a small HTTP API on one port.

Options:
  -c, --config <file>  a JSON file with the settings (same as CONSENT_CHAT_CONFIG)
      --check-config   validate the settings, print a summary and exit
                       (0 when valid; 2 and the setting's name when not)
  -h, --help           this text
  -v, --version        the version

Settings for one site come from the environment:
  CONSENT_CHAT_SECRET       HMAC secret shared with WordPress (required, 32+ characters)
  CONSENT_CHAT_SITE_ID      the site's id                          (default: default)
  CONSENT_CHAT_ORIGINS      comma-separated origins allowed to chat (required)
  CONSENT_CHAT_PORT         port                                   (default: 8787)
  CONSENT_CHAT_HOST         address to listen on                   (default: 127.0.0.1)
  CONSENT_CHAT_DATA_DIR     folder of the SQLite files             (default: data/service)
  CONSENT_CHAT_LOG_LEVEL    fatal, error, warn, info, debug, silent (default: info)
  CONSENT_CHAT_DRAIN_SECONDS  after SIGTERM, how long /readyz answers 503
                            before the port closes                 (default: 0)
  CONSENT_CHAT_TRUSTED_PROXIES  comma-separated addresses or CIDRs of the TLS
                            proxies in front (e.g. 127.0.0.1); only from them
                            is X-Forwarded-For believed             (default: none)
  CONSENT_CHAT_DATABASE_URL  postgres://… : PostgreSQL instead of the SQLite
                            file in DATA_DIR (every node of a cluster) (default: SQLite)
  CONSENT_CHAT_REDIS_URL    redis://… : what crosses the nodes of a cluster
                            (frames, presence, per-address counters) (default: none)
  CONSENT_CHAT_CONFIG       a JSON file with several "sites" and the other settings;
                            PORT, HOST, DATA_DIR, LOG_LEVEL, DRAIN_SECONDS,
                            TRUSTED_PROXIES, DATABASE_URL and REDIS_URL above still
                            override it

Needs Node 22 or later.

Health: GET /livez (the process is up), GET /readyz (503 while draining or
when the store takes no writes), GET /health (counts, for WordPress).
SIGTERM drains: clients are told to reconnect, the store is flushed, exit 0.
`;

/** A connection URL as it may be printed: the password replaced. */
export function withoutPassword( url: string ): string {
	const u = new URL( url );
	if ( u.password ) u.password = '***';
	return u.toString();
}

/** What --check-config prints for a valid configuration: everything but the secrets. */
export function configSummary( config: ServiceConfig ): string {
	const lines = [
		'configuration valid',
		`listens on ${ config.host }:${ config.port }, data in ${ config.dataDir }, log level ${ config.logLevel }, drain ${ config.drainSeconds } s`,
		`trusted proxies: ${ config.trustedProxies.length > 0 ? config.trustedProxies.join( ', ' ) : 'none (X-Forwarded-For is ignored)' }`,
		`store: ${ config.databaseUrl ? `PostgreSQL at ${ withoutPassword( config.databaseUrl ) }` : `SQLite in ${ config.dataDir }` }`,
		`cluster: ${ config.redisUrl ? `Redis at ${ withoutPassword( config.redisUrl ) }` : 'none (one node)' }`,
	];
	for ( const s of config.sites ) {
		lines.push(
			`site ${ s.id }: origins ${ s.origins.join( ', ' ) }; ${ s.defaultMode } by default` +
				`${ s.visitorChoosesMode ? ' (visitors may choose)' : '' }; retention ${ s.retentionDays } days`
		);
	}
	return lines.join( '\n' ) + '\n';
}

/** The oldest Node the service runs on: better-sqlite3 13's prebuilt binary needs 22 (on 20 it crashes at load). */
export const MIN_NODE_MAJOR = 22;

/** Why this Node cannot run the service, or null when it can. */
export function nodeTooOld( version = process.versions.node ): string | null {
	const major = Number( version.split( '.' )[ 0 ] );
	return major >= MIN_NODE_MAJOR ? null : `consent-chat-service needs Node ${ MIN_NODE_MAJOR } or later; this is Node ${ version } (${ process.execPath })`;
}

/** The version of the package this file was installed with (the repository's, when run from a checkout). */
export function packageVersion( from = __dirname ): string {
	for ( let dir = from; ; dir = dirname( dir ) ) {
		const file = join( dir, 'package.json' );
		if ( existsSync( file ) ) return ( JSON.parse( readFileSync( file, 'utf8' ) ) as { version?: string } ).version ?? 'unknown';
		if ( dirname( dir ) === dir ) return 'unknown';
	}
}
