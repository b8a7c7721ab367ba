/**
 * The service as a site owner gets it: `npm run service-pack` makes the
 * tarball (npm pack), `npm install <tgz>` puts it into an empty folder with
 * its runtime dependencies from the registry, and the `consent-chat-service`
 * command answers --help, --check-config (good and bad), runs, and carries a
 * chat. Needs the npm registry (or npm's cache); bounded by the timeouts below.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { hello, httpGet, spawnService, type ChildService } from '../helpers/child-service';
import { ORIGIN, SITE } from '../helpers/service';

const run = promisify( execFile );
const root = resolve( __dirname, '../..' );
const version = ( JSON.parse( readFileSync( join( root, 'package.json' ), 'utf8' ) ) as { version: string } ).version;
// npm and the package's own scripts must see Node 24, not the machine's older node.
const env = { ...process.env, PATH: `${ dirname( process.execPath ) }:${ process.env.PATH ?? '' }` };

let dir: string;
let bin: string;
let svc: ChildService | undefined;

beforeAll( async () => {
	dir = mkdtempSync( join( tmpdir(), 'cc-package-' ) );
	const packed = await run( process.execPath, [ join( root, 'scripts/service-pack.mjs' ), `--out=${ dir }` ], { env, timeout: 120_000 } );
	const tgz = packed.stdout.trim().split( '\n' ).pop()!;
	expect( tgz ).toBe( join( dir, `consent-chat-service-${ version }.tgz` ) );
	const app = join( dir, 'app' );
	await run( 'mkdir', [ app ] );
	await run( 'npm', [ 'install', '--no-audit', '--no-fund', '--prefer-offline', tgz ], { cwd: app, env, timeout: 180_000 } );
	bin = join( app, 'node_modules/.bin/consent-chat-service' );
	const deps = await run( 'npm', [ 'ls', '--all', '--parseable' ], { cwd: app, env } );
	// Seen in CI logs: how heavy the install is (the first line is the folder itself).
	process.stdout.write( `service package: ${ statSync( tgz ).size } bytes packed, ${ deps.stdout.trim().split( '\n' ).length - 1 } packages installed\n` );
}, 300_000 );

afterAll( async () => {
	await svc?.remove();
	rmSync( dir, { recursive: true, force: true } );
} );

/** Runs the installed command with Node 24 and the given environment. */
function command( args: string[], extraEnv: Record< string, string > = {} ) {
	const r = spawnSync( process.execPath, [ bin, ...args ], { env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 30_000 } );
	return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test( 'the package holds only the runtime dependencies', () => {
	const pkg = JSON.parse( readFileSync( join( dir, 'app/node_modules/consent-chat-service/package.json' ), 'utf8' ) ) as {
		dependencies: Record< string, string >;
		devDependencies?: unknown;
	};
	expect( Object.keys( pkg.dependencies ).sort() ).toEqual( [ '@orama/stemmers', '@orama/stopwords', 'better-sqlite3', 'ioredis', 'jsonwebtoken', 'minisearch', 'pg', 'pino', 'valibot', 'ws' ] );
	expect( pkg.devDependencies ).toBeUndefined();
} );

test( '--help and --version', () => {
	const help = command( [ '--help' ] );
	expect( help.status ).toBe( 0 );
	expect( help.stdout ).toContain( 'Usage: consent-chat-service' );
	expect( help.stdout ).toContain( '--check-config' );
	expect( help.stdout ).toContain( 'CONSENT_CHAT_SECRET' );
	expect( command( [ '--version' ] ).stdout.trim() ).toBe( version );
	const bad = command( [ '--no-such-option' ] );
	expect( bad.status ).toBe( 2 );
	expect( bad.stderr ).toContain( '--no-such-option' );
} );

test( '--check-config: a summary and 0 when valid, the setting and its problem and 2 when not', () => {
	const good = command( [ '--check-config' ], {
		CONSENT_CHAT_SECRET: SITE.secret,
		CONSENT_CHAT_SITE_ID: 'shop',
		CONSENT_CHAT_ORIGINS: 'https://shop.example',
	} );
	expect( good.status ).toBe( 0 );
	expect( good.stdout ).toContain( 'configuration valid' );
	expect( good.stdout ).toContain( 'site shop: origins https://shop.example' );
	expect( good.stdout ).not.toContain( SITE.secret );

	const file = join( dir, 'bad.json' );
	writeFileSync( file, JSON.stringify( { sites: [ { ...SITE, retentionDays: -1 } ] } ) );
	const bad = command( [ '--check-config', '--config', file ] );
	expect( bad.status ).toBe( 2 );
	expect( bad.stderr ).toContain( 'sites.0.retentionDays' );
	expect( bad.stdout ).toBe( '' );

	const short = command( [ '--check-config' ], { CONSENT_CHAT_SECRET: 'too short', CONSENT_CHAT_ORIGINS: ORIGIN } );
	expect( short.status ).toBe( 2 );
	expect( short.stderr ).toContain( 'sites.0.secret: secret must be at least 32 characters' );
} );

test( 'the installed command runs the service: a visitor and an agent chat through it', async () => {
	svc = await spawnService( { sites: [ SITE ] }, undefined, { entry: bin } );
	expect( ( await httpGet( svc, '/livez' ) ).status ).toBe( 200 );
	expect( ( await httpGet( svc, '/readyz' ) ).status ).toBe( 200 );

	const { c: agent } = await hello( svc, 'agent', 'wp:1' );
	agent.send( { type: 'presence', online: true } );
	await agent.next( 'presence', ( p ) => p.online );
	const { c: visitor } = await hello( svc, 'visitor', 'v1' );
	visitor.send( { type: 'start', clientId: 'c0', text: 'hello from the package' } );
	const { chat } = await visitor.next( 'started' );
	await visitor.next( 'message', ( m ) => m.event === 'agent_joined' );
	// As the console does for a chat it does not hold yet: the history, once.
	agent.send( { type: 'sync', chatId: chat.id, afterSeq: 0 } );
	await agent.next( 'message', ( m ) => m.text === 'hello from the package' );
	agent.send( { type: 'send', chatId: chat.id, clientId: 'a1', text: 'hello back' } );
	await visitor.next( 'message', ( m ) => m.text === 'hello back' );

	svc.process.kill( 'SIGTERM' );
	expect( await svc.exited ).toBe( 0 );
	visitor.close();
	agent.close();
}, 30_000 );
