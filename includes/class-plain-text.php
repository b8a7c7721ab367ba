<?php
/**
 * Texts that people type (officers, admins) and how they reach a browser:
 * kept as typed, printed so that the browser shows exactly that.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * Every text an officer or admin types is plain text (or Markdown, which the
 * widget turns into DOM itself): it is never HTML. So it is stored as typed,
 * less what cannot be text at all (invalid UTF-8, control characters), and
 * escaped where it is printed.
 *
 * WordPress's sanitize_text_field() is the wrong tool for that: it strips
 * what looks like a tag ("a <b> c" loses "<b>") but keeps "&lt;b&gt;", and
 * esc_attr()/esc_html() then leave such an entity as it is, so the browser
 * decodes it back into "<b>". Through a library that renders its texts as
 * HTML (the cookie banner), that was script on every page.
 */
class Plain_Text {
	/**
	 * A multi-line text as typed: valid UTF-8, "\n" line ends, no control
	 * characters but newline and tab, no surrounding white space.
	 *
	 * @param mixed $value Submitted value.
	 * @return string
	 */
	public static function multiline( $value ) {
		$text = wp_check_invalid_utf8( (string) ( is_scalar( $value ) ? $value : '' ), true );
		$text = str_replace( array( "\r\n", "\r" ), "\n", $text );
		return trim( (string) preg_replace( '/[^\P{Cc}\n\t]/u', '', $text ) );
	}

	/**
	 * A one-line text as typed: as multiline(), with line breaks and tabs
	 * turned into single spaces.
	 *
	 * @param mixed $value Submitted value.
	 * @return string
	 */
	public static function line( $value ) {
		return trim( (string) preg_replace( '/\s*[\n\t]\s*/u', ' ', self::multiline( $value ) ) );
	}

	/**
	 * A value as JSON for an HTML attribute (`data-consent-chat="…"`), the one
	 * way the plugin hands configuration to its scripts. Every character that
	 * means something in HTML is a JSON escape (\u003C, \u0026, …), so the
	 * attribute holds no entity for esc_attr() to leave alone and the script
	 * reads back exactly the strings PHP had.
	 *
	 * @param mixed $value Anything wp_json_encode() takes.
	 * @return string The JSON, not yet escaped for the attribute (get_block_wrapper_attributes() escapes).
	 */
	public static function json( $value ) {
		return (string) wp_json_encode( $value, JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT | JSON_UNESCAPED_SLASHES );
	}

	/**
	 * json(), escaped for a double-quoted attribute.
	 *
	 * @param mixed $value Anything wp_json_encode() takes.
	 * @return string
	 */
	public static function json_attr( $value ) {
		return esc_attr( self::json( $value ) );
	}
}
