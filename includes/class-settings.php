<?php
/**
 * The plugin's options and their defaults.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * Reads and registers the options. The shared secret is never exposed to
 * the browser or the REST settings endpoint.
 */
class Settings {
	const SERVICE_URL = 'consent_chat_service_url';
	const SITE_ID     = 'consent_chat_site_id';
	const SECRET      = 'consent_chat_secret';

	/** Per language (locale => texts): privacy, consent, forms, greeting, home screen. */
	const TEXTS = 'consent_chat_texts';
	/** Site-wide: what the service keeps and whether the visitor may choose. */
	const STORAGE = 'consent_chat_storage';
	/** Site-wide: accent colour and launcher corner. */
	const APPEARANCE = 'consent_chat_appearance';

	/** Settings group; a later settings page and the privacy officer's capability hang on it. */
	const GROUP = 'consent_chat';

	/** Port the companion service listens on by default. */
	const DEFAULT_PORT = 8787;

	/**
	 * How many days closed chats may be kept: the service's RETENTION_DAYS
	 * (server/protocol/limits.ts), which tests/unit/retention-bounds.test.ts
	 * holds equal to these. The schema below and Settings_Validator use them.
	 */
	const RETENTION_MIN_DAYS = 1;
	const RETENTION_MAX_DAYS = 3650;

	/**
	 * Registers the options with sanitising callbacks. The structured ones are
	 * readable and writable by administrators through /wp/v2/settings; their
	 * JSON schema is the one rule set for the REST endpoint and for
	 * update_option() alike (see sanitize_structured()).
	 */
	public static function register() {
		foreach ( self::structured() as $name => $spec ) {
			register_setting(
				self::GROUP,
				$name,
				array(
					'type'              => 'object',
					'description'       => $spec['description'],
					'default'           => $spec['default'],
					'show_in_rest'      => array( 'schema' => $spec['schema'] ),
					'sanitize_callback' => static function ( $value ) use ( $name ) {
						return Settings::sanitize_structured( $name, $value );
					},
				)
			);
		}
		register_setting(
			self::GROUP,
			self::SERVICE_URL,
			array(
				'type'              => 'string',
				'sanitize_callback' => array( self::class, 'sanitize_service_url' ),
				'default'           => '',
			)
		);
		register_setting(
			self::GROUP,
			self::SITE_ID,
			array(
				'type'              => 'string',
				'sanitize_callback' => 'sanitize_key',
				'default'           => '',
			)
		);
	}

	/**
	 * The WebSocket URL of the chat service. By default the service runs on
	 * this machine beside WordPress, so the site's own host is the guess.
	 *
	 * @return string
	 */
	public static function service_url() {
		$url = (string) get_option( self::SERVICE_URL, '' );
		return '' !== $url ? $url : self::default_service_url();
	}

	/**
	 * The URL used while none is set: port 8787 of the site's own host.
	 *
	 * @return string
	 */
	public static function default_service_url() {
		$host   = (string) wp_parse_url( home_url(), PHP_URL_HOST );
		$scheme = is_ssl() ? 'wss' : 'ws';
		return $scheme . '://' . $host . ':' . self::DEFAULT_PORT . '/ws';
	}

	/**
	 * Only ws:// and wss:// URLs are accepted; anything else keeps the old value.
	 *
	 * @param mixed $value Submitted value.
	 * @return string
	 */
	public static function sanitize_service_url( $value ) {
		$value = trim( (string) $value );
		if ( '' === $value ) {
			return '';
		}
		$clean = esc_url_raw( $value, array( 'ws', 'wss' ) );
		if ( '' === $clean ) {
			self::refuse( self::SERVICE_URL, __( 'The chat service URL must start with ws:// or wss://.', 'consent-chat' ) );
			return (string) get_option( self::SERVICE_URL, '' );
		}
		return $clean;
	}

	/**
	 * The id this site signs its tokens with (the service knows it by this id).
	 *
	 * @return string
	 */
	public static function site_id() {
		$id = (string) get_option( self::SITE_ID, '' );
		return '' !== $id ? $id : 'default';
	}

	/**
	 * The HMAC secret shared with the service; made on first use.
	 *
	 * @return string
	 */
	public static function secret() {
		$secret = (string) get_option( self::SECRET, '' );
		if ( strlen( $secret ) < 32 ) {
			$secret = wp_generate_password( 64, false, false );
			update_option( self::SECRET, $secret, false );
		}
		return $secret;
	}
	/**
	 * The structured options: schema, default and a description each.
	 *
	 * @return array<string, array{schema: array, default: array, description: string}>
	 */
	public static function structured() {
		return array(
			self::TEXTS      => array(
				'description' => __( 'Privacy information, consent text, forms, greeting and home screen, per language (locale).', 'consent-chat' ),
				'schema'      => Settings_Schema::texts(),
				'default'     => Defaults::texts(),
			),
			self::STORAGE    => array(
				'description' => __( 'Whether chats are stored, whether the visitor may choose, and for how long stored chats are kept.', 'consent-chat' ),
				'schema'      => Settings_Schema::storage(),
				'default'     => Defaults::storage(),
			),
			self::APPEARANCE => array(
				'description' => __( 'Accent colour and position of the chat launcher.', 'consent-chat' ),
				'schema'      => Settings_Schema::appearance(),
				'default'     => Defaults::appearance(),
			),
		);
	}

	/**
	 * The sanitize_callback of the structured options. The REST endpoint has
	 * validated against the schema already (and answered 400 otherwise); this
	 * repeats it for every other way in (options.php, update_option), so an
	 * invalid value is refused as a whole and the stored one stays.
	 *
	 * @param string $name  Option name.
	 * @param mixed  $value Submitted value.
	 * @return array
	 */
	public static function sanitize_structured( $name, $value ) {
		$specs  = self::structured();
		$schema = rest_default_additional_properties_to_false( $specs[ $name ]['schema'] );
		if ( is_object( $value ) ) {
			$value = json_decode( (string) wp_json_encode( $value ), true );
		}
		$valid = rest_validate_value_from_schema( $value, $schema, $name );
		if ( is_wp_error( $valid ) ) {
			self::refuse( $name, $valid->get_error_message() );
			$old = get_option( $name );
			return is_array( $old ) ? $old : $specs[ $name ]['default'];
		}
		$value = rest_sanitize_value_from_schema( $value, $schema, $name );
		return self::TEXTS === $name ? self::clean_texts( $value ) : $value;
	}

	/**
	 * Reports a refused value: on the settings screen as a settings error
	 * (add_settings_error() exists only in wp-admin), elsewhere to the log
	 * of wrong calls.
	 *
	 * @param string $name    Option name.
	 * @param string $message What is wrong.
	 */
	private static function refuse( $name, $message ) {
		if ( function_exists( 'add_settings_error' ) ) {
			add_settings_error( $name, 'invalid', $message );
		} else {
			_doing_it_wrong( esc_html( 'update_option( ' . $name . ' )' ), esc_html( $message ), '0.1.0' );
		}
	}

	/**
	 * Keeps every text as typed (Plain_Text: the widget and the banner show
	 * them as text or safe Markdown, never as HTML) and drops the opt-in flag
	 * where it cannot apply.
	 *
	 * @param array $texts Valid texts per locale.
	 * @return array
	 */
	private static function clean_texts( array $texts ) {
		foreach ( $texts as $locale => $lang ) {
			if ( isset( $lang['privacy'] ) ) {
				$lang['privacy']['text'] = Plain_Text::multiline( $lang['privacy']['text'] ?? '' );
				$lang['privacy']['url']  = esc_url_raw( $lang['privacy']['url'] ?? '', array( 'http', 'https' ) );
			}
			$lang['consent'] = Plain_Text::multiline( $lang['consent'] ?? '' );
			foreach ( array( 'prechat', 'contact' ) as $form ) {
				$fields = array();
				foreach ( $lang[ $form ] ?? array() as $field ) {
					$field['label'] = Plain_Text::multiline( $field['label'] );
					$field['optIn'] = ! empty( $field['optIn'] ) && 'checkbox' === $field['type'];
					// Ids name the answers: the first field of an id wins.
					$fields[ $field['id'] ] = $fields[ $field['id'] ] ?? $field;
				}
				$lang[ $form ] = array_values( $fields );
			}
			if ( ! empty( $lang['greeting'] ) ) {
				$lang['greeting']['text'] = Plain_Text::line( $lang['greeting']['text'] );
			}
			if ( ! empty( $lang['banner'] ) ) {
				$lang['banner'] = array_map( array( Plain_Text::class, 'multiline' ), $lang['banner'] );
			}
			if ( ! empty( $lang['home'] ) ) {
				$lang['home']['welcome']     = Plain_Text::multiline( $lang['home']['welcome'] );
				$lang['home']['suggestions'] = array_values( array_filter( array_map( array( Plain_Text::class, 'line' ), $lang['home']['suggestions'] ?? array() ) ) );
			}
			$texts[ $locale ] = $lang;
		}
		return $texts;
	}

	/**
	 * The texts for a locale. Fallback: that locale (exactly, then by
	 * language: de_AT finds de_DE), then the site's locale (likewise), then the
	 * first configured language, then the built-in English defaults.
	 *
	 * @param string $locale Wanted locale, e.g. determine_locale().
	 * @return array{locale: string, texts: array}
	 */
	public static function texts_for( $locale ) {
		$all = get_option( self::TEXTS );
		$all = is_array( $all ) ? $all : array();
		$out = self::pick_language( $all, array( (string) $locale, get_locale() ) );
		if ( null === $out ) {
			$builtin = Defaults::texts();
			$out     = array(
				'locale' => 'en_US',
				'texts'  => $builtin['en_US'],
			);
		}
		$defaults     = Defaults::language_shape();
		$out['texts'] = array_merge( $defaults, $out['texts'] );
		return $out;
	}

	/**
	 * Finds the best configured language for the wanted locales.
	 *
	 * @param array    $all    Texts per locale.
	 * @param string[] $wanted Locales in order of preference.
	 * @return array{locale: string, texts: array}|null
	 */
	private static function pick_language( array $all, array $wanted ) {
		foreach ( $wanted as $locale ) {
			if ( isset( $all[ $locale ] ) && is_array( $all[ $locale ] ) ) {
				return array(
					'locale' => $locale,
					'texts'  => $all[ $locale ],
				);
			}
			$language = strtok( $locale, '_' );
			foreach ( $all as $key => $texts ) {
				if ( is_array( $texts ) && strtok( (string) $key, '_' ) === $language ) {
					return array(
						'locale' => (string) $key,
						'texts'  => $texts,
					);
				}
			}
		}
		foreach ( $all as $key => $texts ) {
			if ( is_array( $texts ) ) {
				return array(
					'locale' => (string) $key,
					'texts'  => $texts,
				);
			}
		}
		return null;
	}

	/**
	 * The configured languages (locales with texts), English when none is.
	 *
	 * @return string[]
	 */
	public static function languages() {
		$all     = get_option( self::TEXTS );
		$locales = is_array( $all ) ? array_map( 'strval', array_keys( $all ) ) : array();
		return $locales ? $locales : array( 'en_US' );
	}

	/**
	 * Storage choice and retention, complete.
	 *
	 * @return array{defaultMode: string, visitorChooses: bool, retentionDays: int}
	 */
	public static function storage() {
		$value = get_option( self::STORAGE );
		return array_merge( Defaults::storage(), is_array( $value ) ? $value : array() );
	}

	/**
	 * Accent and position, complete.
	 *
	 * @return array{accent: string, position: string}
	 */
	public static function appearance() {
		$value = get_option( self::APPEARANCE );
		return array_merge( Defaults::appearance(), is_array( $value ) ? $value : array() );
	}

	/**
	 * The chat service's HTTP base (availability, delete, contact): the
	 * WebSocket URL with ws→http, wss→https and no path.
	 *
	 * @return string
	 */
	public static function service_http() {
		return self::http_of( self::service_url() );
	}

	/**
	 * The HTTP base of a service WebSocket URL.
	 *
	 * @param string $ws_url ws:// or wss:// URL.
	 * @return string
	 */
	public static function http_of( $ws_url ) {
		$parts = wp_parse_url( $ws_url );
		if ( ! is_array( $parts ) || empty( $parts['host'] ) ) {
			return '';
		}
		$scheme = ( isset( $parts['scheme'] ) && 'wss' === $parts['scheme'] ) ? 'https' : 'http';
		$host   = false !== strpos( $parts['host'], ':' ) ? '[' . trim( $parts['host'], '[]' ) . ']' : $parts['host'];
		return $scheme . '://' . $host . ( isset( $parts['port'] ) ? ':' . (int) $parts['port'] : '' );
	}
}
