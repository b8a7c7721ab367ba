<?php
/**
 * The Chat block's attributes as the front end may use them. Post content is
 * editable by anyone who can write a post, and its block comments are not
 * checked against anything but block.json's types, so every value is checked
 * again here and a bad one falls back to the safe default.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * Department and greeting rules, shared by the block's render and the editor data.
 */
class Block_Attributes {
	/** What the service routes by (same rule as the standalone page's `dept`). */
	const DEPT_PATTERN = '/^[A-Za-z0-9_-]{1,64}$/';

	/** Same bounds as the site's greeting in consent_chat_texts. */
	const GREETING_MAX   = 500;
	const DELAY_MAX      = 3600;
	const DELAY_DEFAULT  = 5;

	/**
	 * A department id, or '' (any agent) when it breaks the rule. Stripping
	 * the bad characters instead would route to a department nobody named.
	 *
	 * @param mixed $value Raw attribute.
	 * @return string
	 */
	public static function dept( $value ) {
		return is_string( $value ) && preg_match( self::DEPT_PATTERN, $value ) ? $value : '';
	}

	/**
	 * The block's own greeting, or null when it sets none (then the site's
	 * greeting applies). Plain text, shown as typed: the loader inserts it as
	 * a text node, so markup cannot take effect and need not be stripped
	 * (stripping would also eat "I <3 you"). Control characters and runs of
	 * white space become one space (the bubble is one short paragraph), too
	 * long is cut, invalid UTF-8 is dropped; the delay is clamped to 0…3600
	 * seconds.
	 *
	 * @param array $attributes Raw block attributes (greetingText, greetingDelay).
	 * @return array{text: string, delay: int}|null
	 */
	public static function greeting( array $attributes ) {
		$text = isset( $attributes['greetingText'] ) && is_string( $attributes['greetingText'] ) ? wp_check_invalid_utf8( $attributes['greetingText'] ) : '';
		$text = trim( (string) preg_replace( '/[\s\x00-\x1F\x7F]+/u', ' ', $text ) );
		$text = function_exists( 'mb_substr' ) ? mb_substr( $text, 0, self::GREETING_MAX ) : substr( $text, 0, self::GREETING_MAX );
		if ( '' === $text ) {
			return null;
		}
		$delay = $attributes['greetingDelay'] ?? self::DELAY_DEFAULT;
		$delay = is_numeric( $delay ) ? (int) $delay : self::DELAY_DEFAULT;
		return array(
			'text'  => $text,
			'delay' => max( 0, min( self::DELAY_MAX, $delay ) ),
		);
	}
}
