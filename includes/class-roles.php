<?php
/**
 * Capabilities and the agent role.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * Agents answer chats; they need no other rights in wp-admin.
 */
class Roles {
	const ANSWER     = 'consent_chat_answer';
	const AGENT_ROLE = 'consent_chat_agent';

	/**
	 * On activation: the agent role, and the capability for administrators.
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
		$admin = get_role( 'administrator' );
		if ( $admin ) {
			$admin->add_cap( self::ANSWER );
		}
	}

	/**
	 * Deactivation keeps roles (uninstall removes them), so agents keep their
	 * role if the plugin is switched off and on again.
	 */
	public static function deactivate() {
	}
}
