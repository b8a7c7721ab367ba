<?php
/**
 * REST routes of the Agents part of the settings: who is an agent, their
 * departments and chat limit.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * Administrators only (Settings_Rest::can_manage), and for a change also
 * allowed to change that user's roles; Agents keeps the rules of what an
 * agent may be.
 */
class Agents_Rest {
	/**
	 * Registers /agents and /agents/{id}.
	 */
	public static function register_routes() {
		register_rest_route(
			Rest::NAMESPACE,
			'/agents',
			array(
				'methods'             => \WP_REST_Server::READABLE,
				'callback'            => array( self::class, 'agents' ),
				'permission_callback' => array( Settings_Rest::class, 'can_manage' ),
				'args'                => array(),
			)
		);
		register_rest_route(
			Rest::NAMESPACE,
			'/agents/(?P<id>\d+)',
			array(
				'methods'             => \WP_REST_Server::EDITABLE,
				'callback'            => array( self::class, 'update_agent' ),
				'permission_callback' => array( self::class, 'can_manage_agent' ),
				'args'                => array(
					'id'       => array(
						'type'     => 'integer',
						'minimum'  => 1,
						'required' => true,
					),
					'agent'    => array( 'type' => 'boolean' ),
					'depts'    => array(
						'type'     => 'array',
						'maxItems' => 50,
						'items'    => array(
							'type'    => 'string',
							'pattern' => Agents::ID_PATTERN,
						),
					),
					'maxChats' => array(
						'type'    => array( 'integer', 'null' ),
						'minimum' => 1,
						'maximum' => Agents::MAX_CHATS_LIMIT,
					),
				),
			)
		);
	}

	/**
	 * Administrators who may also change that user's roles.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return bool|\WP_Error
	 */
	public static function can_manage_agent( \WP_REST_Request $request ) {
		$allowed = Settings_Rest::can_manage();
		if ( true !== $allowed ) {
			return $allowed;
		}
		if ( ! current_user_can( 'promote_user', (int) $request['id'] ) ) {
			return new \WP_Error( 'consent_chat_forbidden', __( 'You may not change this user’s roles.', 'consent-chat' ), array( 'status' => 403 ) );
		}
		return true;
	}

	/**
	 * The agents.
	 *
	 * @return \WP_REST_Response
	 */
	public static function agents() {
		return new \WP_REST_Response( Agents::all() );
	}

	/**
	 * Makes a user an agent (or not), and sets their departments and limit.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public static function update_agent( \WP_REST_Request $request ) {
		$user = get_userdata( (int) $request['id'] );
		if ( ! $user ) {
			return new \WP_Error( 'consent_chat_not_found', __( 'There is no such user.', 'consent-chat' ), array( 'status' => 404 ) );
		}
		$changes = array();
		foreach ( array( 'agent', 'depts', 'maxChats' ) as $key ) {
			if ( $request->has_param( $key ) ) {
				$changes[ $key ] = $request[ $key ];
			}
		}
		$result = Agents::update( $user, $changes );
		return is_wp_error( $result ) ? $result : new \WP_REST_Response( $result );
	}
}
