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

	/** Port the companion service listens on by default. */
	const DEFAULT_PORT = 8787;

	/**
	 * Registers the options with sanitising callbacks.
	 */
	public static function register() {
		register_setting(
			'consent_chat',
			self::SERVICE_URL,
			array(
				'type'              => 'string',
				'sanitize_callback' => array( self::class, 'sanitize_service_url' ),
				'default'           => '',
			)
		);
		register_setting(
			'consent_chat',
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
		if ( '' !== $url ) {
			return $url;
		}
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
			add_settings_error( self::SERVICE_URL, 'invalid', __( 'The chat service URL must start with ws:// or wss://.', 'consent-chat' ) );
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
}
