<?php
/**
 * Every add_action / add_filter of the plugin, in one place.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

add_action( 'init', array( Assets::class, 'register' ) );
add_action( 'init', array( Assets::class, 'register_block' ) );
add_action( 'init', array( Settings::class, 'register' ) );
add_action( 'rest_api_init', array( Rest::class, 'register_routes' ) );
add_action( 'admin_menu', array( Agent_Page::class, 'add_menu' ) );
add_action( 'admin_enqueue_scripts', array( Agent_Page::class, 'enqueue' ) );
// On the plugin's screens avatars are local or initials, never a request to Gravatar.
add_action( 'current_screen', array( Avatars::class, 'maybe_register' ) );
add_action( 'init', array( I18n::class, 'load' ) );
add_filter( 'locale', array( I18n::class, 'filter_locale' ), PHP_INT_MAX );
add_filter( 'determine_locale', array( I18n::class, 'filter_locale' ), PHP_INT_MAX );
add_action( 'init', array( Delete_Form::class, 'register' ) );
add_filter( 'query_vars', array( Standalone::class, 'query_vars' ) );
// Before redirect_canonical (priority 10): the page is served as it was asked for.
add_action( 'template_redirect', array( Standalone::class, 'maybe_render' ), 1 );
add_filter( 'script_loader_tag', array( Assets::class, 'nonce_script_tag' ), 10, 2 );
add_filter( 'style_loader_tag', array( Assets::class, 'nonce_style_tag' ), 10, 2 );
add_action( 'add_option_' . Settings::TEXTS, array( Versions::class, 'on_texts_saved' ), 10, 2 );
add_action( 'update_option_' . Settings::TEXTS, array( Versions::class, 'on_texts_saved' ), 10, 2 );
add_action( 'add_option_' . Settings::TEXTS, array( Consent::class, 'on_texts_saved' ), 10, 2 );
add_action( 'update_option_' . Settings::TEXTS, array( Consent::class, 'on_texts_saved' ), 10, 2 );
add_action( 'init', array( Consent::class, 'register' ) );
add_action( 'init', array( Consent::class, 'cookie_info' ) );
add_action( 'init', array( Consent_Log::class, 'maybe_upgrade' ) );
add_action( 'rest_api_init', array( Consent_Log::class, 'register_routes' ) );
add_filter( 'rest_pre_serve_request', array( Consent_Log::class, 'serve_csv' ), 10, 3 );
add_filter( 'wp_consent_api_registered_' . plugin_basename( CONSENT_CHAT_FILE ), array( Consent::class, 'registered' ) );
add_filter( 'wp_privacy_personal_data_exporters', array( Privacy::class, 'register_exporter' ) );
add_filter( 'wp_privacy_personal_data_erasers', array( Privacy::class, 'register_eraser' ) );
add_action( 'admin_init', array( Privacy::class, 'policy_content' ) );
add_action( 'init', array( Roles::class, 'maybe_upgrade' ) );
add_action( 'admin_menu', array( Privacy_Page::class, 'add_menu' ) );
add_action( 'init', array( Agents::class, 'register' ) );
add_action( 'rest_api_init', array( Settings_Rest::class, 'register_routes' ) );
add_action( 'rest_api_init', array( Agents_Rest::class, 'register_routes' ) );
add_action( 'admin_menu', array( Settings_Page::class, 'add_menu' ) );
add_action( 'admin_enqueue_scripts', array( Settings_Page::class, 'enqueue' ) );
// The service applies the site's storage policy; tell it whenever that (or where the service is) changes.
// (Not when the secret is first generated: the service cannot know a new secret yet.)
foreach ( array( Settings::STORAGE, Settings::SERVICE_URL, Settings::SITE_ID ) as $consent_chat_option ) {
	add_action( 'add_option_' . $consent_chat_option, array( Service_Client::class, 'policy_changed' ) );
	add_action( 'update_option_' . $consent_chat_option, array( Service_Client::class, 'policy_changed' ) );
}
add_action( 'update_option_' . Settings::SECRET, array( Service_Client::class, 'policy_changed' ) );
// The assistant's settings and answers: registered like the other options, and pushed the same way (PUT /admin/assistant).
add_action( 'init', array( Assistant::class, 'register' ) );
add_action( 'add_option_' . Assistant::OPTION, array( Assistant::class, 'changed' ) );
add_action( 'update_option_' . Assistant::OPTION, array( Assistant::class, 'changed' ) );
foreach ( array( Settings::SERVICE_URL, Settings::SITE_ID ) as $consent_chat_option ) {
	add_action( 'add_option_' . $consent_chat_option, array( Assistant::class, 'connection_changed' ) );
	add_action( 'update_option_' . $consent_chat_option, array( Assistant::class, 'connection_changed' ) );
}
add_action( 'update_option_' . Settings::SECRET, array( Assistant::class, 'connection_changed' ) );
// An agent's access changed: the service drops its connections and refuses its older tokens.
add_action( 'set_user_role', array( Agent_Revocation::class, 'role_set' ), 10, 3 );
add_action( 'add_user_role', array( Agent_Revocation::class, 'role_changed' ), 10, 2 );
add_action( 'remove_user_role', array( Agent_Revocation::class, 'role_changed' ), 10, 2 );
foreach ( array( 'added_user_meta', 'updated_user_meta', 'deleted_user_meta' ) as $consent_chat_hook ) {
	add_action( $consent_chat_hook, array( Agent_Revocation::class, 'meta_changed' ), 10, 3 );
}
add_action( 'wp_logout', array( Agent_Revocation::class, 'user_left' ) );
add_action( 'delete_user', array( Agent_Revocation::class, 'user_left' ) );
if ( defined( 'WP_CLI' ) && WP_CLI ) {
	\WP_CLI::add_command( 'consent-chat', CLI::class );
}
// Statistics: Live chat → Statistics (after Agent_Page's menu, so it lands under it) and its REST route.
add_action( 'rest_api_init', array( Stats::class, 'register_routes' ) );
add_action( 'admin_menu', array( Stats_Page::class, 'add_menu' ) );
add_action( 'admin_enqueue_scripts', array( Stats_Page::class, 'enqueue' ) );
// The site-wide launcher (option consent_chat_sitewide) and the Chat block's editor preview data.
add_action( 'init', array( Sitewide::class, 'register' ) );
add_action( 'wp_footer', array( Sitewide::class, 'print_mount' ), 5 );
add_action( 'enqueue_block_editor_assets', array( Block_Editor::class, 'enqueue' ) );
