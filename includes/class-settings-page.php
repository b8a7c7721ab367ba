<?php
/**
 * wp-admin Settings → Consent Chat: the React settings screen.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * The page is open to privacy officers too (they see only the privacy and
 * consent section); what each user may change is decided by the REST routes
 * in Settings_Rest, not here.
 */
class Settings_Page {
	const SLUG   = 'consent-chat-settings';
	const HANDLE = 'consent-chat-settings';

	/**
	 * Action admin_menu.
	 */
	public static function add_menu() {
		add_options_page(
			__( 'Consent Chat settings', 'consent-chat' ),
			__( 'Consent Chat', 'consent-chat' ),
			Roles::PRIVACY,
			self::SLUG,
			array( self::class, 'render' )
		);
	}

	/**
	 * The screen's URL, optionally at one tab.
	 *
	 * @param string $tab Tab name (connection, appearance, privacy, agents, embed).
	 * @return string
	 */
	public static function url( $tab = '' ) {
		$url = admin_url( 'options-general.php?page=' . self::SLUG );
		return '' === $tab ? $url : add_query_arg( 'tab', $tab, $url );
	}

	/**
	 * Action admin_enqueue_scripts: the app, only on its page.
	 *
	 * @param string $hook_suffix Current admin page.
	 */
	public static function enqueue( $hook_suffix ) {
		if ( 'settings_page_' . self::SLUG !== $hook_suffix ) {
			return;
		}
		$asset = Assets::asset_info( 'admin/settings' );
		wp_enqueue_script( self::HANDLE, CONSENT_CHAT_URL . 'build/admin/settings.js', $asset['dependencies'], $asset['version'], true );
		wp_set_script_translations( self::HANDLE, 'consent-chat', CONSENT_CHAT_DIR . 'languages' );
		// Includes the visitors' launcher and window styles, which the preview draws with (client/preview).
		wp_enqueue_style( self::HANDLE, CONSENT_CHAT_URL . 'build/admin/settings.css', array( 'wp-components' ), $asset['version'] );
	}

	/**
	 * The mount point.
	 */
	public static function render() {
		if ( ! current_user_can( Roles::PRIVACY ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to access this page.', 'consent-chat' ), 403 );
		}
		printf(
			'<div class="wrap"><h1>%1$s</h1><div id="consent-chat-settings"><p>%2$s</p></div></div>',
			esc_html__( 'Consent Chat settings', 'consent-chat' ),
			esc_html__( 'Loading…', 'consent-chat' )
		);
	}
}
