<?php
/**
 * Translations: the plugin's text domain and switching the language of one
 * request (the standalone page's `lang`).
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * Text domain consent-chat, files in languages/ (German shipped).
 */
class I18n {
	const DOMAIN = 'consent-chat';

	/**
	 * Native names of common locales; others are shown by their code.
	 */
	const NAMES = array(
		'en_US' => 'English',
		'en_GB' => 'English (UK)',
		'de_DE' => 'Deutsch',
		'de_AT' => 'Deutsch (Österreich)',
		'de_CH' => 'Deutsch (Schweiz)',
		'fr_FR' => 'Français',
		'es_ES' => 'Español',
		'it_IT' => 'Italiano',
		'nl_NL' => 'Nederlands',
		'pl_PL' => 'Polski',
		'pt_PT' => 'Português',
		'pt_BR' => 'Português do Brasil',
		'da_DK' => 'Dansk',
		'sv_SE' => 'Svenska',
		'nb_NO' => 'Norsk bokmål',
		'fi'    => 'Suomi',
		'cs_CZ' => 'Čeština',
		'tr_TR' => 'Türkçe',
		'uk'    => 'Українська',
		'ru_RU' => 'Русский',
		'ja'    => '日本語',
		'zh_CN' => '简体中文',
	);

	/**
	 * The locale this request was switched to by use_locale(), if any.
	 *
	 * @var string
	 */
	private static $override = '';

	/**
	 * Filters locale and determine_locale: the switched locale, if any.
	 *
	 * @param string $locale Locale so far.
	 * @return string
	 */
	public static function filter_locale( $locale ) {
		return '' !== self::$override ? self::$override : $locale;
	}

	/**
	 * Action init: loads the plugin's translations from languages/.
	 */
	public static function load() {
		load_plugin_textdomain( self::DOMAIN, false, dirname( plugin_basename( CONSENT_CHAT_FILE ) ) . '/languages' );
	}

	/**
	 * The name of a language in that language.
	 *
	 * @param string $locale e.g. de_DE.
	 * @return string
	 */
	public static function native_name( $locale ) {
		return self::NAMES[ $locale ] ?? $locale;
	}

	/**
	 * Switches this request to a locale. switch_to_locale() accepts only
	 * locales WordPress itself has translations for; where the site lacks
	 * them, the locale is set by filter and our own translations are loaded.
	 *
	 * @param string $locale e.g. de_DE.
	 */
	public static function use_locale( $locale ) {
		if ( determine_locale() === $locale || switch_to_locale( $locale ) ) {
			return;
		}
		self::$override = $locale;
		unload_textdomain( self::DOMAIN, true );
		$file = CONSENT_CHAT_DIR . 'languages/' . self::DOMAIN . '-' . $locale . '.mo';
		if ( is_readable( $file ) ) {
			load_textdomain( self::DOMAIN, $file, $locale );
		}
	}
}
