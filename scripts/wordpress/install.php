<?php
/**
 * Installs WordPress in the site that is the working directory, as wp-admin/install.php would,
 * unless it is installed already: user admin / password, pretty permalinks (as a host with URL
 * rewriting gets them). Run by scripts/wordpress/site.mjs with the machine's PHP; wp-config.php
 * takes the site's address from the environment.
 */

define( 'WP_INSTALLING', true );
require './wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

if ( is_blog_installed() ) {
	echo "installed already\n";
	exit( 0 );
}

// The install must not reach out: no mail to the new admin, and no request to the site itself
// (wp_install() tries permalink structures by fetching its own pages, and no server runs yet).
add_filter( 'pre_wp_mail', '__return_false' );
add_filter(
	'pre_http_request',
	static function () {
		return new WP_Error( 'consent_chat_offline_install', 'No HTTP while installing.' );
	}
);

wp_install( 'My WordPress Website', 'admin', 'admin@localhost.com', true, '', wp_slash( 'password' ) );
if ( ! is_blog_installed() ) {
	fwrite( STDERR, "wp_install() did not install WordPress\n" );
	exit( 1 );
}

// Active, as the drop-in itself would make it on the first wp-admin page (and as a site that
// chose SQLite has it), so that this does not happen in the middle of someone's test.
require_once ABSPATH . 'wp-admin/includes/plugin.php';
$consent_chat_sqlite = activate_plugin( 'sqlite-database-integration/load.php' );
if ( is_wp_error( $consent_chat_sqlite ) ) {
	fwrite( STDERR, 'Activating the SQLite integration failed: ' . $consent_chat_sqlite->get_error_message() . "\n" );
	exit( 1 );
}

// Set here rather than by wp_install(), whose test of them needs a running server. The rules
// themselves are made on the first request that needs them, with every plugin loaded.
update_option( 'permalink_structure', '/%year%/%monthnum%/%day%/%postname%/' );
delete_option( 'rewrite_rules' );
echo "installed\n";
