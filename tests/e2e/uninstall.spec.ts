/**
 * uninstall.php in a real WordPress (its own fresh site, so the shared test
 * site is untouched): WordPress's own uninstall_plugin() removes every option,
 * role and capability of the plugin, its consent log table and the agents'
 * departments and limits, and nothing
 * that is not ours. On a multisite network it does so on every site, also
 * beyond the first 100 (get_sites()' default page).
 */
import { expect, test } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonOut, withFreshSite } from './fresh-site';

test( 'deleting the plugin removes its options, roles and capabilities, and nothing else', async () => {
	test.setTimeout( 180_000 );
	await withFreshSite( 'uninstall', async ( site ) => {
		const code = `<?php
require './wp-load.php';
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
		const result = await site.php( code );
		expect( result.exitCode, result.stderr ).toBe( 0 );
		const { before, after } = jsonOut< { before: Record< string, unknown >; after: Record< string, unknown > } >( result.stdout );
		expect( before.options ).toEqual( expect.arrayContaining( [ 'consent_chat_secret', 'consent_chat_site_id' ] ) );
		expect( before.agent_role ).toBe( true );
		expect( before.admin_cap ).toBe( true );
		expect( before.log_table ).toBe( true );
		expect( before.user_meta ).toEqual( [ 'consent_chat_depts', 'consent_chat_max_chats', 'nickname_not_ours' ] );
		expect( after ).toEqual( { options: [], agent_role: false, admin_cap: false, other: 'not ours', log_table: false, user_meta: [ 'nickname_not_ours' ] } );
	} );
} );

/**
 * A real multisite network, made as WordPress Playground's enableMultisite step makes one, minus
 * WP-CLI (its `wp core multisite-convert` needs wp-cli.phar, a download): the network tables and
 * rows from WordPress's install_network() and populate_network() (what that command calls), then
 * the wp-config.php constants of a sub-directory network, and the HTTP_HOST the step also writes
 * there, since a network is found by host name and PHP's command line has none.
 */
test( 'on a multisite network, deleting the plugin cleans every site, also beyond the first 100', async () => {
	// 101 real sites, each with its own tables: about 20 s on a busy 2-core machine.
	test.setTimeout( 5 * 60_000 );
	// No port: WordPress networks do not support one (Playground's step refuses it too).
	const host = 'network.test';
	const siteUrl = `http://${ host }`;
	await withFreshSite( 'uninstall-ms', async ( { siteDir, php } ) => {

		const network = await php(
			`<?php
define( 'WP_INSTALLING_NETWORK', true );
require './wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
global $wpdb;
// Not multisite yet, so $wpdb does not know the network tables' names.
foreach ( $wpdb->tables( 'ms_global' ) as $table => $prefixed ) {
	$wpdb->$table = $prefixed;
}
install_network();
$result = populate_network( 1, ${ JSON.stringify( host ) }, 'admin@example.org', 'Network', '/', false );
echo is_wp_error( $result ) ? $result->get_error_message() : 'network ready';
`,
			{ siteUrl }
		);
		expect( network.exitCode, network.stderr ).toBe( 0 );
		expect( network.stdout ).toContain( 'network ready' );

		const configFile = join( siteDir, 'wp-config.php' );
		const config = readFileSync( configFile, 'utf8' );
		const constants = `define( 'WP_ALLOW_MULTISITE', true );
define( 'MULTISITE', true );
define( 'SUBDOMAIN_INSTALL', false );
define( 'DOMAIN_CURRENT_SITE', ${ JSON.stringify( host ) } );
define( 'PATH_CURRENT_SITE', '/' );
define( 'SITE_ID_CURRENT_SITE', 1 );
define( 'BLOG_ID_CURRENT_SITE', 1 );
`;
		expect( config ).toContain( "/* That's all, stop editing!" );
		writeFileSync(
			configFile,
			config
				.replace( /^<\?php\s*/, `<?php\n$_SERVER['HTTP_HOST'] = ${ JSON.stringify( host ) };\n` )
				.replace( "/* That's all, stop editing!", `${ constants }/* That's all, stop editing!` )
		);

		const code = `<?php
require './wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
if ( ! is_multisite() ) { echo 'not a network'; exit( 1 ); }
// 101 sites besides the main one: get_sites()' default of 100 leaves two of them out.
for ( $i = 1; $i <= 101; $i++ ) {
	$id = wp_insert_site( array( 'domain' => ${ JSON.stringify( host ) }, 'path' => "/site-$i/", 'title' => "Site $i", 'user_id' => 1 ) );
	if ( is_wp_error( $id ) ) { echo $id->get_error_message(); exit( 1 ); }
}
activate_plugin( 'consent-chat/plugin.php', '', true );
$ids = array_map( 'intval', get_sites( array( 'fields' => 'ids', 'number' => 0 ) ) );
// What the plugin keeps in each site, as a site's own use of it leaves it.
foreach ( $ids as $id ) {
	switch_to_blog( $id );
	ConsentChat\\Roles::activate();
	ConsentChat\\Consent_Log::install();
	ConsentChat\\Settings::secret();
	update_option( 'consent_chat_site_id', "site-$id" );
	update_option( 'blogdescription', 'not ours' );
	restore_current_blog();
}
// Per site: what of the plugin is still there (empty: nothing).
$leftovers = function () use ( $ids ) {
	global $wpdb;
	$out = array();
	foreach ( $ids as $id ) {
		switch_to_blog( $id ); // also loads that site's roles
		$left = array();
		if ( $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->options} WHERE option_name LIKE 'consent\\\\_chat\\\\_%'" ) ) { $left[] = 'options'; }
		if ( $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->prefix . 'consent_chat_consent_log' ) ) ) { $left[] = 'consent log'; }
		if ( get_role( 'consent_chat_agent' ) ) { $left[] = 'agent role'; }
		if ( get_role( 'administrator' )->has_cap( 'consent_chat_answer' ) ) { $left[] = 'admin capability'; }
		if ( 'not ours' !== get_option( 'blogdescription' ) ) { $left[] = 'LOST blogdescription'; }
		if ( $left ) { $out[ $id ] = $left; }
		restore_current_blog();
	}
	return (object) $out;
};
$before = $leftovers();
uninstall_plugin( 'consent-chat/plugin.php' );
echo json_encode( array( 'sites' => $ids, 'before' => $before, 'after' => $leftovers() ) );
`;
		const result = await php( code, { siteUrl } );
		expect( result.exitCode, result.stdout + result.stderr ).toBe( 0 );
		const { sites, before, after } = JSON.parse( result.stdout.slice( result.stdout.indexOf( '{' ) ) ) as {
			sites: number[];
			before: Record< string, string[] >;
			after: Record< string, string[] >;
		};
		expect( sites ).toHaveLength( 102 );
		// Every site had all of it before …
		const everything = [ 'options', 'consent log', 'agent role', 'admin capability' ];
		expect( Object.keys( before ).map( Number ) ).toEqual( sites );
		for ( const left of Object.values( before ) ) expect( left ).toEqual( everything );
		// … and none has any of it after, the 101st and 102nd included.
		expect( after ).toEqual( {} );
	} );
} );
