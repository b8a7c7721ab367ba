<?php
/**
 * Script and style handles, the Chat block, and the configuration the
 * visitor's loader reads from the page.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * The loader is all a page loads; the widget is fetched by the loader when
 * the visitor opens the chat, so its URL travels in the configuration
 * rather than as a registered dependency.
 */
class Assets {
	const LOADER = 'consent-chat-loader';
	const DELETE = 'consent-chat-delete';

	/**
	 * Registers the loader's script and style (the block's viewScript/style).
	 */
	public static function register() {
		$asset = self::asset( 'client/loader' );
		wp_register_script(
			self::LOADER,
			CONSENT_CHAT_URL . 'build/client/loader.js',
			$asset['dependencies'],
			$asset['version'],
			array(
				'in_footer' => true,
				'strategy'  => 'defer',
			)
		);
		wp_register_style( self::LOADER, CONSENT_CHAT_URL . 'build/client/loader.css', array(), $asset['version'] );

		// The "delete my chat" form (shortcode consent_chat_delete).
		$delete = self::asset( 'client/delete-form' );
		wp_register_script(
			self::DELETE,
			CONSENT_CHAT_URL . 'build/client/delete-form.js',
			$delete['dependencies'],
			$delete['version'],
			array(
				'in_footer' => true,
				'strategy'  => 'defer',
			)
		);
		if ( is_readable( CONSENT_CHAT_DIR . 'build/client/delete-form.css' ) ) {
			wp_register_style( self::DELETE, CONSENT_CHAT_URL . 'build/client/delete-form.css', array(), $delete['version'] );
		}
	}

	/**
	 * Registers the Chat block from its built metadata.
	 */
	public static function register_block() {
		register_block_type( CONSENT_CHAT_DIR . 'build/chat' );
	}

	/**
	 * What the loader and widget need, as JSON for a data attribute (no
	 * inline script, so a strict Content-Security-Policy holds). The shape is
	 * FrontendConfig in client/contract.ts.
	 *
	 * @param array $attributes Block attributes (dept, direct, display,
	 *                          greetingText, greetingDelay; unchecked); the
	 *                          standalone page adds from and standalone.
	 * @return array
	 */
	public static function frontend_config( array $attributes ) {
		$widget  = self::asset( 'client/widget' );
		$lang    = determine_locale();
		$picked  = Settings::texts_for( $lang );
		$texts   = $picked['texts'];
		$locale  = $picked['locale'];
		$direct  = ! empty( $attributes['direct'] );
		$privacy = $texts['privacy'];
		$consent = trim( (string) $texts['consent'] );
		$storage = Settings::storage();
		// A block's own greeting replaces the site's for that page.
		$greeting = Block_Attributes::greeting( $attributes ) ?? $texts['greeting'];
		$config   = array(
			'widget'      => array(
				'js'  => add_query_arg( 'ver', $widget['version'], CONSENT_CHAT_URL . 'build/client/widget.js' ),
				'css' => add_query_arg( 'ver', $widget['version'], CONSENT_CHAT_URL . 'build/client/widget.css' ),
			),
			'tokenUrl'    => rest_url( Rest::NAMESPACE . '/visitor-token' ),
			'site'        => Settings::site_id(),
			'serviceHttp' => Settings::service_http(),
			'dept'        => Block_Attributes::dept( $attributes['dept'] ?? '' ),
			'direct'      => $direct,
			'lang'        => $lang,
			'strings'     => Widget_Strings::all(),
			'privacy'     => array(
				'mode'   => (string) $privacy['mode'],
				'text'   => self::with_bot_disclosure( (string) ( $privacy['text'] ?? '' ) ),
				'url'    => (string) ( $privacy['url'] ?? '' ),
				'inChat' => ! empty( $privacy['inChat'] ),
			),
			'consent'     => '' === $consent ? null : array(
				'text'    => $consent,
				'version' => Versions::version( $consent, $locale, 'consent' ),
			),
			'prechat'     => $direct ? array() : self::fields( (array) $texts['prechat'], $locale ),
			'storage'     => array(
				'defaultMode'    => (string) $storage['defaultMode'],
				'visitorChooses' => (bool) $storage['visitorChooses'],
				'retentionDays'  => (int) $storage['retentionDays'],
			),
			'contact'     => self::fields( (array) $texts['contact'], $locale ),
			'greeting'    => empty( $greeting['text'] ) ? null : array(
				'text'    => (string) $greeting['text'],
				'delayMs' => 1000 * (int) ( $greeting['delay'] ?? 0 ),
			),
			'home'        => empty( $texts['home']['welcome'] ) ? null : array(
				'welcome'     => (string) $texts['home']['welcome'],
				'suggestions' => array_values( array_map( 'strval', (array) ( $texts['home']['suggestions'] ?? array() ) ) ),
			),
			'appearance'  => Settings::appearance(),
			'display'     => ( isset( $attributes['display'] ) && 'inline' === $attributes['display'] ) ? 'inline' : 'launcher',
		);
		$nonce = self::csp_nonce();
		if ( '' !== $nonce ) {
			$config['nonce'] = $nonce;
		}
		if ( isset( $attributes['from'] ) && '' !== $attributes['from'] ) {
			$config['from'] = (string) $attributes['from'];
		}
		if ( isset( $attributes['standalone'] ) && is_array( $attributes['standalone'] ) ) {
			$config['standalone'] = $attributes['standalone'];
		}
		return $config;
	}

	/**
	 * The privacy flyout's text, with the automatic sentence naming the
	 * site's own bot while it is on (Assistant::bot_disclosure()).
	 *
	 * @param string $text The privacy officer's text.
	 * @return string
	 */
	private static function with_bot_disclosure( $text ) {
		$sentence = Assistant::bot_disclosure();
		return '' === $sentence ? $text : trim( $text . "\n\n" . $sentence );
	}

	/**
	 * Form fields as the widget takes them; opt-ins carry their version.
	 *
	 * @param array  $fields Stored fields.
	 * @param string $locale Language of the labels.
	 * @return array
	 */
	private static function fields( array $fields, $locale ) {
		$out = array();
		foreach ( $fields as $field ) {
			if ( ! is_array( $field ) || empty( $field['id'] ) || empty( $field['label'] ) ) {
				continue;
			}
			$item = array(
				'id'       => (string) $field['id'],
				'label'    => (string) $field['label'],
				'type'     => (string) ( $field['type'] ?? 'text' ),
				'required' => ! empty( $field['required'] ),
			);
			if ( ! empty( $field['optIn'] ) && 'checkbox' === $item['type'] ) {
				$item['optIn']   = true;
				$item['version'] = Versions::version( $item['label'], $locale, 'optin' );
			}
			$out[] = $item;
		}
		return $out;
	}

	/**
	 * The delete form's configuration (DeleteFormConfig in client/contract.ts).
	 *
	 * @return array
	 */
	public static function delete_form_config() {
		$strings = Widget_Strings::all();
		$keys    = array( 'deleteTitle', 'deleteIntro', 'deleteLabel', 'deleteButton', 'deleted', 'deleteNotFound', 'deleteKept', 'deleteLimited', 'error' );
		return array(
			'site'        => Settings::site_id(),
			'serviceHttp' => Settings::service_http(),
			'lang'        => determine_locale(),
			'strings'     => array_intersect_key( $strings, array_flip( $keys ) ),
		);
	}

	/**
	 * The page's CSP nonce, if the site uses one (filter consent_chat_csp_nonce).
	 *
	 * @return string
	 */
	public static function csp_nonce() {
		/**
		 * The nonce of the page's Content-Security-Policy, for our script and
		 * style tags and the ones the loader adds. Empty: no nonce.
		 *
		 * @param string $nonce Default ''.
		 */
		$nonce = (string) apply_filters( 'consent_chat_csp_nonce', '' );
		return preg_match( '/^[A-Za-z0-9+\/_=-]{1,128}$/', $nonce ) ? $nonce : '';
	}

	/**
	 * Adds the CSP nonce to our script tags (script_loader_tag).
	 *
	 * @param string $tag    The tag(s).
	 * @param string $handle Script handle.
	 * @return string
	 */
	public static function nonce_script_tag( $tag, $handle ) {
		return in_array( $handle, self::handles(), true ) ? self::add_nonce( $tag, 'script' ) : $tag;
	}

	/**
	 * Adds the CSP nonce to our style tags (style_loader_tag).
	 *
	 * @param string $tag    The tag.
	 * @param string $handle Style handle.
	 * @return string
	 */
	public static function nonce_style_tag( $tag, $handle ) {
		return in_array( $handle, self::handles(), true ) ? self::add_nonce( $tag, 'link' ) : $tag;
	}

	/**
	 * Our visitor-facing handles.
	 *
	 * @return string[]
	 */
	public static function handles() {
		return array( self::LOADER, self::DELETE, Consent::HANDLE );
	}

	/**
	 * Puts nonce="…" into every opening tag of the given name that has none.
	 *
	 * @param string $tag  HTML.
	 * @param string $name script|link|style.
	 * @return string
	 */
	private static function add_nonce( $tag, $name ) {
		$nonce = self::csp_nonce();
		if ( '' === $nonce ) {
			return $tag;
		}
		return (string) preg_replace( '/<' . $name . '\b(?![^>]*\snonce=)/i', '<' . $name . ' nonce="' . esc_attr( $nonce ) . '"', $tag );
	}

	/**
	 * The dependency/version file @wordpress/scripts writes beside a bundle.
	 *
	 * @param string $name Entry name, e.g. client/loader.
	 * @return array{dependencies: string[], version: string}
	 */
	private static function asset( $name ) {
		$file = CONSENT_CHAT_DIR . 'build/' . $name . '.asset.php';
		if ( is_readable( $file ) ) {
			return include $file;
		}
		return array(
			'dependencies' => array(),
			'version'      => CONSENT_CHAT_VERSION,
		);
	}

	/**
	 * Public for the agent page, which enqueues its own bundle.
	 *
	 * @param string $name Entry name.
	 * @return array{dependencies: string[], version: string}
	 */
	public static function asset_info( $name ) {
		return self::asset( $name );
	}
}
