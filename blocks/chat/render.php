<?php
/**
 * Front end of the Chat block: an empty mount point whose data attribute
 * carries the loader's configuration. The loader draws the launcher.
 *
 * @package ConsentChat
 *
 * @var array $attributes Block attributes.
 */

defined( 'ABSPATH' ) || exit;

// frontend_config() checks every attribute again: post content is not trusted.
$consent_chat_config = ConsentChat\Assets::frontend_config( $attributes );
// This page has its chat; the site-wide launcher stays out (one chat per page).
ConsentChat\Sitewide::note_block();
?>
<div <?php echo get_block_wrapper_attributes( array( 'data-consent-chat' => ConsentChat\Plain_Text::json( $consent_chat_config ) ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- get_block_wrapper_attributes escapes. ?>></div>
<?php
// The cookie banner for chat tracking (once per page), and where chosen a link to its preferences.
echo ! empty( $attributes['preferencesLink'] ) ? ConsentChat\Consent::preferences_link() : ConsentChat\Consent::mount(); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- built with esc_attr/esc_html.
