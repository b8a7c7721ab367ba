/**
 * docs/deploy/Containerfile, built as a site owner builds it: from the
 * context `npm run container-context` prepares, by Debian's podman. Its base
 * is a Debian bookworm made here with debootstrap (tests/helpers/podman.ts),
 * passed in as BASE, since no registry is reachable from these machines.
 * The container then carries a chat, keeps it on its volume over a restart,
 * and drains on `podman stop`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { hello } from '../helpers/child-service';
import { freePort } from '../helpers/nginx';
import { BASE_IMAGE, ensureBaseImage, podman, PODMAN_ENV } from '../helpers/podman';
import { ORIGIN, SITE } from '../helpers/service';

const run = promisify( execFile );
const root = resolve( __dirname, '../..' );
const IMAGE = 'localhost/consent-chat-service:test';
const name = `cc-test-${ process.pid }`;
const volume = `cc-test-data-${ process.pid }`;
let dir: string;
let port: number;

beforeAll( async () => {
	dir = mkdtempSync( join( tmpdir(), 'cc-container-' ) );
	port = await freePort();
	const env = { ...process.env, PATH: `${ dirname( process.execPath ) }:${ process.env.PATH ?? '' }` };
	const [ context ] = await Promise.all( [
		run( process.execPath, [ join( root, 'scripts/container-context.mjs' ), `--out=${ join( dir, 'context' ) }` ], { env, timeout: 240_000 } ).then(
			( r ) => r.stdout.trim().split( '\n' ).pop()!
		),
		ensureBaseImage(),
	] );
	await podman( [ 'build', '--build-arg', `BASE=${ BASE_IMAGE }`, '-t', IMAGE, context ], 300_000 );
}, 900_000 );

afterAll( async () => {
	await podman( [ 'rm', '--force', '--ignore', name ] ).catch( () => undefined );
	await podman( [ 'volume', 'rm', '--force', volume ] ).catch( () => undefined );
	await podman( [ 'rmi', '--force', IMAGE ] ).catch( () => undefined );
	rmSync( dir, { recursive: true, force: true } );
}, 120_000 );

interface Running {
	process: ChildProcess;
	log(): string;
	exited: Promise< number | null >;
}

/** `podman run` in the foreground (as a unit or compose file would), resolved once the service listens. */
async function start(): Promise< Running > {
	const child = spawn(
		'podman',
		[
			'run', '--rm', '--name', name,
			// The host's network: the test needs no port mapping, and podman's bridge would change the host's firewall.
			'--network', 'host',
			// As docs/deploy/container.md runs it: reachable only through the proxy on the same machine.
			'-e', 'CONSENT_CHAT_HOST=127.0.0.1',
			'-v', `${ volume }:/var/lib/consent-chat`,
			'-e', `CONSENT_CHAT_SECRET=${ SITE.secret }`,
			'-e', `CONSENT_CHAT_SITE_ID=${ SITE.id }`,
			'-e', `CONSENT_CHAT_ORIGINS=${ ORIGIN }`,
			'-e', `CONSENT_CHAT_PORT=${ port }`,
			IMAGE,
		],
		{ env: PODMAN_ENV, stdio: [ 'ignore', 'pipe', 'pipe' ] }
	);
	let output = '';
	const exited = new Promise< number | null >( ( r ) => child.once( 'exit', ( code ) => r( code ) ) );
	await new Promise< void >( ( resolveListening, reject ) => {
		const onData = ( chunk: Buffer ) => {
			output += chunk.toString();
			if ( output.includes( `"port":${ port },"msg":"consent chat service listening"` ) ) resolveListening();
		};
		child.stdout!.on( 'data', onData );
		child.stderr!.on( 'data', onData );
		void exited.then( ( code ) => reject( new Error( `container exited (${ code }) before listening:\n${ output }` ) ) );
	} );
	return { process: child, log: () => output, exited };
}

async function get( path: string ): Promise< { status: number; body: any } > {
	const res = await fetch( `http://127.0.0.1:${ port }${ path }` );
	return { status: res.status, body: await res.json() };
}

test( 'the image runs the service as an unprivileged user, with its data on the volume', async () => {
	const config = JSON.parse( await podman( [ 'image', 'inspect', IMAGE, '--format', '{{json .Config}}' ] ) ) as {
		User: string;
		Volumes: Record< string, unknown >;
		Env: string[];
	};
	expect( config.User ).toBe( 'nobody' );
	expect( Object.keys( config.Volumes ) ).toEqual( [ '/var/lib/consent-chat' ] );
	expect( config.Env ).toContain( 'CONSENT_CHAT_DATA_DIR=/var/lib/consent-chat' );
} );

test( 'a visitor and an agent chat through the container; the chat outlives a restart; podman stop drains and exits 0', async () => {
	const first = await start();
	expect( await get( '/livez' ) ).toEqual( { status: 200, body: { status: 'ok' } } );
	expect( await get( '/readyz' ) ).toEqual( { status: 200, body: { status: 'ready' } } );

	const { c: agent } = await hello( { wsUrl: `ws://127.0.0.1:${ port }/ws` }, 'agent', 'wp:1' );
	agent.send( { type: 'presence', online: true } );
	await agent.next( 'presence', ( p ) => p.online );
	const { c: visitor } = await hello( { wsUrl: `ws://127.0.0.1:${ port }/ws` }, 'visitor', 'v1' );
	visitor.send( { type: 'start', clientId: 'c0', text: 'hello from the container' } );
	const { chat } = await visitor.next( 'started' );
	await agent.next( 'chat', ( c ) => c.chat.id === chat.id && c.chat.agent === 'wp:1' );
	// As the console does for a chat it does not hold yet: the history, once.
	agent.send( { type: 'sync', chatId: chat.id, afterSeq: 0 } );
	await agent.next( 'message', ( m ) => m.text === 'hello from the container' );
	expect( ( await get( '/health' ) ).body ).toMatchObject( { open: 1, agentsOnline: 1 } );

	// SIGTERM to Node, process 1 of the container: clients are told to reconnect (1012), exit 0.
	await podman( [ 'stop', '--time', '20', name ] );
	expect( await first.exited ).toBe( 0 );
	expect( ( await visitor.closed ).code ).toBe( 1012 );
	expect( first.log() ).toContain( 'consent chat service stopped' );

	// A new container on the same volume finds the stored chat still open.
	const second = await start();
	expect( second.log() ).toMatch( /"recovered":1,"msg":"chats recovered"/ );
	expect( ( await get( '/health' ) ).body ).toMatchObject( { open: 1 } );
	await podman( [ 'stop', '--time', '20', name ] );
	expect( await second.exited ).toBe( 0 );
	agent.close();
}, 180_000 );
