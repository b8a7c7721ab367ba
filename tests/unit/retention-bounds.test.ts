/**
 * How long a site may keep closed chats is defined once per language: the
 * service and the settings screen read RETENTION_DAYS, WordPress its two
 * constants (the settings schema and the validator use those). This holds
 * the two equal, and no other copy of the numbers in the code that checks
 * them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../server/config';
import { RETENTION_DAYS } from '../../server/protocol';
import { SitePolicy } from '../../server/site-policy';
import * as v from 'valibot';

const ROOT = path.resolve( __dirname, '..', '..' );
const read = ( file: string ) => readFileSync( path.join( ROOT, file ), 'utf8' );
const phpConstant = ( name: string ) => Number( read( 'includes/class-settings.php' ).match( new RegExp( `const ${ name }\\s*=\\s*(\\d+);` ) )?.[ 1 ] );

test( 'WordPress’s bounds are the service’s', () => {
	expect( phpConstant( 'RETENTION_MIN_DAYS' ) ).toBe( RETENTION_DAYS.min );
	expect( phpConstant( 'RETENTION_MAX_DAYS' ) ).toBe( RETENTION_DAYS.max );
} );

test( 'the PHP schema and validator use the constants, not numbers of their own', () => {
	const schema = read( 'includes/class-settings-schema.php' );
	expect( schema ).toMatch( /'minimum'\s*=>\s*Settings::RETENTION_MIN_DAYS/ );
	expect( schema ).toMatch( /'maximum'\s*=>\s*Settings::RETENTION_MAX_DAYS/ );
	const validator = read( 'includes/class-settings-validator.php' );
	expect( validator ).toMatch( /retentionDays'\] < Settings::RETENTION_MIN_DAYS/ );
	expect( validator ).toMatch( /retentionDays'\] > Settings::RETENTION_MAX_DAYS/ );
} );

test( 'the service’s configuration and the policy WordPress sends take exactly those bounds', () => {
	const site = ( retentionDays: number ) => ( { sites: [ { id: 's', secret: 'x'.repeat( 40 ), origins: [ 'http://a.test' ], retentionDays } ] } );
	const policy = ( retentionDays: number ) => v.safeParse( SitePolicy, { defaultMode: 'stored', visitorChoosesMode: true, retentionDays } ).success;
	for ( const [ days, ok ] of [ [ RETENTION_DAYS.min - 1, false ], [ RETENTION_DAYS.min, true ], [ RETENTION_DAYS.max, true ], [ RETENTION_DAYS.max + 1, false ] ] as const ) {
		expect( policy( days ) ).toBe( ok );
		if ( ok ) expect( parseConfig( site( days ) ).sites[ 0 ].retentionDays ).toBe( days );
		else expect( () => parseConfig( site( days ) ) ).toThrow( /retentionDays/ );
	}
} );
