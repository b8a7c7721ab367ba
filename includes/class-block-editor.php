<?php
/**
 * What the Chat block's editor needs for its preview and sidebar.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * The preview draws the launcher and the start window from the same
 * configuration visitors' pages carry, in the site's language (not the
 * editing user's), so the editor shows what visitors will see. It travels as
 * an inline script before the block's editor script: wp-admin is not bound by
 * the visitors' "no inline script" rule, and this saves a REST round trip.
 */
class Block_Editor {
	/** The block's name in block.json. */
	const BLOCK = 'consent-chat/chat';

	/** The global the editor script reads (blocks/chat/editor-data.ts). */
	const GLOBAL_NAME = 'consentChatBlockEditor';

	/**
	 * Action enqueue_block_editor_assets.
	 */
	public static function enqueue() {
		$handle = generate_block_asset_handle( self::BLOCK, 'editorScript' );
		if ( ! wp_script_is( $handle, 'registered' ) ) {
			return;
		}
		// The block's strings ship in this plugin's languages/ (WordPress would look only in wp-content/languages).
		wp_set_script_translations( $handle, 'consent-chat', CONSENT_CHAT_DIR . 'languages' );
		wp_add_inline_script(
			$handle,
			'window.' . self::GLOBAL_NAME . ' = ' . wp_json_encode( self::data(), JSON_HEX_TAG | JSON_HEX_AMP ) . ';',
			'before'
		);
	}

	/**
	 * BlockEditorData in blocks/chat/editor-data.ts.
	 *
	 * @return array
	 */
	public static function data() {
		return array(
			'config'      => self::site_config(),
			'departments' => self::departments(),
			'sitewide'    => Sitewide::enabled(),
		);
	}

	/**
	 * The configuration of a block with default attributes, as a visitor of
	 * this site gets it: texts and fixed strings in the site's language.
	 *
	 * @return array
	 */
	private static function site_config() {
		return self::config_in( get_locale() );
	}

	/**
	 * The configuration of a block with default attributes as a visitor
	 * reading in `$locale` gets it (the settings screen previews each language).
	 *
	 * @param string $locale A locale.
	 * @return array
	 */
	public static function config_in( $locale ) {
		$site     = (string) $locale;
		$switched = switch_to_locale( $site );
		$pin      = static function () use ( $site ) {
			return $site;
		};
		// In wp-admin determine_locale() is the user's language; visitors get the site's.
		add_filter( 'pre_determine_locale', $pin );
		$config = Assets::frontend_config( array() );
		remove_filter( 'pre_determine_locale', $pin );
		if ( $switched ) {
			restore_previous_locale();
		}
		return $config;
	}

	/**
	 * The site's departments, for a drop-down in the sidebar (the option is
	 * validated on save, see Agents). Empty: the sidebar offers a text field.
	 *
	 * @return array<int, array{id: string, name: string}>
	 */
	public static function departments() {
		return Agents::departments();
	}
}
