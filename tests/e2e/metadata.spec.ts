/**
 * "Tested up to" in plugin.php and readme.txt is the WordPress this suite
 * just ran against (major.minor), as the running site reported it to the
 * global setup. When scripts/wordpress.mjs moves to a newer WordPress, or
 * someone bumps the header without running the suite, this goes red.
 */
import { expect, test } from '@playwright/test';
import { majorMinor, pluginHeader, readmeHeader } from '../helpers/plugin-metadata';

test( '"Tested up to" names the WordPress the end-to-end suite ran on', () => {
	const booted = process.env.CC_WP_VERSION;
	expect( booted, 'global setup could not read the running WordPress version' ).toMatch( /^\d+\.\d+/ );
	expect( pluginHeader()[ 'Tested up to' ] ).toBe( majorMinor( booted! ) );
	expect( readmeHeader()[ 'Tested up to' ] ).toBe( majorMinor( booted! ) );
} );
