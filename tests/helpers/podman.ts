/**
 * Debian's podman (installed by scripts/ensure-system-deps.sh) for the
 * container test: a Debian bookworm base image made here with debootstrap
 * from the machine's own Debian archive (no registry is reachable from the
 * machines the suite runs on), and commands with this suite's podman settings.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify( execFile );

/** See the file for why: runc, and limits this machine's root may set. */
export const PODMAN_ENV = { ...process.env, CONTAINERS_CONF: resolve( __dirname, 'containers.conf' ) };

/** The base every test image is built on; kept in podman's store, so only the first run makes it. */
export const BASE_IMAGE = 'localhost/consent-chat-test-base:bookworm';

export async function podman( args: string[], timeout = 120_000 ): Promise< string > {
	const { stdout } = await run( 'podman', args, { env: PODMAN_ENV, timeout, maxBuffer: 16 * 1024 * 1024 } );
	return stdout;
}

/** The archive this machine installs from (its deb822 sources file), e.g. http://deb.debian.org/debian. */
function debianMirror(): string {
	const sources = readFileSync( '/etc/apt/sources.list.d/debian.sources', 'utf8' );
	for ( const block of sources.split( /\n\s*\n/ ) ) {
		const uri = /^URIs:\s*(\S+)/m.exec( block )?.[ 1 ];
		if ( uri && ! /^Suites:.*-security/m.test( block ) ) return uri;
	}
	throw new Error( 'no Debian archive in /etc/apt/sources.list.d/debian.sources' );
}

/**
 * Makes BASE_IMAGE unless podman has it: a minimal bookworm (the same
 * release as docker.io's debian:bookworm-slim, the Containerfile's default
 * base) from debootstrap, without apt's caches. Takes 2–3 minutes once.
 */
export async function ensureBaseImage(): Promise< void > {
	const exists = await run( 'podman', [ 'image', 'exists', BASE_IMAGE ], { env: PODMAN_ENV } ).then( () => true, () => false );
	if ( exists ) return;
	const dir = mkdtempSync( join( tmpdir(), 'cc-rootfs-' ) );
	const rootfs = join( dir, 'rootfs' );
	try {
		await run( 'debootstrap', [ '--variant=minbase', 'bookworm', rootfs, debianMirror() ], { timeout: 600_000, maxBuffer: 64 * 1024 * 1024 } );
		rmSync( join( rootfs, 'var/lib/apt/lists' ), { recursive: true, force: true } );
		rmSync( join( rootfs, 'var/cache/apt' ), { recursive: true, force: true } );
		execFileSync( 'sh', [ '-c', `tar -C "${ rootfs }" -c . | podman import - ${ BASE_IMAGE }` ], { env: PODMAN_ENV, stdio: 'ignore', timeout: 120_000 } );
	} finally {
		rmSync( dir, { recursive: true, force: true } );
	}
}
