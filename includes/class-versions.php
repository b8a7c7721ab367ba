<?php
/**
 * Versions of the consent text and the opt-in labels. A version is derived
 * from the text, so it changes whenever the text does; the history option
 * keeps every text a version ever stood for, so what a visitor agreed to
 * stays provable after the text was edited.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * Option consent_chat_text_versions: version => { text, lang, kind, first }.
 */
class Versions {
	const HISTORY = 'consent_chat_text_versions';

	/**
	 * The version of a text: the first 12 hex characters of its SHA-256.
	 *
	 * @param string $text Consent text or opt-in label.
	 * @return string
	 */
	public static function of( $text ) {
		return substr( hash( 'sha256', (string) $text ), 0, 12 );
	}

	/**
	 * The version of a text, recorded in the history if it is not there yet
	 * (so the built-in defaults, never saved, are provable too).
	 *
	 * @param string $text Text.
	 * @param string $lang Locale of the text.
	 * @param string $kind consent|optin.
	 * @return string
	 */
	public static function version( $text, $lang, $kind ) {
		$version = self::of( $text );
		$history = self::history();
		if ( ! isset( $history[ $version ] ) ) {
			self::record( array( $version => self::entry( $text, $lang, $kind ) ) );
		}
		return $version;
	}

	/**
	 * Every version recorded so far.
	 *
	 * @return array<string, array{text: string, lang: string, kind: string, first: string}>
	 */
	public static function history() {
		$history = get_option( self::HISTORY, array() );
		return is_array( $history ) ? $history : array();
	}

	/**
	 * Hooked to the texts option being added or updated: records the
	 * version of each consent text and opt-in label in it.
	 *
	 * @param mixed $a Old value (update) or option name (add).
	 * @param mixed $b New value (update) or value (add).
	 */
	public static function on_texts_saved( $a, $b ) {
		$texts = is_array( $b ) ? $b : array();
		$new   = array();
		foreach ( $texts as $lang => $entry ) {
			if ( ! is_array( $entry ) ) {
				continue;
			}
			if ( ! empty( $entry['consent'] ) ) {
				$new[ self::of( $entry['consent'] ) ] = self::entry( $entry['consent'], (string) $lang, 'consent' );
			}
			foreach ( array( 'prechat', 'contact' ) as $form ) {
				foreach ( (array) ( $entry[ $form ] ?? array() ) as $field ) {
					if ( ! empty( $field['optIn'] ) && ! empty( $field['label'] ) ) {
						$new[ self::of( $field['label'] ) ] = self::entry( $field['label'], (string) $lang, 'optin' );
					}
				}
			}
		}
		self::record( $new );
	}

	/**
	 * Adds versions not yet in the history; never changes a recorded one.
	 *
	 * @param array $entries Version => entry.
	 */
	private static function record( array $entries ) {
		$history = self::history();
		$added   = array_diff_key( $entries, $history );
		if ( $added ) {
			update_option( self::HISTORY, $history + $added, false );
		}
	}

	/**
	 * One history entry.
	 *
	 * @param string $text Text.
	 * @param string $lang Locale.
	 * @param string $kind consent|optin.
	 * @return array
	 */
	private static function entry( $text, $lang, $kind ) {
		return array(
			'text'  => (string) $text,
			'lang'  => $lang,
			'kind'  => $kind,
			'first' => gmdate( 'c' ),
		);
	}
}
