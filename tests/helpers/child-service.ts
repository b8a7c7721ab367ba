/**
 * The built service (build/server/main.js) as a child process, for what only
 * a real process shows: a SIGKILL mid-conversation, a graceful SIGTERM, and
 * the bytes it leaves in its data folder and its log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ServiceConfigInput } from '../../server/config';
import { signToken } from '../../server/tokens';
import { engineSettings } from './engine';
import { ORIGIN, SITE } from './service';
import { TestClient } from './ws-client';

const MAIN = resolve( __dirname, '../../build/server/main.js' );

/** Data folder → the store settings of the service that used it (tests/helpers/engine.ts). */
const engines = new Map< string, Awaited< ReturnType< typeof engineSettings > > >();

export interface ChildService {
	port: number;
	wsUrl: string;
	dataDir: string;
	/** Everything the process wrote to stdout and stderr. */
	log(): string;
	process: ChildProcess;
	exited: Promise< number | null >;
	/** Every byte in the data folder (database, WAL, journal), concatenated. */
	diskBytes(): Buffer;
	/** Kills the process if it still runs, and deletes its data folder and config. */
	remove(): Promise< void >;
}

/**
 * Starts the service with `config` (in a JSON file beside the data folder),
 * on a free port, or on `port` (a node started again where its load balancer
 * expects it). `entry` is the script run with this Node: the repository's
 * build by default, or an installed package's `consent-chat-service` command.
 */
export async function spawnService(
	config: ServiceConfigInput,
	dataDir = mkdtempSync( join( tmpdir(), 'cc-child-' ) ),
	{ entry = MAIN, port: fixedPort = 0 }: { entry?: string; port?: number } = {}
): Promise< ChildService > {
	const configFile = join( dataDir, '..', `${ dataDir.split( '/' ).pop() }.config.json` );
	// A service started again on the same data folder (a restart) finds the same
	// database; one given its own databaseUrl (a cluster's node) needs none.
	const engine = config.databaseUrl ? {} : engines.get( dataDir ) ?? ( await engineSettings() );
	engines.set( dataDir, engine );
	writeFileSync( configFile, JSON.stringify( { ...engine, ...config, port: fixedPort, dataDir } ) );
	const child = spawn( process.execPath, [ entry ], {
		env: { ...process.env, CONSENT_CHAT_CONFIG: configFile, CONSENT_CHAT_LOG_LEVEL: 'debug' },
		stdio: [ 'ignore', 'pipe', 'pipe' ],
	} );
	let output = '';
	const exited = new Promise< number | null >( ( r ) => child.once( 'exit', ( code ) => r( code ) ) );
	const port = await new Promise< number >( ( resolvePort, reject ) => {
		const onData = ( chunk: Buffer ) => {
			output += chunk.toString();
			const m = /"port":(\d+),"msg":"consent chat service listening"/.exec( output );
			if ( m ) resolvePort( Number( m[ 1 ] ) );
		};
		child.stdout!.on( 'data', onData );
		child.stderr!.on( 'data', onData );
		void exited.then( ( code ) => {
			// The file is this start's; the data folder is the caller's.
			rmSync( configFile, { force: true } );
			reject( new Error( `service exited (${ code }) before listening:\n${ output }` ) );
		} );
	} );
	return {
		port,
		wsUrl: `ws://127.0.0.1:${ port }/ws`,
		dataDir,
		log: () => output,
		process: child,
		exited,
		diskBytes: () => Buffer.concat( readdirSync( dataDir ).map( ( f ) => readFileSync( join( dataDir, f ) ) ) ),
		async remove() {
			if ( child.exitCode === null && child.signalCode === null ) {
				child.kill( 'SIGKILL' );
				await exited;
			}
			rmSync( dataDir, { recursive: true, force: true } );
			rmSync( configFile, { force: true } );
		},
	};
}

/** GET on a child service's HTTP API: the status and the JSON body. */
export async function httpGet( svc: ChildService, path: string ): Promise< { status: number; body: any } > {
	const res = await fetch( `http://127.0.0.1:${ svc.port }${ path }` );
	return { status: res.status, body: await res.json().catch( () => null ) };
}

/** Opens a connection to a child service as the test site's visitor or agent (optionally resuming); resolves after the welcome. */
export async function hello( svc: Pick< ChildService, 'wsUrl' >, role: 'visitor' | 'agent', sub: string, resume?: { chatId: string; code: string; lastSeq: number } ) {
	const c = await TestClient.open( svc.wsUrl, ORIGIN );
	c.send( { type: 'hello', token: signToken( SITE, { role, sub, name: role === 'agent' ? 'Ann' : undefined } ), ...( resume ? { resume } : {} ) } );
	const welcome = await c.next( 'welcome' );
	return { c, welcome };
}
