<?php
/**
 * Settings → Consent Chat → Test connection: does the chat service answer,
 * and does it accept this site's id and secret.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * The route's callback (registered with the other settings routes in
 * Settings_Rest, with the same permission: site admins only).
 */
class Connection_Test {
	/**
	 * Tests the given (possibly unsaved) connection settings; an empty
	 * secret means the saved one.
	 *
	 * The saved secret goes only to the saved address. A token signed with
	 * it works at the real service's admin API for its lifetime, so sending
	 * it to an address typed into the field (a typo, someone else's host)
	 * would hand that host a working admin token. So an address that is not
	 * the saved one is tested fully only with a secret typed for it;
	 * otherwise only its public, unauthenticated `/health` is asked, and the
	 * answer says that the site id and secret were not checked.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public static function run( \WP_REST_Request $request ) {
		$input  = array(
			'connection' => array_filter(
				array(
					'serviceUrl' => $request['serviceUrl'],
					'siteId'     => $request['siteId'],
					'secret'     => $request['secret'],
				),
				static fn( $v ) => null !== $v
			),
		);
		$errors = Settings_Validator::errors( $input );
		if ( $errors ) {
			return new \WP_Error(
				'consent_chat_invalid',
				$errors[0]['message'],
				array(
					'status' => 400,
					'errors' => $errors,
				)
			);
		}
		$c         = $input['connection'];
		$saved_url = trim( (string) get_option( Settings::SERVICE_URL, '' ) );
		$url       = isset( $c['serviceUrl'] ) ? trim( (string) $c['serviceUrl'] ) : $saved_url;
		$http      = Settings::http_of( '' !== $url ? $url : Settings::default_service_url() );
		// Where the saved secret may go: the host, port and scheme the saved address stands for (tokens go to http_of() + path).
		$saved_http = Settings::http_of( '' !== $saved_url ? $saved_url : Settings::default_service_url() );
		$typed      = ! empty( $c['secret'] );
		if ( ! $typed && $http !== $saved_http ) {
			return self::probe_health( $http );
		}
		$connection = array(
			'http'   => $http,
			'site'   => $c['siteId'] ?? Settings::site_id(),
			'secret' => $typed ? (string) $c['secret'] : Settings::secret(),
		);
		$started    = microtime( true );
		$status     = Service_Client::request( 'GET', '/admin/status', null, $connection );
		$ms         = (int) round( ( microtime( true ) - $started ) * 1000 );
		if ( is_wp_error( $status ) ) {
			$code = (int) ( $status->get_error_data()['status'] ?? 0 );
			$hint = 401 === $code
				? __( 'The service does not accept this site id and secret: they must match the service’s configuration.', 'consent-chat' )
				: ( 0 === $code ? __( 'Check the address and that the service is running.', 'consent-chat' ) : '' );
			return new \WP_Error( 'consent_chat_connection_failed', trim( $status->get_error_message() . ' ' . $hint ), array( 'status' => 502 ) );
		}
		$storage = Settings::storage();
		return new \WP_REST_Response(
			array(
				'ok'           => true,
				// The site id and secret were checked: the service answered its admin API.
				'checked'      => 'full',
				'milliseconds' => $ms,
				'site'         => (string) ( $status['site'] ?? '' ),
				'openChats'    => (int) ( $status['open'] ?? 0 ),
				'agentsOnline' => (int) ( $status['agentsOnline'] ?? 0 ),
				'policyInSync' => ( $status['defaultMode'] ?? '' ) === $storage['defaultMode']
					&& (bool) ( $status['visitorChoosesMode'] ?? false ) === (bool) $storage['visitorChooses']
					&& (int) ( $status['retentionDays'] ?? 0 ) === (int) $storage['retentionDays'],
			)
		);
	}

	/**
	 * Whether a chat service answers at an address, asking only its public
	 * `/health`: no token, no site id, no cookie. Redirects are not followed,
	 * so the probe goes to the typed host and nowhere else.
	 *
	 * @param string $http The service's HTTP base URL.
	 * @return \WP_REST_Response|\WP_Error
	 */
	private static function probe_health( $http ) {
		$started  = microtime( true );
		$response = '' === $http ? new \WP_Error( 'consent_chat_bad_url', __( 'The address has no host.', 'consent-chat' ) ) : wp_remote_get(
			$http . '/health',
			array(
				'timeout'     => Service_Client::TIMEOUT,
				'redirection' => 0,
				'headers'     => array( 'Accept' => 'application/json' ),
			)
		);
		$ms = (int) round( ( microtime( true ) - $started ) * 1000 );
		if ( is_wp_error( $response ) ) {
			return new \WP_Error(
				'consent_chat_connection_failed',
				/* translators: %s: the error from the HTTP request. */
				sprintf( __( 'The chat service could not be reached: %s', 'consent-chat' ), $response->get_error_message() ) . ' ' . __( 'Check the address and that the service is running.', 'consent-chat' ),
				array( 'status' => 502 )
			);
		}
		$data = json_decode( (string) wp_remote_retrieve_body( $response ), true );
		if ( 200 !== (int) wp_remote_retrieve_response_code( $response ) || ! is_array( $data ) || 'ok' !== ( $data['status'] ?? null ) ) {
			return new \WP_Error(
				'consent_chat_connection_failed',
				/* translators: %d: HTTP status code. */
				sprintf( __( 'Something answers at this address (HTTP %d), but not as a chat service does.', 'consent-chat' ), (int) wp_remote_retrieve_response_code( $response ) ),
				array( 'status' => 502 )
			);
		}
		return new \WP_REST_Response(
			array(
				'ok'           => true,
				// Only that a chat service answers there; not the site id, not the secret.
				'checked'      => 'reachable',
				'milliseconds' => $ms,
			)
		);
	}
}
