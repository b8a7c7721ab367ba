/**
 * The plugin's metadata as WordPress.org reads it: the header of plugin.php
 * and the head of readme.txt. Shared by the unit check (they agree) and the
 * end-to-end check (they name the WordPress the suite ran on).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve( __dirname, '..', '..' );

/** "Field: value" lines; in plugin.php they sit in the first doc comment, after " * ". */
function fields( text: string ): Record< string, string > {
	const out: Record< string, string > = {};
	for ( const line of text.split( '\n' ) ) {
		const match = line.match( /^(?:\s*\*\s*)?([A-Z][A-Za-z ]+?):\s*(\S.*?)\s*$/ );
		if ( match && ! ( match[ 1 ] in out ) ) out[ match[ 1 ] ] = match[ 2 ];
	}
	return out;
}

export function pluginHeader(): Record< string, string > {
	const php = readFileSync( path.join( ROOT, 'plugin.php' ), 'utf8' );
	return fields( php.slice( 0, php.indexOf( '*/' ) ) );
}

export function readmeHeader(): Record< string, string > {
	const readme = readFileSync( path.join( ROOT, 'readme.txt' ), 'utf8' );
	// The header ends at the first blank line after the "=== Name ===" line.
	return fields( readme.split( /\n\s*\n/ )[ 0 ] );
}

/** "7.1.3" → "7.1": WordPress.org compares "Tested up to" by major.minor. */
export function majorMinor( version: string ): string {
	return version.split( '.' ).slice( 0, 2 ).join( '.' );
}
