<?php
/**
 * The site-wide launcher: the chat on every front-end page without a block.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * One boolean option (its own registered setting, so a settings screen can
 * show it as a toggle through /wp/v2/settings). Where it is on, wp_footer
 * prints the same mount the Chat block prints, unless a Chat block rendered
 * during this request: that block is the page's chat, and a second one
 * would be a second launcher.
 */
class Sitewide {
	const OPTION = 'consent_chat_sitewide';

	/**
	 * A Chat block rendered during this request.
	 *
	 * @var bool
	 */
	private static $block_rendered = false;

	/**
	 * Action init: the option, readable and writable by administrators in
	 * /wp/v2/settings; anything but a boolean is answered with 400 there.
	 */
	public static function register() {
		register_setting(
			Settings::GROUP,
			self::OPTION,
			array(
				'type'              => 'boolean',
				'description'       => __( 'Show the chat launcher on every page of the site, also where no Chat block is placed.', 'consent-chat' ),
				'default'           => false,
				'show_in_rest'      => array( 'schema' => array( 'type' => 'boolean' ) ),
				'sanitize_callback' => array( self::class, 'sanitize' ),
			)
		);
	}

	/**
	 * Stored as 1 or 0: update_option() would store false as '', which the
	 * REST settings endpoint does not read as a boolean (it then answers null
	 * and refuses to save the settings back).
	 *
	 * @param mixed $value Submitted value.
	 * @return int
	 */
	public static function sanitize( $value ) {
		return rest_sanitize_boolean( $value ) ? 1 : 0;
	}

	/**
	 * Whether the site-wide launcher is switched on.
	 *
	 * @return bool
	 */
	public static function enabled() {
		return (bool) rest_sanitize_boolean( get_option( self::OPTION, false ) );
	}

	/**
	 * Called by the block's render.php. Blocks render before wp_footer in
	 * classic themes (the content comes first) and in block themes (the
	 * whole template is rendered before the head), so by then this is known.
	 */
	public static function note_block() {
		self::$block_rendered = true;
	}

	/**
	 * Action wp_footer: prints the launcher's mount and enqueues the loader
	 * (its script and style are printed later in the same footer).
	 */
	public static function print_mount() {
		if ( ! self::should_print() ) {
			return;
		}
		wp_enqueue_script( Assets::LOADER );
		wp_enqueue_style( Assets::LOADER );
		printf(
			'<div class="consent-chat-sitewide" data-consent-chat-sitewide data-consent-chat="%s"></div>',
			Plain_Text::json_attr( Assets::frontend_config( array() ) )
		);
		// The cookie banner for chat tracking goes wherever the chat is.
		echo Consent::mount(); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- built with esc_attr.
	}

	/**
	 * Visitors' pages only: not where a block already is, not the standalone
	 * chat page, not wp-admin, feeds, REST answers, embeds, robots.txt.
	 *
	 * @return bool
	 */
	public static function should_print() {
		if ( self::$block_rendered || ! self::enabled() ) {
			return false;
		}
		if ( is_admin() || is_feed() || is_embed() || is_robots() || is_trackback() || wp_is_json_request() ) {
			return false;
		}
		if ( ( defined( 'REST_REQUEST' ) && REST_REQUEST ) || wp_doing_ajax() ) {
			return false;
		}
		if ( Standalone::PAGE === get_query_var( Standalone::QUERY_VAR ) ) {
			return false;
		}
		/**
		 * Whether the site-wide launcher shows on this page (e.g. false on a
		 * checkout page). Not called where it would not show anyway.
		 *
		 * @param bool $show Default true.
		 */
		return (bool) apply_filters( 'consent_chat_sitewide_show', true );
	}
}
