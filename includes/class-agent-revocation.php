<?php
/**
 * Telling the chat service that an agent's access changed, so that it ends
 * within seconds instead of when the agent's token runs out.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * When a user's role or capabilities change, their departments or limit
 * change, they log out or are deleted, the service is told at the end of the
 * request (`POST /admin/agents/revoke`): it closes that agent's open
 * connections and refuses its tokens issued before. A console whose user may
 * still answer reconnects with a fresh token (new departments, new limit);
 * one whose user may not gets no token and tells the user so.
 *
 * If the service cannot be reached, the agent's token still expires within
 * Tokens::AGENT_TTL and the console cannot renew it.
 */
class Agent_Revocation {
	/**
	 * User ids to revoke at the end of this request.
	 *
	 * @var array<int, true>
	 */
	private static $pending = array();

	/**
	 * Action set_user_role: the user's roles were replaced.
	 *
	 * @param int      $user_id   The user.
	 * @param string   $role      The new role.
	 * @param string[] $old_roles The roles before.
	 */
	public static function role_set( $user_id, $role, $old_roles = array() ) {
		if ( self::involves_answering( array_merge( array( (string) $role ), (array) $old_roles ) ) || user_can( (int) $user_id, Roles::ANSWER ) ) {
			self::queue( $user_id );
		}
	}

	/**
	 * Actions add_user_role and remove_user_role. Adding a role can take a
	 * capability away too (a role may deny one), so both are looked at.
	 *
	 * @param int    $user_id The user.
	 * @param string $role    The role added or removed.
	 */
	public static function role_changed( $user_id, $role ) {
		if ( self::involves_answering( array( (string) $role ) ) ) {
			self::queue( $user_id );
		}
	}

	/**
	 * Actions added_user_meta, updated_user_meta and deleted_user_meta: an
	 * agent's departments or limit, which its token carries.
	 *
	 * @param int|int[] $meta_id   Meta row id(s); unused.
	 * @param int       $user_id   The user.
	 * @param string    $meta_key  The meta key.
	 */
	public static function meta_changed( $meta_id, $user_id, $meta_key ) {
		if ( in_array( $meta_key, array( Agents::META_DEPTS, Agents::META_MAX ), true ) ) {
			self::queue( $user_id );
		}
	}

	/**
	 * Actions wp_logout and delete_user: for users who could answer chats.
	 *
	 * @param int $user_id The user.
	 */
	public static function user_left( $user_id ) {
		if ( user_can( (int) $user_id, Roles::ANSWER ) ) {
			self::queue( $user_id );
		}
	}

	/**
	 * Whether any of these roles grants or denies the answer capability.
	 *
	 * @param string[] $roles Role names.
	 * @return bool
	 */
	private static function involves_answering( array $roles ) {
		foreach ( $roles as $name ) {
			$role = get_role( $name );
			if ( $role && array_key_exists( Roles::ANSWER, (array) $role->capabilities ) ) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Remembers the user for the end of the request: several changes in one
	 * request (role and departments, say) make one call per user.
	 *
	 * @param int $user_id The user.
	 */
	private static function queue( $user_id ) {
		$user_id = (int) $user_id;
		if ( $user_id <= 0 ) {
			return;
		}
		if ( ! self::$pending ) {
			add_action( 'shutdown', array( self::class, 'flush' ) );
		}
		self::$pending[ $user_id ] = true;
	}

	/**
	 * Tells the service now, for every user queued in this request.
	 *
	 * @return array<int, array|\WP_Error> The service's answer per user id.
	 */
	public static function flush() {
		$results       = array();
		$users         = array_keys( self::$pending );
		self::$pending = array();
		foreach ( $users as $user_id ) {
			$results[ $user_id ] = Service_Client::request( 'POST', '/admin/agents/revoke', array( 'sub' => Tokens::agent_subject( $user_id ) ) );
		}
		return $results;
	}
}
