<?php
/**
 * Departments, and which users answer chats for which of them.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * A department is an id (what blocks, links and the service route by) and a
 * name (what people read). An agent is a user with the answer capability:
 * administrators have it, anyone else gets it through the Chat agent role.
 * Each agent's departments and parallel-chat limit are user meta, and go to
 * the service inside the agent's token, so the service needs no copy.
 */
class Agents {
	const DEPARTMENTS = 'consent_chat_departments';
	const META_DEPTS  = 'consent_chat_depts';
	const META_MAX    = 'consent_chat_max_chats';

	/** The service's own bound for a per-agent limit (server/tokens.ts). */
	const MAX_CHATS_LIMIT = 50;

	const ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';

	/**
	 * Action init: the departments list is a registered setting like the
	 * others (readable and writable by administrators in /wp/v2/settings).
	 */
	public static function register() {
		register_setting(
			Settings::GROUP,
			self::DEPARTMENTS,
			array(
				'type'              => 'array',
				'description'       => __( 'The chat departments: id and name.', 'consent-chat' ),
				'default'           => array(),
				'show_in_rest'      => array( 'schema' => self::departments_schema() ),
				'sanitize_callback' => array( self::class, 'sanitize_departments' ),
			)
		);
	}

	/**
	 * JSON schema of the departments list.
	 *
	 * @return array
	 */
	public static function departments_schema() {
		return array(
			'type'     => 'array',
			'maxItems' => 50,
			'items'    => array(
				'type'                 => 'object',
				'additionalProperties' => false,
				'properties'           => array(
					'id'   => array(
						'type'     => 'string',
						'pattern'  => self::ID_PATTERN,
						'required' => true,
					),
					'name' => array(
						'type'      => 'string',
						'minLength' => 1,
						'maxLength' => 100,
						'required'  => true,
					),
				),
			),
		);
	}

	/**
	 * Sanitize callback: an invalid list is refused as a whole (the old one
	 * stays); ids are unique (the first wins).
	 *
	 * @param mixed $value Submitted value.
	 * @return array
	 */
	public static function sanitize_departments( $value ) {
		$value = is_object( $value ) ? json_decode( (string) wp_json_encode( $value ), true ) : $value;
		$valid = rest_validate_value_from_schema( $value, self::departments_schema(), self::DEPARTMENTS );
		if ( is_wp_error( $valid ) ) {
			_doing_it_wrong( esc_html( 'update_option( ' . self::DEPARTMENTS . ' )' ), esc_html( $valid->get_error_message() ), '0.1.0' );
			return self::departments();
		}
		$clean = array();
		foreach ( $value as $dept ) {
			$clean[ $dept['id'] ] = $clean[ $dept['id'] ] ?? array(
				'id'   => $dept['id'],
				'name' => Plain_Text::line( $dept['name'] ),
			);
		}
		return array_values( $clean );
	}

	/**
	 * The departments.
	 *
	 * @return array<int, array{id: string, name: string}>
	 */
	public static function departments() {
		$value = get_option( self::DEPARTMENTS, array() );
		return is_array( $value ) ? array_values( $value ) : array();
	}

	/**
	 * Department id => name.
	 *
	 * @return array<string, string>
	 */
	public static function department_names() {
		return array_column( self::departments(), 'name', 'id' );
	}

	/**
	 * What the agent's token says about them: their departments (only ones
	 * that still exist; none means "any department") and their limit (absent:
	 * the service's default).
	 *
	 * @param \WP_User $user The agent.
	 * @return array{depts: string[], maxChats?: int}
	 */
	public static function claims( \WP_User $user ) {
		$profile = self::profile( $user );
		$claims  = array( 'depts' => $profile['depts'] );
		if ( null !== $profile['maxChats'] ) {
			$claims['maxChats'] = $profile['maxChats'];
		}
		return $claims;
	}

	/**
	 * An agent's departments and limit, as stored.
	 *
	 * @param \WP_User $user The agent.
	 * @return array{depts: string[], maxChats: int|null}
	 */
	public static function profile( \WP_User $user ) {
		$known = self::department_names();
		$depts = get_user_meta( $user->ID, self::META_DEPTS, true );
		$depts = array_values( array_filter( is_array( $depts ) ? $depts : array(), static fn( $d ) => isset( $known[ $d ] ) ) );
		$max   = get_user_meta( $user->ID, self::META_MAX, true );
		return array(
			'depts'    => $depts,
			'maxChats' => '' === $max || false === $max ? null : (int) $max,
		);
	}

	/**
	 * Everyone who may answer chats, with their departments and limit.
	 *
	 * @return array<int, array{id: int, name: string, login: string, admin: bool, role: bool, depts: string[], maxChats: int|null}>
	 */
	public static function all() {
		$users = get_users(
			array(
				'capability' => Roles::ANSWER,
				'orderby'    => 'display_name',
				'number'     => 500,
			)
		);
		return array_map( array( self::class, 'describe' ), $users );
	}

	/**
	 * One agent for the settings screen.
	 *
	 * @param \WP_User $user The user.
	 * @return array
	 */
	public static function describe( \WP_User $user ) {
		return array_merge(
			array(
				'id'    => (int) $user->ID,
				'name'  => $user->display_name,
				'login' => $user->user_login,
				// Administrators answer by their role; only the agent role can be taken away here.
				'admin' => user_can( $user, 'manage_options' ),
				'role'  => in_array( Roles::AGENT_ROLE, (array) $user->roles, true ),
			),
			self::profile( $user )
		);
	}

	/**
	 * Changes one user's agent status, departments or limit. Validates all
	 * of it first, so nothing is half-applied.
	 *
	 * @param \WP_User $user    The user.
	 * @param array    $changes { agent?: bool, depts?: string[], maxChats?: int|null }.
	 * @return array|\WP_Error The agent as described afterwards, or why not.
	 */
	public static function update( \WP_User $user, array $changes ) {
		$known = self::department_names();
		if ( isset( $changes['depts'] ) ) {
			foreach ( (array) $changes['depts'] as $dept ) {
				if ( ! isset( $known[ $dept ] ) ) {
					return new \WP_Error(
						'consent_chat_invalid',
						/* translators: %s: a department id. */
						sprintf( __( 'There is no department “%s”. Add it under Departments first.', 'consent-chat' ), (string) $dept ),
						array(
							'status' => 400,
							'field'  => 'depts',
						)
					);
				}
			}
		}
		if ( array_key_exists( 'agent', $changes ) && false === $changes['agent'] && user_can( $user, 'manage_options' ) ) {
			return new \WP_Error(
				'consent_chat_invalid',
				__( 'Administrators can always answer chats; change their role under Users instead.', 'consent-chat' ),
				array(
					'status' => 400,
					'field'  => 'agent',
				)
			);
		}
		if ( array_key_exists( 'agent', $changes ) ) {
			if ( $changes['agent'] ) {
				$user->add_role( Roles::AGENT_ROLE );
			} else {
				$user->remove_role( Roles::AGENT_ROLE );
			}
		}
		if ( isset( $changes['depts'] ) ) {
			update_user_meta( $user->ID, self::META_DEPTS, array_values( array_unique( array_map( 'strval', (array) $changes['depts'] ) ) ) );
		}
		if ( array_key_exists( 'maxChats', $changes ) ) {
			if ( null === $changes['maxChats'] ) {
				delete_user_meta( $user->ID, self::META_MAX );
			} else {
				update_user_meta( $user->ID, self::META_MAX, (int) $changes['maxChats'] );
			}
		}
		return self::describe( get_userdata( $user->ID ) );
	}
}
