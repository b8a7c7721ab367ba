/**
 * Two jest projects: `unit` (pure logic) and `integration` (the real service
 * on real sockets, started in the test process or as a child process).
 * TypeScript goes through Babel with WordPress's preset, like the front-end
 * build; `tsc --noEmit` checks the types separately.
 */
const transform = {
	'\\.[jt]sx?$': [ 'babel-jest', { presets: [ '@wordpress/babel-preset-default' ] } ],
};
// Browser code imports its CSS for webpack; in jest it is nothing.
const moduleNameMapper = { '\\.s?css$': '<rootDir>/tests/helpers/style-stub.js' };

/**
 * The service tests that run on both engines: those that say nothing about
 * a particular engine's files, and those that look where each engine keeps
 * what they test (policy, tracking: tests/helpers/engine.ts). The others read SQLite's own files (migrations, the
 * folded index, message rows) or test PostgreSQL itself (postgres-*.test.ts). The privacy rules on
 * each engine's own files: privacy.test.ts (SQLite), postgres-privacy.test.ts, redis-privacy.test.ts
 * and cluster-privacy.test.ts (both engines under two nodes); the log's, log-privacy, on both.
 */
const POSTGRES_SUITES = [
	'relay',
	'routing',
	'lifecycle',
	'core-rules',
	'presence',
	'agent-access',
	'personal-data',
	'refusals',
	'durability',
	'health',
	'policy',
	'tracking',
	'log-privacy',
	'assistant',
];

module.exports = {
	projects: [
		{
			displayName: 'unit',
			testEnvironment: 'node',
			roots: [ '<rootDir>/tests/unit' ],
			testMatch: [ '**/*.test.ts' ],
			transform,
			moduleNameMapper,
		},
		{
			displayName: 'integration',
			testEnvironment: 'node',
			globalSetup: '<rootDir>/tests/integration/build-server.ts',
			roots: [ '<rootDir>/tests/integration' ],
			testMatch: [ '**/*.test.ts' ],
			transform,
			moduleNameMapper,
		},
		{
			// The engine-neutral service tests again, on PostgreSQL (tests/helpers/engine.ts).
			displayName: 'postgres',
			testEnvironment: 'node',
			globalSetup: '<rootDir>/tests/integration/postgres-setup.ts',
			globalTeardown: '<rootDir>/tests/integration/postgres-teardown.ts',
			setupFiles: [ '<rootDir>/tests/integration/use-postgres.ts' ],
			roots: [ '<rootDir>/tests/integration' ],
			testMatch: POSTGRES_SUITES.map( ( name ) => `**/${ name }.test.ts` ),
			transform,
			moduleNameMapper,
		},
	],
};
