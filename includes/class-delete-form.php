<?php
/**
 * The "delete my chat" form: shortcode [consent_chat_delete].
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * Renders the mount the consent-chat-delete script fills (DeleteFormConfig in
 * client/contract.ts travels in its data attribute, no inline script).
 */
class Delete_Form {
	const SHORTCODE = 'consent_chat_delete';

	/**
	 * Registers the shortcode.
	 */
	public static function register() {
		add_shortcode( self::SHORTCODE, array( self::class, 'render' ) );
	}

	/**
	 * The shortcode's output; enqueues the form's script and style.
	 *
	 * @return string
	 */
	public static function render() {
		wp_enqueue_script( Assets::DELETE );
		if ( wp_style_is( Assets::DELETE, 'registered' ) ) {
			wp_enqueue_style( Assets::DELETE );
		}
		return sprintf(
			'<div class="consent-chat-delete" data-consent-chat-delete="%s"></div>',
			Plain_Text::json_attr( Assets::delete_form_config() )
		);
	}
}
