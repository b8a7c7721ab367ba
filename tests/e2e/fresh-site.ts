/**
 * A WordPress of a test's own, for what must not touch the shared test site
 * (uninstalling, turning it into a network, WP-CLI commands, PHP checks): a
 * fresh copy of the same core in a temporary folder, with this plugin linked
 * in, removed when the test is done.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve( __dirname, '../..' );

/** This checkout as the site's plugin, for runPhp's `mounts`. */
export const PLUGIN_MOUNT = { hostPath: ROOT, sitePath: 'wp-content/plugins/consent-chat' };

export interface FreshSite {
	siteDir: string;
	/** Runs a PHP script in the site (the machine's PHP), with the plugin linked in; `require './wp-load.php';` loads WordPress. */
	php( code: string, options?: { siteUrl?: string } ): Promise< { exitCode: number; stdout: string; stderr: string } >;
}

/** PHP's output from its first `{`: the JSON a snippet echoes, after anything WordPress printed first. */
export function jsonOut< T >( stdout: string ): T {
	return JSON.parse( stdout.slice( stdout.indexOf( '{' ) ) ) as T;
}

export async function withFreshSite< T >( name: string, use: ( site: FreshSite ) => Promise< T > ): Promise< T > {
	const { preparePristineWordPress, ensureSite, runPhp } = await import( '../../scripts/wordpress.mjs' );
	const dir = mkdtempSync( join( tmpdir(), `cc-${ name }-` ) );
	try {
		const pristineDir = await preparePristineWordPress( { root: ROOT } );
		const siteDir = await ensureSite( { pristineDir, siteDir: join( dir, 'wordpress' ), fresh: true } );
		return await use( {
			siteDir,
			php: ( code, options = {} ) => runPhp( { siteDir, code, mounts: [ PLUGIN_MOUNT ], ...options } ),
		} );
	} finally {
		rmSync( dir, { recursive: true, force: true } );
	}
}
