<?php
/**
 * WordPress talking to the chat service's admin API (server to server):
 * a short-lived `site` token signed with the shared secret, JSON both ways.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * The one place that knows how WordPress calls the service; the privacy
 * tools (and later the settings screen's connection test, WP-CLI and
 * statistics) go through it.
 */
class Service_Client {
	/** A site token only needs to outlive one request. */
	const TOKEN_TTL = 60;

	/** The service runs beside WordPress: an answer takes milliseconds, or something is wrong. */
	const TIMEOUT = 10;

	/** Option: the outcome of the last policy push { ok, message, time }, shown on the settings screen. */
	const POLICY_SYNC = 'consent_chat_policy_sync';

	/**
	 * Whether the storage policy or the connection changed in this request
	 * and the service has not been told yet.
	 *
	 * @var bool
	 */
	private static $policy_dirty = false;

	/**
	 * Calls the service.
	 *
	 * @param string     $method     HTTP method.
	 * @param string     $path       Path below the service's base URL, with its query.
	 * @param array|null $body       JSON body, if any.
	 * @param array|null $connection { http, site, secret } to use instead of the saved
	 *                               settings (the settings screen tests unsaved ones).
	 * @return array|\WP_Error The decoded JSON answer of a 2xx response, or the error.
	 */
	public static function request( $method, $path, $body = null, $connection = null ) {
		$signed   = Tokens::sign(
			array(
				'role' => 'site',
				'sub'  => 'wordpress',
			),
			self::TOKEN_TTL,
			$connection['site'] ?? null,
			$connection['secret'] ?? null
		);
		$args     = array(
			'method'  => $method,
			'timeout' => self::TIMEOUT,
			'headers' => array(
				'Authorization' => 'Bearer ' . $signed['token'],
				'Accept'        => 'application/json',
			),
		);
		if ( null !== $body ) {
			$args['headers']['Content-Type'] = 'application/json';
			$args['body']                    = wp_json_encode( $body );
		}
		$base     = $connection['http'] ?? Settings::service_http();
		$response = wp_remote_request( $base . $path, $args );
		if ( is_wp_error( $response ) ) {
			return new \WP_Error(
				'consent_chat_unreachable',
				/* translators: %s: the error from the HTTP request. */
				sprintf( __( 'The chat service could not be reached: %s', 'consent-chat' ), $response->get_error_message() )
			);
		}
		$status = (int) wp_remote_retrieve_response_code( $response );
		$data   = json_decode( (string) wp_remote_retrieve_body( $response ), true );
		if ( $status < 200 || $status >= 300 || ! is_array( $data ) ) {
			$message = is_array( $data ) && isset( $data['message'] ) ? (string) $data['message'] : (string) $status;
			return new \WP_Error(
				'consent_chat_service_error',
				/* translators: %s: the chat service's error message. */
				sprintf( __( 'The chat service refused the request: %s', 'consent-chat' ), $message ),
				// The body too: a refusal may name the field at fault (`path`).
				array(
					'status' => $status,
					'body'   => is_array( $data ) ? $data : null,
				)
			);
		}
		return $data;
	}

	/**
	 * Tells the service what this site keeps (default mode, the visitor's
	 * choice, retention): WordPress owns these settings, the service applies
	 * them. Called once per request in which they (or the connection) changed.
	 *
	 * @return array|\WP_Error The policy the service now applies, or the error.
	 */
	public static function push_policy() {
		$storage = Settings::storage();
		$result  = self::request(
			'PUT',
			'/admin/policy',
			array(
				'defaultMode'        => (string) $storage['defaultMode'],
				'visitorChoosesMode' => (bool) $storage['visitorChooses'],
				'retentionDays'      => (int) $storage['retentionDays'],
			)
		);
		update_option(
			self::POLICY_SYNC,
			array(
				'ok'      => ! is_wp_error( $result ),
				'message' => is_wp_error( $result ) ? $result->get_error_message() : '',
				'time'    => time(),
			),
			false
		);
		return $result;
	}

	/**
	 * Hooked to the storage and connection options changing, however they
	 * change (settings screen, /wp/v2/settings, WP-CLI): the service is told
	 * once, at the end of the request, unless flush_policy() ran earlier.
	 */
	public static function policy_changed() {
		if ( ! self::$policy_dirty ) {
			self::$policy_dirty = true;
			add_action( 'shutdown', array( self::class, 'flush_policy' ) );
		}
	}

	/**
	 * Tells the service the policy now, if it changed in this request.
	 *
	 * @return array|\WP_Error|null The service's answer, the error, or null if nothing changed.
	 */
	public static function flush_policy() {
		if ( ! self::$policy_dirty ) {
			return null;
		}
		self::$policy_dirty = false;
		return self::push_policy();
	}
}
