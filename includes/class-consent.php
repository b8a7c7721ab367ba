<?php
/**
 * Consent for the chat's tracking embed: the cookie banner's configuration
 * (texts per language, revision), the preferences link, the WP Consent API,
 * and the copy-paste embed snippets for pages outside WordPress.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * The banner (client/consent) runs only where the chat is on the page; it
 * starts the tracking embed (client/tracking) once the visitor accepts.
 */
class Consent {
	const HANDLE     = 'consent-chat-consent';
	const SHORTCODE  = 'consent_chat_preferences';
	/** The same link under the name themes look for first. */
	const SHORTCODE_ALIAS = 'consent_chat_settings';
	const REVISION   = 'consent_chat_consent_revision';
	const CATEGORY   = 'chat_tracking';
	const SERVICE    = 'page_views';
	const COOKIE     = 'consent_chat_vid';
	const COOKIE_DAYS = 180;
	/** The WP Consent API category our tracking belongs to (page-view counting). */
	const WP_CATEGORY = 'statistics';

	/**
	 * The banner's mount is printed once per page.
	 *
	 * @var bool
	 */
	private static $printed = false;

	/**
	 * Registers the banner's script and style and the preferences shortcode.
	 */
	public static function register() {
		$asset = Assets::asset_info( 'client/consent' );
		wp_register_script(
			self::HANDLE,
			CONSENT_CHAT_URL . 'build/client/consent.js',
			$asset['dependencies'],
			$asset['version'],
			array(
				'in_footer' => true,
				'strategy'  => 'defer',
			)
		);
		wp_register_style( self::HANDLE, CONSENT_CHAT_URL . 'build/client/consent.css', array(), $asset['version'] );
		add_shortcode( self::SHORTCODE, array( self::class, 'preferences_shortcode' ) );
		add_shortcode( self::SHORTCODE_ALIAS, array( self::class, 'preferences_shortcode' ) );
	}

	/**
	 * Whether another consent manager is active (it reports a consent type
	 * through the WP Consent API). Then our banner stands down and we follow
	 * that API. wp_has_consent() alone is true when no manager is active.
	 *
	 * @return bool
	 */
	public static function other_manager() {
		return function_exists( 'wp_get_consent_type' ) && (bool) wp_get_consent_type();
	}

	/**
	 * The banner's mount: a hidden element whose data attribute carries
	 * ConsentConfig (client/contract.ts); enqueues the banner. Printed once
	 * per page, wherever the chat (or the preferences link) is.
	 *
	 * @return string HTML.
	 */
	public static function mount() {
		if ( self::$printed ) {
			return '';
		}
		self::$printed = true;
		wp_enqueue_script( self::HANDLE );
		if ( ! self::other_manager() ) {
			wp_enqueue_style( self::HANDLE );
		}
		return sprintf(
			'<div hidden class="consent-chat-consent" data-consent-chat-banner="%s"></div>',
			Plain_Text::json_attr( self::config() )
		);
	}

	/**
	 * What the banner bundle needs (ConsentConfig in client/contract.ts).
	 *
	 * @return array
	 */
	public static function config() {
		$picked  = Settings::texts_for( determine_locale() );
		$locale  = $picked['locale'];
		$texts   = self::banner_texts( $picked['texts'], $locale );
		$tracker = Assets::asset_info( 'client/tracking' );
		$config  = array(
			'mode'        => self::other_manager() ? 'wpconsent' : 'banner',
			'lang'        => $locale,
			'revision'    => self::revision(),
			'textVersion' => Versions::version( (string) wp_json_encode( $texts ), $locale, 'banner' ),
			'texts'       => $texts,
			'logUrl'      => rest_url( Rest::NAMESPACE . '/consent-log' ),
			'category'    => self::CATEGORY,
			'service'     => self::SERVICE,
			'wpCategory'  => self::WP_CATEGORY,
			'tracking'    => array(
				'js'          => add_query_arg( 'ver', $tracker['version'], CONSENT_CHAT_URL . 'build/client/tracking.js' ),
				'site'        => Settings::site_id(),
				'serviceHttp' => Settings::service_http(),
				'cookie'      => self::COOKIE,
				'cookieDays'  => self::COOKIE_DAYS,
			),
		);
		$nonce = Assets::csp_nonce();
		if ( '' !== $nonce ) {
			$config['nonce'] = $nonce;
		}
		return $config;
	}

	/**
	 * One language's banner texts: the stored ones, else the built-in ones.
	 *
	 * @param array  $texts  The language's texts (Settings::texts_for).
	 * @param string $locale Their locale.
	 * @return array<string, string>
	 */
	public static function banner_texts( array $texts, $locale ) {
		$builtin = Defaults::banner( $locale );
		return is_array( $texts['banner'] ?? null ) ? array_merge( $builtin, $texts['banner'] ) : $builtin;
	}

	/**
	 * The consent revision: raised whenever a banner text or a consent text
	 * changes in any language, so cookieconsent asks every visitor again.
	 *
	 * @return int
	 */
	public static function revision() {
		$stored = get_option( self::REVISION );
		return is_array( $stored ) && isset( $stored['revision'] ) ? max( 1, (int) $stored['revision'] ) : 1;
	}

	/**
	 * A fingerprint of every text a consent decision depends on.
	 *
	 * @param mixed $texts Value of the texts option.
	 * @return string
	 */
	public static function texts_hash( $texts ) {
		$texts = is_array( $texts ) ? $texts : Defaults::texts();
		$parts = array();
		foreach ( $texts as $locale => $entry ) {
			if ( is_array( $entry ) ) {
				$parts[ (string) $locale ] = array(
					'banner'  => self::banner_texts( $entry, (string) $locale ),
					'consent' => (string) ( $entry['consent'] ?? '' ),
				);
			}
		}
		ksort( $parts );
		return hash( 'sha256', (string) wp_json_encode( $parts ) );
	}

	/**
	 * Hooked to the texts option being added or updated: a changed banner or
	 * consent text raises the revision.
	 *
	 * @param mixed $a Old value (update) or option name (add).
	 * @param mixed $b New value.
	 */
	public static function on_texts_saved( $a, $b ) {
		$stored = get_option( self::REVISION );
		$before = is_array( $stored ) && isset( $stored['hash'] ) ? (string) $stored['hash'] : self::texts_hash( is_array( $a ) ? $a : null );
		$after  = self::texts_hash( $b );
		if ( $after !== $before ) {
			update_option(
				self::REVISION,
				array(
					'revision' => self::revision() + 1,
					'hash'     => $after,
				),
				true
			);
		}
	}

	/**
	 * [consent_chat_settings label="…"] (or [consent_chat_preferences]): a button that opens the banner's
	 * preferences (to give or withdraw consent). Also the Chat block's
	 * "preferences link" option.
	 *
	 * @param array|string $atts Shortcode attributes.
	 * @return string HTML.
	 */
	public static function preferences_shortcode( $atts = array() ) {
		$atts = shortcode_atts( array( 'label' => '' ), is_array( $atts ) ? $atts : array(), self::SHORTCODE );
		return self::preferences_link( (string) $atts['label'] );
	}

	/**
	 * The preferences button (opens cookieconsent's preferences dialog, or
	 * with another consent manager, nothing of ours: it is not printed).
	 *
	 * @param string $label Button text; empty: the default.
	 * @return string HTML.
	 */
	public static function preferences_link( $label = '' ) {
		if ( self::other_manager() ) {
			return self::mount();
		}
		$label = '' !== $label ? $label : __( 'Chat privacy settings', 'consent-chat' );
		return sprintf(
			'<button type="button" class="consent-chat-preferences" data-cc="show-preferencesModal" aria-haspopup="dialog">%s</button>%s',
			esc_html( $label ),
			self::mount()
		);
	}

	/**
	 * WP Consent API: this plugin asks for consent before its tracking
	 * cookie is set (filter wp_consent_api_registered_{plugin}).
	 *
	 * @return bool
	 */
	public static function registered() {
		return true;
	}

	/**
	 * Describes our cookie to the WP Consent API (for the other manager's
	 * cookie list), where the API is present.
	 */
	public static function cookie_info() {
		if ( ! function_exists( 'wp_add_cookie_info' ) ) {
			return;
		}
		wp_add_cookie_info(
			self::COOKIE,
			__( 'Consent Chat', 'consent-chat' ),
			self::WP_CATEGORY,
			/* translators: %d: number of days. */
			sprintf( __( '%d days', 'consent-chat' ), self::COOKIE_DAYS ),
			__( 'Recognises a returning visitor for the chat’s page-view counts; set only after consent to chat tracking.', 'consent-chat' ),
			__( 'A random id; the id itself is not sent anywhere.', 'consent-chat' ),
			false,
			false,
			'HTTP'
		);
	}

	/**
	 * Two copy-paste embeds for a page outside WordPress: the chat without
	 * tracking, and the chat with consent-gated tracking (banner included).
	 * The service must list that page's origin in CONSENT_CHAT_ORIGINS.
	 *
	 * @return array{plain: string, tracking: string}
	 */
	public static function snippets() {
		$loader = Assets::asset_info( 'client/loader' );
		$banner = Assets::asset_info( 'client/consent' );
		$config = Assets::frontend_config( array() );
		unset( $config['nonce'] );
		$consent = self::config();
		unset( $consent['nonce'] );
		$consent['mode'] = 'banner';
		$chat            = sprintf(
			"<link rel=\"stylesheet\" href=\"%s\">\n<div data-consent-chat=\"%s\"></div>\n<script src=\"%s\" defer></script>",
			esc_url( add_query_arg( 'ver', $loader['version'], CONSENT_CHAT_URL . 'build/client/loader.css' ) ),
			Plain_Text::json_attr( $config ),
			esc_url( add_query_arg( 'ver', $loader['version'], CONSENT_CHAT_URL . 'build/client/loader.js' ) )
		);
		$tracking        = $chat . sprintf(
			"\n<link rel=\"stylesheet\" href=\"%s\">\n<div hidden data-consent-chat-banner=\"%s\"></div>\n<script src=\"%s\" defer></script>",
			esc_url( add_query_arg( 'ver', $banner['version'], CONSENT_CHAT_URL . 'build/client/consent.css' ) ),
			Plain_Text::json_attr( $consent ),
			esc_url( add_query_arg( 'ver', $banner['version'], CONSENT_CHAT_URL . 'build/client/consent.js' ) )
		);
		return array(
			'plain'    => $chat,
			'tracking' => $tracking,
		);
	}
}
