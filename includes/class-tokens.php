<?php
/**
 * Short-lived identities for the chat service: JWT, HS256, signed with the
 * secret the site shares with the service (see server/tokens.ts).
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * Signs visitor and agent tokens.
 */
class Tokens {
	const AUDIENCE = 'consent-chat';

	/** Visitors need the token only to open (or re-open) the socket. */
	const VISITOR_TTL = 600;

	/**
	 * Agents get a fresh one for every connection, and the console renews it
	 * on its open connection before it expires; the service closes an agent
	 * connection whose token ran out. So an agent whose role is removed (or
	 * who logged out) loses access within this time even if WordPress could
	 * not reach the service to revoke it (Agent_Revocation).
	 */
	const AGENT_TTL = 300;

	/**
	 * A token for an anonymous visitor. The subject is random per token:
	 * nothing in it recognises the visitor again.
	 *
	 * @return array{token: string, expires: int}
	 */
	public static function visitor() {
		return self::sign(
			array(
				'role' => 'visitor',
				'sub'  => 'v_' . wp_generate_password( 16, false, false ),
			),
			self::VISITOR_TTL
		);
	}

	/**
	 * A token for a logged-in agent.
	 *
	 * @param \WP_User $user The agent.
	 * @return array{token: string, expires: int}
	 */
	public static function agent( \WP_User $user ) {
		return self::sign(
			array_merge(
				array(
					'role' => 'agent',
					'sub'  => self::agent_subject( $user->ID ),
					'name' => mb_substr( $user->display_name, 0, 80 ),
				),
				Agents::claims( $user )
			),
			self::AGENT_TTL
		);
	}

	/**
	 * How the service knows an agent: the subject of its tokens.
	 *
	 * @param int $user_id The agent's user id.
	 * @return string
	 */
	public static function agent_subject( $user_id ) {
		return 'wp:' . (int) $user_id;
	}

	/**
	 * Builds and signs a JWT.
	 *
	 * @param array       $claims Role-specific claims.
	 * @param int         $ttl    Lifetime in seconds.
	 * @param string|null $site   Site id; null: the saved one (the connection test passes unsaved values).
	 * @param string|null $secret Shared secret; null: the saved one.
	 * @return array{token: string, expires: int}
	 */
	public static function sign( array $claims, $ttl, $site = null, $secret = null ) {
		$now     = time();
		$payload = array_merge(
			$claims,
			array(
				'iss' => null === $site ? Settings::site_id() : (string) $site,
				'aud' => self::AUDIENCE,
				'iat' => $now,
				'exp' => $now + (int) $ttl,
			)
		);
		$header  = self::b64( wp_json_encode( array( 'alg' => 'HS256', 'typ' => 'JWT' ) ) );
		$body    = self::b64( wp_json_encode( $payload ) );
		$sig     = self::b64( hash_hmac( 'sha256', $header . '.' . $body, null === $secret ? Settings::secret() : (string) $secret, true ) );
		return array(
			'token'   => $header . '.' . $body . '.' . $sig,
			'expires' => $now + (int) $ttl,
		);
	}

	/**
	 * Base64url without padding (RFC 7515).
	 *
	 * @param string $data Bytes.
	 * @return string
	 */
	private static function b64( $data ) {
		return rtrim( strtr( base64_encode( $data ), '+/', '-_' ), '=' ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- JWT encoding.
	}
}
