<?php
/**
 * Runs when an administrator deletes the plugin in wp-admin (not on
 * deactivation). Removes what the plugin keeps in WordPress: its options
 * (settings, texts, the history of text versions, the shared secret), the
 * consent log table (export it first where it is still needed as proof),
 * the agents' departments and limits (user meta), the "Chat agent" and
 * "Privacy officer" roles and the plugin's capabilities.
 *
 * It does not remove the chat service's data (chats, contact-form
 * submissions, statistics): the service keeps them in its own database,
 * under its own retention rules. Delete the service's data folder for that.
 *
 * @package ConsentChat
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

/**
 * Removes the plugin's options and roles from the current site.
 */
function consent_chat_uninstall_site() {
	global $wpdb;
	// Every option of the plugin starts with this prefix (see includes/class-settings.php).
	$names = $wpdb->get_col( // phpcs:ignore WordPress.DB.DirectDatabaseQuery -- a one-off clean-up; no cache to keep.
		$wpdb->prepare( "SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE %s", $wpdb->esc_like( 'consent_chat_' ) . '%' )
	);
	foreach ( $names as $name ) {
		delete_option( $name );
	}
	$wpdb->query( "DROP TABLE IF EXISTS {$wpdb->prefix}consent_chat_consent_log" ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery.SchemaChange,WordPress.DB.DirectDatabaseQuery.DirectQuery,WordPress.DB.DirectDatabaseQuery.NoCaching -- uninstalling: the plugin's own table goes.
	// Agents' departments and parallel-chat limits.
	delete_metadata( 'user', 0, 'consent_chat_depts', '', true );
	delete_metadata( 'user', 0, 'consent_chat_max_chats', '', true );
	remove_role( 'consent_chat_agent' );
	remove_role( 'consent_chat_privacy_officer' );
	foreach ( wp_roles()->role_objects as $role ) {
		foreach ( array_keys( $role->capabilities ) as $cap ) {
			if ( 0 === strpos( $cap, 'consent_chat_' ) ) {
				$role->remove_cap( $cap );
			}
		}
	}
}

if ( is_multisite() ) {
	// Every site of every network: get_sites() returns only 100 unless told otherwise ('number' => 0
	// is no limit), and a network's 101st site would keep our secret and consent log. Only the ids are
	// loaded, so even a large network fits in memory.
	$consent_chat_sites = get_sites(
		array(
			'fields'                 => 'ids',
			'number'                 => 0,
			'update_site_meta_cache' => false,
		)
	);
	foreach ( $consent_chat_sites as $consent_chat_site ) {
		switch_to_blog( $consent_chat_site );
		consent_chat_uninstall_site();
		restore_current_blog();
	}
} else {
	consent_chat_uninstall_site();
}
