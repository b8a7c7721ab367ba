/**
 * uninstall.php in a real WordPress (its own fresh site, so the shared test
 * site is untouched): WordPress's own uninstall_plugin() removes every option,
 * role and capability of the plugin, its consent log table and the agents'
 * departments and limits, and nothing
 * that is not ours.
 */
import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve( __dirname, '../..' );

test( 'deleting the plugin removes its options, roles and capabilities, and nothing else', async () => {
	test.setTimeout( 180_000 );
	const { preparePristineWordPress, ensureSite, runPhp } = await import( '../../scripts/wordpress.mjs' );
	const dir = mkdtempSync( join( tmpdir(), 'cc-uninstall-' ) );
	try {
		const pristineDir = await preparePristineWordPress( { root: ROOT } );
		const siteDir = await ensureSite( { pristineDir, siteDir: join( dir, 'wordpress' ), fresh: true } );
		const code = `<?php
require '/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
activate_plugin( 'consent-chat/plugin.php' );
ConsentChat\\Settings::secret();
ConsentChat\\Consent_Log::maybe_upgrade();
update_option( 'consent_chat_site_id', 'uninstall-test' );
update_option( 'blogdescription', 'not ours' );
update_option( 'consent_chat_departments', array( array( 'id' => 'sales', 'name' => 'Sales' ) ) );
ConsentChat\\Agents::update( get_userdata( 1 ), array( 'depts' => array( 'sales' ), 'maxChats' => 4 ) );
update_user_meta( 1, 'nickname_not_ours', 'kept' );
$state = function () {
	global $wpdb;
	return array(
		'options'    => $wpdb->get_col( "SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE 'consent\\\\_chat\\\\_%'" ),
		'agent_role' => null !== get_role( 'consent_chat_agent' ),
		'admin_cap'  => get_role( 'administrator' )->has_cap( 'consent_chat_answer' ),
		'other'      => get_option( 'blogdescription' ),
		'log_table'  => (bool) $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->prefix . 'consent_chat_consent_log' ) ),
		'user_meta'  => $wpdb->get_col( "SELECT meta_key FROM {$wpdb->usermeta} WHERE meta_key LIKE 'consent\\\\_chat\\\\_%' OR meta_key = 'nickname_not_ours' ORDER BY meta_key" ),
	);
};
$before = $state();
uninstall_plugin( 'consent-chat/plugin.php' );
wp_roles()->for_site(); // read the roles again from the database, not from memory
echo json_encode( array( 'before' => $before, 'after' => $state() ) );
`;
		const result = await runPhp( {
			siteDir,
			code,
			mounts: [ { hostPath: ROOT, vfsPath: '/wordpress/wp-content/plugins/consent-chat' } ],
		} );
		expect( result.exitCode, result.stderr ).toBe( 0 );
		const { before, after } = JSON.parse( result.stdout.slice( result.stdout.indexOf( '{' ) ) );
		expect( before.options ).toEqual( expect.arrayContaining( [ 'consent_chat_secret', 'consent_chat_site_id' ] ) );
		expect( before.agent_role ).toBe( true );
		expect( before.admin_cap ).toBe( true );
		expect( before.log_table ).toBe( true );
		expect( before.user_meta ).toEqual( [ 'consent_chat_depts', 'consent_chat_max_chats', 'nickname_not_ours' ] );
		expect( after ).toEqual( { options: [], agent_role: false, admin_cap: false, other: 'not ours', log_table: false, user_meta: [ 'nickname_not_ours' ] } );
	} finally {
		rmSync( dir, { recursive: true, force: true } );
	}
} );
