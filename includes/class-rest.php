<?php
/**
 * REST routes: tokens for visitors and agents.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * Namespace consent-chat/v1.
 */
class Rest {
	const NAMESPACE = 'consent-chat/v1';

	/**
	 * Registers the routes.
	 */
	public static function register_routes() {
		register_rest_route(
			self::NAMESPACE,
			'/visitor-token',
			array(
				'methods'             => \WP_REST_Server::CREATABLE,
				'callback'            => array( self::class, 'visitor_token' ),
				// Anyone may chat; the token only lets them open a socket and
				// start or resume a chat they hold the code of.
				'permission_callback' => '__return_true',
				'args'                => array(),
			)
		);
		register_rest_route(
			self::NAMESPACE,
			'/agent-token',
			array(
				'methods'             => \WP_REST_Server::CREATABLE,
				'callback'            => array( self::class, 'agent_token' ),
				'permission_callback' => array( self::class, 'can_answer' ),
				'args'                => array(),
			)
		);
		register_rest_route(
			self::NAMESPACE,
			'/text-versions',
			array(
				'methods'             => \WP_REST_Server::READABLE,
				'callback'            => array( self::class, 'text_versions' ),
				'permission_callback' => array( self::class, 'can_handle_privacy' ),
				'args'                => array(),
			)
		);
		register_rest_route(
			self::NAMESPACE,
			'/embed-snippets',
			array(
				'methods'             => \WP_REST_Server::READABLE,
				'callback'            => array( self::class, 'embed_snippets' ),
				'permission_callback' => array( self::class, 'can_handle_privacy' ),
				'args'                => array(),
			)
		);
	}

	/**
	 * The two copy-paste embeds for pages outside WordPress: { plain, tracking }.
	 *
	 * @return \WP_REST_Response
	 */
	public static function embed_snippets() {
		return new \WP_REST_Response( Consent::snippets() );
	}

	/**
	 * Who may read the privacy side — the consent log, the consent texts'
	 * history, the embed snippets: privacy officers and administrators, in
	 * this one place. (Changing the texts still goes through /wp/v2/settings,
	 * which needs manage_options, until the settings screen gives officers
	 * their own route.)
	 *
	 * @return bool|\WP_Error
	 */
	public static function can_handle_privacy() {
		if ( current_user_can( Roles::PRIVACY ) ) {
			return true;
		}
		return new \WP_Error(
			'consent_chat_forbidden',
			__( 'Only privacy officers and administrators may read this.', 'consent-chat' ),
			array( 'status' => is_user_logged_in() ? 403 : 401 )
		);
	}

	/**
	 * Every version of the consent texts and opt-in labels ever shown:
	 * version => { text, lang, kind, first }, the proof of what a visitor
	 * agreed to.
	 *
	 * @return \WP_REST_Response
	 */
	public static function text_versions() {
		return new \WP_REST_Response( (object) Versions::history() );
	}

	/**
	 * Only users with the agent capability get agent tokens. Cookie
	 * authentication in REST already requires the wp_rest nonce.
	 *
	 * @return bool|\WP_Error
	 */
	public static function can_answer() {
		if ( current_user_can( Roles::ANSWER ) ) {
			return true;
		}
		return new \WP_Error(
			'consent_chat_forbidden',
			__( 'Only chat agents may answer chats.', 'consent-chat' ),
			array( 'status' => is_user_logged_in() ? 403 : 401 )
		);
	}

	/**
	 * A token for an anonymous visitor.
	 *
	 * @return \WP_REST_Response
	 */
	public static function visitor_token() {
		return self::ticket( Tokens::visitor() );
	}

	/**
	 * A token for the current agent.
	 *
	 * @return \WP_REST_Response
	 */
	public static function agent_token() {
		return self::ticket( Tokens::agent( wp_get_current_user() ) );
	}

	/**
	 * The answer both token routes give; never cached.
	 *
	 * @param array $signed Token and expiry.
	 * @return \WP_REST_Response
	 */
	private static function ticket( array $signed ) {
		$response = new \WP_REST_Response(
			array(
				'token'   => $signed['token'],
				'expires' => $signed['expires'],
				'service' => Settings::service_url(),
			)
		);
		$response->header( 'Cache-Control', 'no-store' );
		return $response;
	}
}
