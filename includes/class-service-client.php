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

	/**
	 * Calls the service.
	 *
	 * @param string     $method HTTP method.
	 * @param string     $path   Path below the service's base URL, with its query.
	 * @param array|null $body   JSON body, if any.
	 * @return array|\WP_Error The decoded JSON answer of a 2xx response, or the error.
	 */
	public static function request( $method, $path, $body = null ) {
		$signed   = Tokens::sign(
			array(
				'role' => 'site',
				'sub'  => 'wordpress',
			),
			self::TOKEN_TTL
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
		$response = wp_remote_request( Settings::service_http() . $path, $args );
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
				array( 'status' => $status )
			);
		}
		return $data;
	}
}
