/**
 * The cached WordPress (.cache/wordpress) is reused only when it came from
 * the Debian suite scripts/wordpress.mjs now fetches from and still holds the
 * version it was made with: after a move to a newer suite, a cache from the
 * old one is fetched again, not silently tested as if it were the new one.
 *
 * scripts/wordpress.mjs is an ES module, which jest's CommonJS runtime cannot
 * import: it runs in a child Node process.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve( __dirname, '..', '..' );
let dir: string;

beforeAll( () => {
	dir = mkdtempSync( path.join( tmpdir(), 'cc-wp-cache-' ) );
	mkdirSync( path.join( dir, 'core', 'wp-includes' ), { recursive: true } );
	writeFileSync( path.join( dir, 'core', 'wp-includes', 'version.php' ), "<?php\n$wp_version = '7.1.3';\n" );
} );
afterAll( () => rmSync( dir, { recursive: true, force: true } ) );

/** cachedCore() for a marker with this text (null: no marker); `{suite}` is the current suite. */
function check( marker: string | null ): { usable: boolean; version?: string; why?: string; suite: string } {
	const script = `
import { cachedCore, DEBIAN_SUITE } from './scripts/wordpress.mjs';
import { rmSync, writeFileSync } from 'node:fs';
const [ markerFile, coreDir, text ] = process.argv.slice( 1 );
rmSync( markerFile, { force: true } );
if ( text !== 'null' ) writeFileSync( markerFile, JSON.parse( text ).replace( '{suite}', DEBIAN_SUITE ) );
process.stdout.write( JSON.stringify( { ...( await cachedCore( markerFile, coreDir ) ), suite: DEBIAN_SUITE } ) );
`;
	const args = [ path.join( dir, 'core.ready' ), path.join( dir, 'core' ), JSON.stringify( marker ) ];
	return JSON.parse( execFileSync( process.execPath, [ '--input-type=module', '-e', script, ...args ], { cwd: ROOT, encoding: 'utf8' } ) );
}

test( 'a cache from the current suite, holding the version it was made with, is reused', () => {
	expect( check( '{suite} 7.1.3\n' ) ).toMatchObject( { usable: true, version: '7.1.3' } );
} );

test( 'a cache from another Debian suite is fetched again', () => {
	const result = check( 'trixie 6.8.12\n' );
	expect( result.suite ).not.toBe( 'trixie' );
	expect( result.usable ).toBe( false );
	expect( result.why ).toContain( 'trixie' );
} );

test( 'a cache from before the suite was recorded (only "6.8.13") is fetched again', () => {
	expect( check( '6.8.13\n' ) ).toMatchObject( { usable: false } );
} );

test( 'a cache whose files no longer hold the version it was made with is fetched again', () => {
	expect( check( '{suite} 7.1.2\n' ) ).toMatchObject( { usable: false } );
	expect( check( '{suite} 7.1.2\n' ).why ).toContain( '7.1.3' );
} );

test( 'no marker: no cache (a fetch that died half-way never wrote one)', () => {
	expect( check( null ) ).toMatchObject( { usable: false } );
	expect( check( null ).why ).toBeUndefined();
} );
