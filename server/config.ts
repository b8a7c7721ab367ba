/**
 * Service configuration, read once at start from the environment (and an
 * optional JSON file for several sites). Invalid configuration stops the
 * service with a message that names the setting, rather than running with a
 * guess.
 */
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { parseProxyEntry } from './client-address';
import { RETENTION_DAYS } from './protocol/limits';

const Origin = v.pipe(
	v.string(),
	v.regex( /^https?:\/\/[^/\s]+$/, 'an origin is scheme://host[:port], no path' )
);

const SiteSchema = v.object( {
	/** Matches the `iss` claim of the tokens that site's WordPress signs. */
	id: v.pipe( v.string(), v.regex( /^[a-z0-9_-]{1,64}$/, 'site id: a-z, 0-9, - and _' ) ),
	/** HMAC secret shared with that WordPress. */
	secret: v.pipe( v.string(), v.minLength( 32, 'secret must be at least 32 characters' ) ),
	/** Pages allowed to open a WebSocket (checked against the Origin header). */
	origins: v.pipe( v.array( Origin ), v.minLength( 1, 'at least one origin' ) ),
	defaultMode: v.optional( v.picklist( [ 'stored', 'ephemeral' ] ), 'stored' ),
	/** Whether a visitor may pick the other mode for their chat. */
	visitorChoosesMode: v.optional( v.boolean(), true ),
	/** Closed chats older than this are deleted, except those marked "keep". */
	retentionDays: v.optional( v.pipe( v.number(), v.integer(), v.minValue( RETENTION_DAYS.min ), v.maxValue( RETENTION_DAYS.max ) ), 30 ),
	/** An open chat with no message for this long is ended, with a notice to both sides. */
	inactivityMinutes: v.optional( v.pipe( v.number(), v.minValue( 0.01 ), v.maxValue( 24 * 60 ) ), 30 ),
	/** Parallel chats per agent, unless the agent's token says otherwise. */
	maxChatsPerAgent: v.optional( v.pipe( v.number(), v.integer(), v.minValue( 1 ), v.maxValue( 50 ) ), 3 ),
} );

const Positive = v.pipe( v.number(), v.minValue( 0.001 ) );

const LimitsSchema = v.object( {
	/** Frames per second per connection, and the burst a connection may save up. */
	framesPerSecond: v.optional( Positive, 10 ),
	burst: v.optional( Positive, 30 ),
	/** Open connections per IP address (held in memory only). */
	connectionsPerIp: v.optional( v.pipe( v.number(), v.integer(), v.minValue( 1 ) ), 50 ),
	/** Failed "delete by code" attempts per IP address per 15 minutes. */
	deleteAttemptsPerIp: v.optional( v.pipe( v.number(), v.integer(), v.minValue( 1 ) ), 10 ),
} );

/** How the store maintains its index of messages by chat (see store/sqlite/message-index.ts). */
const StoreSchema = v.object( {
	/** Message rows (one per chat per commit) written since the last fold that make the next commit fold them too. */
	foldRows: v.optional( v.pipe( v.number(), v.integer(), v.minValue( 1 ) ), 4096 ),
	/** A smaller tail of unfolded rows is folded this long after a write. */
	foldIdleMs: v.optional( v.pipe( v.number(), v.minValue( 1 ) ), 2000 ),
} );

/** A proxy's address or network; the message names the entry, which is configuration, not a visitor's. */
const ProxyEntry = v.pipe(
	v.string(),
	v.check(
		( s ) => parseProxyEntry( s ) !== null,
		( issue ) => `${ JSON.stringify( issue.input ) } is not an IPv4/IPv6 address or CIDR (e.g. 127.0.0.1, 10.0.0.0/8, fd00::/8)`
	)
);

/** A connection URL of one of the given schemes; the message never repeats the URL (it may hold a password). */
const UrlOf = ( schemes: readonly string[], example: string ) =>
	v.pipe(
		v.string(),
		v.check( ( s ) => {
			try {
				return schemes.includes( new URL( s ).protocol );
			} catch {
				return false;
			}
		}, `not a ${ schemes.map( ( x ) => x.replace( ':', '://' ) ).join( ' or ' ) } URL (e.g. ${ example })` )
	);

const ConfigSchema = v.object( {
	host: v.optional( v.string(), '127.0.0.1' ),
	port: v.optional( v.pipe( v.number(), v.integer(), v.minValue( 0 ), v.maxValue( 65535 ) ), 8787 ),
	dataDir: v.optional( v.string(), 'data/service' ),
	logLevel: v.optional(
		v.picklist( [ 'fatal', 'error', 'warn', 'info', 'debug', 'silent' ] ),
		'info'
	),
	/** After SIGTERM: how long /readyz answers 503 before the port closes, so load balancers stop sending first. */
	drainSeconds: v.optional( v.pipe( v.number(), v.minValue( 0 ), v.maxValue( 300 ) ), 0 ),
	sites: v.pipe( v.array( SiteSchema ), v.minLength( 1, 'configure at least one site' ) ),
	limits: v.optional( LimitsSchema, {} ),
	store: v.optional( StoreSchema, {} ),
	/** How often the retention job and the inactivity sweep run. */
	retentionIntervalMinutes: v.optional( Positive, 60 ),
	heartbeatSeconds: v.optional( Positive, 30 ),
	/**
	 * After an agent's last connection closes, how long it keeps its presence
	 * and its chats for a reconnect (a reload, a network blip); then it is
	 * offline and its chats go back to the queue (presence.ts).
	 */
	agentGraceSeconds: v.optional( v.pipe( v.number(), v.minValue( 0 ), v.maxValue( 3600 ) ), 30 ),
	/**
	 * Reverse proxies (addresses or CIDRs) whose X-Forwarded-For / X-Real-IP
	 * name the visitor (see client-address.ts). Empty: every peer is the client.
	 */
	trustedProxies: v.optional( v.array( ProxyEntry ), [] ),
	/**
	 * PostgreSQL instead of the embedded SQLite file: the store of every node
	 * of a cluster (store/postgres-store.ts), and with it the site policies
	 * and page-view counts (store/open.ts). Absent: SQLite and a JSON file in dataDir.
	 */
	databaseUrl: v.optional( UrlOf( [ 'postgres:', 'postgresql:' ], 'postgres://chat@db.internal/chat' ) ),
	/**
	 * Redis, for what crosses the nodes of a cluster and needs no durability:
	 * frames between nodes (pub/sub), agent presence, per-address counters.
	 */
	redisUrl: v.optional( UrlOf( [ 'redis:', 'rediss:' ], 'redis://cache.internal:6379' ) ),
} );

export type SiteConfig = v.InferOutput< typeof SiteSchema >;
export type SiteConfigInput = v.InferInput< typeof SiteSchema >;
export type ServiceConfig = v.InferOutput< typeof ConfigSchema >;
export type ServiceConfigInput = v.InferInput< typeof ConfigSchema >;
export type ServiceLimits = v.InferOutput< typeof LimitsSchema >;
export type StoreOptions = v.InferOutput< typeof StoreSchema >;

export class ConfigError extends Error {}

export function parseConfig( input: unknown ): ServiceConfig {
	const result = v.safeParse( ConfigSchema, input );
	if ( ! result.success ) {
		const msg = result.issues
			.map( ( i ) => `${ i.path?.map( ( p ) => String( p.key ) ).join( '.' ) ?? '' }: ${ i.message }` )
			.join( '; ' );
		throw new ConfigError( `invalid service configuration: ${ msg }` );
	}
	if ( result.output.redisUrl && ! result.output.databaseUrl ) {
		// The nodes of a cluster share their chats through PostgreSQL; Redis alone would give each its own store.
		throw new ConfigError( 'invalid service configuration: redisUrl: several nodes need databaseUrl (PostgreSQL) as well' );
	}
	return result.output;
}

/**
 * CONSENT_CHAT_CONFIG names a JSON file; otherwise one site comes from
 * CONSENT_CHAT_SITE_ID / _SECRET / _ORIGINS (comma-separated). PORT, HOST,
 * DRAIN_SECONDS, DATA_DIR, LOG_LEVEL, TRUSTED_PROXIES (comma-separated),
 * DATABASE_URL and REDIS_URL override either way.
 */
export function configFromEnv( env: NodeJS.ProcessEnv = process.env ): ServiceConfig {
	let base: Record< string, unknown > = {};
	if ( env.CONSENT_CHAT_CONFIG ) {
		try {
			base = JSON.parse( readFileSync( env.CONSENT_CHAT_CONFIG, 'utf8' ) ) as Record< string, unknown >;
		} catch ( e ) {
			throw new ConfigError( `cannot read CONSENT_CHAT_CONFIG: ${ ( e as Error ).message }` );
		}
	} else if ( ! env.CONSENT_CHAT_SECRET ) {
		// Without either there is no site at all; say which settings make one, not the schema's "sites".
		throw new ConfigError( 'no site configured: set CONSENT_CHAT_SECRET and CONSENT_CHAT_ORIGINS (and CONSENT_CHAT_SITE_ID), or CONSENT_CHAT_CONFIG' );
	} else {
		base.sites = [
			{
				id: env.CONSENT_CHAT_SITE_ID ?? 'default',
				secret: env.CONSENT_CHAT_SECRET,
				origins: ( env.CONSENT_CHAT_ORIGINS ?? '' ).split( ',' ).map( ( s ) => s.trim() ).filter( Boolean ),
			},
		];
	}
	if ( env.CONSENT_CHAT_PORT ) base.port = Number( env.CONSENT_CHAT_PORT );
	if ( env.CONSENT_CHAT_HOST ) base.host = env.CONSENT_CHAT_HOST;
	if ( env.CONSENT_CHAT_DRAIN_SECONDS ) base.drainSeconds = Number( env.CONSENT_CHAT_DRAIN_SECONDS );
	if ( env.CONSENT_CHAT_DATA_DIR ) base.dataDir = env.CONSENT_CHAT_DATA_DIR;
	if ( env.CONSENT_CHAT_LOG_LEVEL ) base.logLevel = env.CONSENT_CHAT_LOG_LEVEL;
	if ( env.CONSENT_CHAT_DATABASE_URL ) base.databaseUrl = env.CONSENT_CHAT_DATABASE_URL;
	if ( env.CONSENT_CHAT_REDIS_URL ) base.redisUrl = env.CONSENT_CHAT_REDIS_URL;
	if ( env.CONSENT_CHAT_TRUSTED_PROXIES ) {
		base.trustedProxies = env.CONSENT_CHAT_TRUSTED_PROXIES.split( ',' ).map( ( s ) => s.trim() ).filter( Boolean );
	}
	return parseConfig( base );
}
