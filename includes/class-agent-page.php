<?php
/**
 * The "Live chat" page in wp-admin, where agents answer chats.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * Menu entry and the console bundle.
 */
class Agent_Page {
	const SLUG   = 'consent-chat';
	const HANDLE = 'consent-chat-console';

	/**
	 * Adds the top-level "Live chat" menu for users who may answer chats.
	 */
	public static function add_menu() {
		add_menu_page(
			__( 'Live chat', 'consent-chat' ),
			__( 'Live chat', 'consent-chat' ),
			Roles::ANSWER,
			self::SLUG,
			array( self::class, 'render' ),
			'dashicons-format-chat',
			3
		);
	}

	/**
	 * Loads the console only on its own page.
	 *
	 * @param string $hook_suffix Current admin page.
	 */
	public static function enqueue( $hook_suffix ) {
		if ( 'toplevel_page_' . self::SLUG !== $hook_suffix ) {
			return;
		}
		$asset = Assets::asset_info( 'admin/console' );
		wp_enqueue_script( self::HANDLE, CONSENT_CHAT_URL . 'build/admin/console.js', $asset['dependencies'], $asset['version'], true );
		wp_set_script_translations( self::HANDLE, 'consent-chat', CONSENT_CHAT_DIR . 'languages' );
		wp_enqueue_style( self::HANDLE, CONSENT_CHAT_URL . 'build/admin/console.css', array( 'wp-components' ), $asset['version'] );
	}

	/**
	 * The pre-chat form's labels in the agent's language (field id => label),
	 * so the console can show the visitor's answers under their questions.
	 *
	 * @return object Field id => label (an object, so that none is `{}` in JSON).
	 */
	private static function field_labels() {
		$texts  = Settings::texts_for( get_user_locale() )['texts'];
		$labels = array();
		foreach ( isset( $texts['prechat'] ) && is_array( $texts['prechat'] ) ? $texts['prechat'] : array() as $field ) {
			if ( isset( $field['id'], $field['label'] ) ) {
				$labels[ (string) $field['id'] ] = wp_strip_all_tags( (string) $field['label'] );
			}
		}
		return (object) $labels;
	}

	/**
	 * The mount point; the React console fills it.
	 */
	public static function render() {
		$config = array(
			'tokenPath'   => '/' . Rest::NAMESPACE . '/agent-token',
			'fieldLabels' => self::field_labels(),
			// Department id => name, so agents read names where the service speaks in ids.
			'departments' => (object) Agents::department_names(),
		);
		printf(
			'<div class="wrap"><h1>%1$s</h1><div id="consent-chat-console" data-config="%2$s"></div></div>',
			esc_html__( 'Live chat', 'consent-chat' ),
			Plain_Text::json_attr( $config )
		);
	}
}
