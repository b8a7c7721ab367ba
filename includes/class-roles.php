<?php
/**
 * Capabilities and the roles that carry them.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * Agents answer chats; privacy officers look after the privacy side (the
 * consent log, and in time every consent text) without full admin rights.
 * Neither needs any other right in wp-admin.
 */
class Roles {
	const ANSWER       = 'consent_chat_answer';
	const PRIVACY      = 'consent_chat_privacy';
	const AGENT_ROLE   = 'consent_chat_agent';
	const OFFICER_ROLE = 'consent_chat_privacy_officer';

	/** Raised whenever activate() grants something new, so existing sites get it too. */
	const VERSION        = 2;
	const VERSION_OPTION = 'consent_chat_roles_version';

	/**
	 * On activation (and after an update that added roles): the roles, and
	 * every capability for administrators.
	 */
	public static function activate() {
		add_role(
			self::AGENT_ROLE,
			__( 'Chat agent', 'consent-chat' ),
			array(
				'read'       => true,
				self::ANSWER => true,
			)
		);
		add_role(
			self::OFFICER_ROLE,
			__( 'Privacy officer', 'consent-chat' ),
			array(
				'read'        => true,
				self::PRIVACY => true,
			)
		);
		$admin = get_role( 'administrator' );
		if ( $admin ) {
			$admin->add_cap( self::ANSWER );
			$admin->add_cap( self::PRIVACY );
		}
		update_option( self::VERSION_OPTION, self::VERSION );
	}

	/**
	 * Action init: a site activated before a role existed gets it now (one
	 * autoloaded option read per request).
	 */
	public static function maybe_upgrade() {
		if ( (int) get_option( self::VERSION_OPTION, 0 ) < self::VERSION ) {
			self::activate();
		}
	}

	/**
	 * Deactivation keeps roles (uninstall removes them), so agents keep their
	 * role if the plugin is switched off and on again.
	 */
	public static function deactivate() {
	}
}
