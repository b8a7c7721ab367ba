<?php
/**
 * wp-admin "Live chat → Statistics": the React app in admin/stats, which
 * reads consent-chat/v1/stats (so that route's permission check is the
 * one that guards the figures).
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * Submenu entry and bundle.
 */
class Stats_Page {
	const SLUG   = 'consent-chat-stats';
	const HANDLE = 'consent-chat-stats';

	/**
	 * The page's hook suffix. Kept rather than rebuilt: WordPress derives it
	 * from the parent menu's translated title.
	 *
	 * @var string
	 */
	private static $hook = '';

	/**
	 * Action admin_menu (after Agent_Page's): under "Live chat", beside the
	 * console, where the chat's own figures belong; only administrators see it.
	 */
	public static function add_menu() {
		self::$hook = (string) add_submenu_page(
			Agent_Page::SLUG,
			__( 'Chat statistics', 'consent-chat' ),
			__( 'Statistics', 'consent-chat' ),
			'manage_options',
			self::SLUG,
			array( self::class, 'render' )
		);
	}

	/**
	 * Action admin_enqueue_scripts: the bundle on this page only.
	 *
	 * @param string $hook_suffix Current admin page.
	 */
	public static function enqueue( $hook_suffix ) {
		if ( '' === self::$hook || self::$hook !== $hook_suffix ) {
			return;
		}
		$asset = Assets::asset_info( 'admin/stats' );
		wp_enqueue_script( self::HANDLE, CONSENT_CHAT_URL . 'build/admin/stats.js', $asset['dependencies'], $asset['version'], true );
		wp_set_script_translations( self::HANDLE, 'consent-chat', CONSENT_CHAT_DIR . 'languages' );
		wp_enqueue_style( self::HANDLE, CONSENT_CHAT_URL . 'build/admin/stats.css', array( 'wp-components' ), $asset['version'] );
	}

	/**
	 * The mount point with what the app needs to count days as the site
	 * does: its timezone, the first day of its week, today there, the
	 * user's language, and the CSV address (with a REST nonce, so a plain
	 * link downloads it with the login cookie).
	 */
	public static function render() {
		if ( ! current_user_can( 'manage_options' ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to access this page.', 'consent-chat' ), 403 );
		}
		$config = array(
			'path'        => '/' . Rest::NAMESPACE . '/stats',
			'csvUrl'      => add_query_arg(
				array(
					'format'   => 'csv',
					'_wpnonce' => wp_create_nonce( 'wp_rest' ),
				),
				rest_url( Rest::NAMESPACE . '/stats' )
			),
			'timezone'    => wp_timezone_string(),
			'startOfWeek' => (int) get_option( 'start_of_week', 1 ),
			'today'       => wp_date( 'Y-m-d' ),
			'defaultDays' => Stats::DEFAULT_DAYS,
			'maxDays'     => Stats::MAX_DAYS,
			'locale'      => str_replace( '_', '-', get_user_locale() ),
		);
		printf(
			'<div class="wrap"><h1>%1$s</h1><p>%2$s</p><div id="consent-chat-stats" data-config="%3$s"></div></div>',
			esc_html__( 'Chat statistics', 'consent-chat' ),
			esc_html__( 'Counted per hour, with no reference to any chat and no IP address. Visits are page views of visitors who accepted chat tracking.', 'consent-chat' ),
			Plain_Text::json_attr( $config )
		);
	}
}
