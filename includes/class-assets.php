<?php
/**
 * Script and style handles, the Chat block, and the configuration the
 * visitor's loader reads from the page.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * The loader is all a page loads; the widget is fetched by the loader when
 * the visitor opens the chat, so its URL travels in the configuration
 * rather than as a registered dependency.
 */
class Assets {
	const LOADER = 'consent-chat-loader';

	/**
	 * Registers the loader's script and style (the block's viewScript/style).
	 */
	public static function register() {
		$asset = self::asset( 'client/loader' );
		wp_register_script(
			self::LOADER,
			CONSENT_CHAT_URL . 'build/client/loader.js',
			$asset['dependencies'],
			$asset['version'],
			array(
				'in_footer' => true,
				'strategy'  => 'defer',
			)
		);
		wp_register_style( self::LOADER, CONSENT_CHAT_URL . 'build/client/loader.css', array(), $asset['version'] );
	}

	/**
	 * Registers the Chat block from its built metadata.
	 */
	public static function register_block() {
		register_block_type( CONSENT_CHAT_DIR . 'build/chat' );
	}

	/**
	 * What the loader and widget need, as JSON for a data attribute (no
	 * inline script, so a strict Content-Security-Policy holds).
	 *
	 * @param array $attributes Block attributes.
	 * @return array
	 */
	public static function frontend_config( array $attributes ) {
		$widget = self::asset( 'client/widget' );
		return array(
			'widget'   => array(
				'js'  => add_query_arg( 'ver', $widget['version'], CONSENT_CHAT_URL . 'build/client/widget.js' ),
				'css' => add_query_arg( 'ver', $widget['version'], CONSENT_CHAT_URL . 'build/client/widget.css' ),
			),
			'tokenUrl' => rest_url( Rest::NAMESPACE . '/visitor-token' ),
			'dept'     => isset( $attributes['dept'] ) ? sanitize_key( $attributes['dept'] ) : '',
			'direct'   => ! empty( $attributes['direct'] ),
			'lang'     => determine_locale(),
			'strings'  => self::widget_strings(),
		);
	}

	/**
	 * Every fixed string the visitor sees, translated here so the widget
	 * bundle carries no translation machinery.
	 *
	 * @return array<string,string>
	 */
	public static function widget_strings() {
		return array(
			'launcher'     => __( 'Chat with us', 'consent-chat' ),
			'title'        => __( 'Chat', 'consent-chat' ),
			'close'        => __( 'Close chat window', 'consent-chat' ),
			'intro'        => __( 'Ask us anything. This chat sets no tracking cookies.', 'consent-chat' ),
			'messageLabel' => __( 'Your message', 'consent-chat' ),
			'start'        => __( 'Start chat', 'consent-chat' ),
			'send'         => __( 'Send', 'consent-chat' ),
			'waiting'      => __( 'Waiting for an agent…', 'consent-chat' ),
			'joined'       => __( '%s joined the chat', 'consent-chat' ),
			'left'         => __( 'The agent left the chat', 'consent-chat' ),
			'ended'        => __( 'The chat has ended', 'consent-chat' ),
			'you'          => __( 'You', 'consent-chat' ),
			'agent'        => __( 'Agent', 'consent-chat' ),
			'connecting'   => __( 'Connecting…', 'consent-chat' ),
			'reconnecting' => __( 'Connection lost. Reconnecting…', 'consent-chat' ),
			'failed'       => __( 'The chat is not available right now.', 'consent-chat' ),
			'code'         => __( 'Your chat code', 'consent-chat' ),
			'endChat'      => __( 'End chat', 'consent-chat' ),
			'newChat'      => __( 'New chat', 'consent-chat' ),
			'sending'      => __( 'Sending…', 'consent-chat' ),
		);
	}

	/**
	 * The dependency/version file @wordpress/scripts writes beside a bundle.
	 *
	 * @param string $name Entry name, e.g. client/loader.
	 * @return array{dependencies: string[], version: string}
	 */
	private static function asset( $name ) {
		$file = CONSENT_CHAT_DIR . 'build/' . $name . '.asset.php';
		if ( is_readable( $file ) ) {
			return include $file;
		}
		return array(
			'dependencies' => array(),
			'version'      => CONSENT_CHAT_VERSION,
		);
	}

	/**
	 * Public for the agent page, which enqueues its own bundle.
	 *
	 * @param string $name Entry name.
	 * @return array{dependencies: string[], version: string}
	 */
	public static function asset_info( $name ) {
		return self::asset( $name );
	}
}
