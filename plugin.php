<?php
/**
 * Plugin Name:       Consent Chat
 * Plugin URI:        https://github.com/consent-chat/consent-chat
 * Description:       A live chat visitors can use without being tracked. Tracking runs only after consent, swapped in without a page reload.
 * Version:           0.1.0
 * Requires at least: 6.8
 * Tested up to:      7.1
 * Requires PHP:      7.4
 * Author:            Consent Chat
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       consent-chat
 * Domain Path:       /languages
 *
 * @package ConsentChat
 */

defined( 'ABSPATH' ) || exit;

define( 'CONSENT_CHAT_VERSION', '0.1.0' );
define( 'CONSENT_CHAT_FILE', __FILE__ );
define( 'CONSENT_CHAT_DIR', plugin_dir_path( __FILE__ ) );
define( 'CONSENT_CHAT_URL', plugin_dir_url( __FILE__ ) );

require_once CONSENT_CHAT_DIR . 'includes/class-plain-text.php';
require_once CONSENT_CHAT_DIR . 'includes/class-defaults.php';
require_once CONSENT_CHAT_DIR . 'includes/class-settings-schema.php';
require_once CONSENT_CHAT_DIR . 'includes/class-settings.php';
require_once CONSENT_CHAT_DIR . 'includes/class-versions.php';
require_once CONSENT_CHAT_DIR . 'includes/class-i18n.php';
require_once CONSENT_CHAT_DIR . 'includes/class-tokens.php';
require_once CONSENT_CHAT_DIR . 'includes/class-roles.php';
require_once CONSENT_CHAT_DIR . 'includes/class-widget-strings.php';
require_once CONSENT_CHAT_DIR . 'includes/class-assets.php';
require_once CONSENT_CHAT_DIR . 'includes/class-rest.php';
require_once CONSENT_CHAT_DIR . 'includes/class-agent-page.php';
require_once CONSENT_CHAT_DIR . 'includes/class-delete-form.php';
require_once CONSENT_CHAT_DIR . 'includes/class-standalone.php';
require_once CONSENT_CHAT_DIR . 'includes/class-consent.php';
require_once CONSENT_CHAT_DIR . 'includes/class-consent-log.php';
require_once CONSENT_CHAT_DIR . 'includes/class-consent-log-limits.php';
require_once CONSENT_CHAT_DIR . 'includes/class-service-client.php';
require_once CONSENT_CHAT_DIR . 'includes/class-agent-revocation.php';
require_once CONSENT_CHAT_DIR . 'includes/class-privacy.php';
require_once CONSENT_CHAT_DIR . 'includes/class-cli.php';
require_once CONSENT_CHAT_DIR . 'includes/class-privacy-page.php';
require_once CONSENT_CHAT_DIR . 'includes/class-agents.php';
require_once CONSENT_CHAT_DIR . 'includes/class-avatars.php';
require_once CONSENT_CHAT_DIR . 'includes/class-settings-validator.php';
require_once CONSENT_CHAT_DIR . 'includes/class-assistant.php';
require_once CONSENT_CHAT_DIR . 'includes/class-assistant-validator.php';
require_once CONSENT_CHAT_DIR . 'includes/class-settings-rest.php';
require_once CONSENT_CHAT_DIR . 'includes/class-agents-rest.php';
require_once CONSENT_CHAT_DIR . 'includes/class-connection-test.php';
require_once CONSENT_CHAT_DIR . 'includes/class-settings-page.php';
require_once CONSENT_CHAT_DIR . 'includes/class-block-attributes.php';
require_once CONSENT_CHAT_DIR . 'includes/class-sitewide.php';
require_once CONSENT_CHAT_DIR . 'includes/class-block-editor.php';
require_once CONSENT_CHAT_DIR . 'includes/class-csv.php';
require_once CONSENT_CHAT_DIR . 'includes/class-stats.php';
require_once CONSENT_CHAT_DIR . 'includes/class-stats-page.php';
require_once CONSENT_CHAT_DIR . 'includes/hooks.php';

register_activation_hook( __FILE__, array( 'ConsentChat\\Roles', 'activate' ) );
register_activation_hook( __FILE__, array( 'ConsentChat\\Consent_Log', 'install' ) );
register_deactivation_hook( __FILE__, array( 'ConsentChat\\Roles', 'deactivate' ) );
