/**
 * The command line's own rules: which Node it refuses (before the store's
 * binary could crash it without a word), what a missing site is called, and
 * that --check-config's summary names the trusted proxies.
 */
import { configSummary, MIN_NODE_MAJOR, nodeTooOld, parseCommandLine } from '../../server/cli';
import { ConfigError, configFromEnv } from '../../server/config';

const SECRET = 'x'.repeat( 40 );

test( 'Node older than 22 is refused by name; 22 and later are not', () => {
	expect( MIN_NODE_MAJOR ).toBe( 22 );
	expect( nodeTooOld( '20.20.2' ) ).toMatch( /needs Node 22 or later; this is Node 20\.20\.2/ );
	expect( nodeTooOld( '21.7.3' ) ).not.toBeNull();
	expect( nodeTooOld( '22.0.0' ) ).toBeNull();
	expect( nodeTooOld( '24.21.0' ) ).toBeNull();
} );

test( 'no site in the environment names the variables that make one', () => {
	expect( () => configFromEnv( {} ) ).toThrow( ConfigError );
	expect( () => configFromEnv( {} ) ).toThrow( /CONSENT_CHAT_SECRET and CONSENT_CHAT_ORIGINS/ );
} );

test( "--check-config's summary says which proxies are trusted, and that none means the header is ignored", () => {
	const trusted = configFromEnv( { CONSENT_CHAT_SECRET: SECRET, CONSENT_CHAT_ORIGINS: 'https://a.example', CONSENT_CHAT_TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8' } );
	expect( configSummary( trusted ) ).toContain( 'trusted proxies: 127.0.0.1, 10.0.0.0/8' );
	expect( configSummary( trusted ) ).not.toContain( SECRET );
	const none = configFromEnv( { CONSENT_CHAT_SECRET: SECRET, CONSENT_CHAT_ORIGINS: 'https://a.example' } );
	expect( configSummary( none ) ).toContain( 'trusted proxies: none (X-Forwarded-For is ignored)' );
} );

test( 'arguments: --check-config with a file, and an unknown option as a usage error', () => {
	expect( parseCommandLine( [ '--check-config', '--config', 'a.json' ] ) ).toEqual( { kind: 'check-config', configFile: 'a.json' } );
	expect( parseCommandLine( [ '--nope' ] ).kind ).toBe( 'usage-error' );
} );

test( 'the database and Redis URLs: their schemes checked without echoing them, their passwords never printed', () => {
	const base = { CONSENT_CHAT_SECRET: SECRET, CONSENT_CHAT_ORIGINS: 'https://a.example' };
	const cluster = configFromEnv( { ...base, CONSENT_CHAT_DATABASE_URL: 'postgres://chat:pg-pass-123@db.internal:5432/chat', CONSENT_CHAT_REDIS_URL: 'redis://:redis-pass-456@cache.internal:6379' } );
	const summary = configSummary( cluster );
	expect( summary ).toContain( 'store: PostgreSQL at postgres://chat:***@db.internal:5432/chat' );
	expect( summary ).toContain( 'cluster: Redis at redis://:***@cache.internal:6379' );
	expect( summary ).not.toMatch( /pg-pass-123|redis-pass-456/ );
	expect( configSummary( configFromEnv( base ) ) ).toMatch( /store: SQLite in data\/service\ncluster: none \(one node\)/ );

	const wrong = (): unknown => configFromEnv( { ...base, CONSENT_CHAT_DATABASE_URL: 'mysql://root:secret-pass@db/chat' } );
	expect( wrong ).toThrow( /databaseUrl: not a postgres:\/\/ or postgresql:\/\/ URL/ );
	expect( wrong ).not.toThrow( /secret-pass/ );
	expect( () => configFromEnv( { ...base, CONSENT_CHAT_REDIS_URL: 'localhost:6379' } ) ).toThrow( /redisUrl: not a redis:\/\/ or rediss:\/\/ URL/ );
} );
