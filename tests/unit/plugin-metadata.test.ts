/**
 * plugin.php's header and readme.txt say the same about the WordPress and
 * PHP versions and the release, so bumping one without the other goes red.
 * That "Tested up to" is the WordPress the end-to-end suite really ran on is
 * checked in tests/e2e/metadata.spec.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pluginHeader, readmeHeader } from '../helpers/plugin-metadata';

const header = pluginHeader();
const readme = readmeHeader();

test( 'plugin.php and readme.txt give the same "Tested up to", as major.minor', () => {
	expect( header[ 'Tested up to' ] ).toMatch( /^\d+\.\d+$/ );
	expect( readme[ 'Tested up to' ] ).toBe( header[ 'Tested up to' ] );
} );

test( 'they give the same "Requires at least", the oldest WordPress the local setup accepts', () => {
	expect( readme[ 'Requires at least' ] ).toBe( header[ 'Requires at least' ] );
	// scripts/wordpress.mjs refuses anything older (the blocks need it); the header must not promise less.
	const script = readFileSync( path.resolve( __dirname, '../../scripts/wordpress.mjs' ), 'utf8' );
	const min = script.match( /const MIN_WORDPRESS = \[\s*(\d+),\s*(\d+)\s*\]/ );
	expect( min ).not.toBeNull();
	expect( header[ 'Requires at least' ] ).toBe( `${ min![ 1 ] }.${ min![ 2 ] }` );
} );

test( '"Tested up to" is not older than "Requires at least"', () => {
	const [ tMajor, tMinor ] = header[ 'Tested up to' ].split( '.' ).map( Number );
	const [ rMajor, rMinor ] = header[ 'Requires at least' ].split( '.' ).map( Number );
	expect( tMajor * 1000 + tMinor ).toBeGreaterThanOrEqual( rMajor * 1000 + rMinor );
} );

test( 'they give the same "Requires PHP" and release', () => {
	expect( readme[ 'Requires PHP' ] ).toBe( header[ 'Requires PHP' ] );
	expect( readme[ 'Stable tag' ] ).toBe( header.Version );
} );
