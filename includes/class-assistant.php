<?php
/**
 * The built-in assistant's settings and content (answers and dialogs per
 * language): one option, and telling the service.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * The option `consent_chat_assistant` holds exactly the body of the
 * service's `PUT /admin/assistant`, { settings, content } (its one
 * definition: server/assistant/settings.ts), since the two travel together
 * so a node never runs one site's settings with another version of its
 * answers. Its JSON Schema is generated from that definition at build time
 * (scripts/build-assistant-schema.mjs); the rules a schema cannot express
 * (texts not just spaces, unique ids, options that lead somewhere) are
 * Assistant_Validator's. Administrators only: privacy officers neither see
 * nor change it (Settings_Rest).
 */
class Assistant {
	const OPTION = 'consent_chat_assistant';

	/** Option: the outcome of the last push { ok, message, path, time }, shown on the Assistant tab. */
	const SYNC = 'consent_chat_assistant_sync';

	/** The generated schema, relative to the plugin. */
	const SCHEMA_FILE = 'build/admin/assistant-schema.json';

	/**
	 * Whether the option (or the connection) changed in this request and the
	 * service has not been told yet.
	 *
	 * @var bool
	 */
	private static $dirty = false;

	/**
	 * The schema, read once per request.
	 *
	 * @var array|null
	 */
	private static $schema = null;

	/**
	 * The JSON Schema of the option. Without the build there is none, and
	 * nothing is accepted (rather than anything).
	 *
	 * @return array|null
	 */
	public static function schema() {
		if ( null === self::$schema ) {
			$file   = CONSENT_CHAT_DIR . self::SCHEMA_FILE;
			$schema = is_readable( $file ) ? json_decode( (string) file_get_contents( $file ), true ) : null; // phpcs:ignore WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents -- a local file of the plugin.
			self::$schema = is_array( $schema ) ? $schema : null;
		}
		return self::$schema;
	}

	/**
	 * What a site has before anyone wrote answers: the assistant off.
	 *
	 * @return array
	 */
	public static function defaults() {
		return array(
			'settings' => array(
				'mode'          => 'off',
				'departments'   => array(),
				'handoverAfter' => 2,
			),
			'content'  => array( 'locales' => array() ),
		);
	}

	/**
	 * Action init: a registered setting like the others, so /wp/v2/settings
	 * (administrators) validates it against the same schema.
	 */
	public static function register() {
		$schema = self::schema();
		register_setting(
			Settings::GROUP,
			self::OPTION,
			array(
				'type'              => 'object',
				'description'       => __( 'The built-in assistant: when it answers, and its answers and dialogs per language.', 'consent-chat' ),
				'default'           => self::defaults(),
				'show_in_rest'      => $schema ? array( 'schema' => $schema ) : false,
				'sanitize_callback' => array( self::class, 'sanitize' ),
			)
		);
	}

	/**
	 * The stored value, complete (settings' defaults filled in).
	 *
	 * @return array{settings: array, content: array}
	 */
	public static function get() {
		$value    = get_option( self::OPTION );
		$value    = is_array( $value ) ? $value : array();
		$defaults = self::defaults();
		return array(
			'settings' => array_merge( $defaults['settings'], (array) ( $value['settings'] ?? array() ) ),
			'content'  => array( 'locales' => (array) ( $value['content']['locales'] ?? array() ) ),
		);
	}

	/**
	 * The value as JSON wants it: PHP's empty arrays are objects where the
	 * schema says object (an empty `locales` or `departments`).
	 *
	 * @param array $value { settings, content }.
	 * @return array
	 */
	public static function for_json( array $value ) {
		$value['settings']['departments'] = (object) ( $value['settings']['departments'] ?? array() );
		$value['content']['locales']      = (object) ( $value['content']['locales'] ?? array() );
		return $value;
	}

	/**
	 * The sanitize_callback: the same rules as the settings screen's save,
	 * for every other way in (/wp/v2/settings, update_option, WP-CLI); a
	 * refused value is refused whole and the stored one stays.
	 *
	 * @param mixed $value Submitted value.
	 * @return array
	 */
	public static function sanitize( $value ) {
		if ( is_object( $value ) ) {
			$value = json_decode( (string) wp_json_encode( $value ), true );
		}
		$errors = Assistant_Validator::errors( $value );
		if ( $errors ) {
			$message = $errors[0]['field'] . ': ' . $errors[0]['message'];
			if ( function_exists( 'add_settings_error' ) ) {
				add_settings_error( self::OPTION, 'invalid', $message );
			} else {
				_doing_it_wrong( esc_html( 'update_option( ' . self::OPTION . ' )' ), esc_html( $message ), '0.1.0' );
			}
			$old = get_option( self::OPTION );
			return is_array( $old ) ? $old : self::defaults();
		}
		return self::clean( $value );
	}

	/**
	 * A valid value as stored: texts trimmed (as the service reads them) and
	 * kept as typed, never as HTML (the widget renders answers as safe Markdown).
	 *
	 * @param array $value Valid value.
	 * @return array
	 */
	public static function clean( array $value ) {
		$defaults = self::defaults();
		$settings = array_merge( $defaults['settings'], (array) ( $value['settings'] ?? array() ) );
		$locales  = array();
		foreach ( (array) ( $value['content']['locales'] ?? array() ) as $locale => $lang ) {
			$lang['dialogs']    = $lang['dialogs'] ?? array();
			$locales[ $locale ] = self::trim_texts( $lang );
		}
		$clean = array(
			'mode'          => (string) $settings['mode'],
			'departments'   => (array) $settings['departments'],
			'handoverAfter' => (int) $settings['handoverAfter'],
		);
		if ( isset( $settings['bot'] ) && is_array( $settings['bot'] ) ) {
			$clean['bot'] = array(
				'url'            => trim( (string) $settings['bot']['url'] ),
				'name'           => trim( (string) $settings['bot']['name'] ),
				'secret'         => (string) $settings['bot']['secret'],
				'timeoutSeconds' => (int) ( $settings['bot']['timeoutSeconds'] ?? 8 ),
			);
		}
		return array(
			'settings' => $clean,
			'content'  => array( 'locales' => $locales ),
		);
	}

	/**
	 * The name of the site's own bot while it may answer visitors (it is
	 * configured and the assistant is not off for the site and every
	 * department); '' otherwise. What the privacy texts name.
	 *
	 * @return string
	 */
	public static function bot_name() {
		$settings = self::get()['settings'];
		if ( empty( $settings['bot']['name'] ) ) {
			return '';
		}
		$modes = array_merge( array( $settings['mode'] ), array_values( (array) $settings['departments'] ) );
		return array_diff( $modes, array( 'off' ) ) ? (string) $settings['bot']['name'] : '';
	}

	/**
	 * The one sentence the privacy texts carry while the site's own bot is on
	 * (the chat's privacy flyout and the suggested privacy policy); '' while
	 * it is off. Plain text: the flyout renders it as safe Markdown, the
	 * policy escapes it.
	 *
	 * @return string
	 */
	public static function bot_disclosure() {
		$name = self::bot_name();
		return '' === $name ? '' : sprintf(
			/* translators: %s: the name of the automated service (bot) the site uses. */
			__( 'Messages you write in this chat may be answered by %s, an automated service this site uses: what you write in the chat, the chat’s language and whether it is stored are sent to that service.', 'consent-chat' ),
			$name
		);
	}

	/**
	 * Every string of a locale's content, trimmed.
	 *
	 * @param mixed $node Part of the content.
	 * @return mixed
	 */
	private static function trim_texts( $node ) {
		if ( is_string( $node ) ) {
			return trim( $node );
		}
		return is_array( $node ) ? array_map( array( self::class, 'trim_texts' ), $node ) : $node;
	}

	/**
	 * Hooked to the option (and the connection) changing, however it
	 * changes: the service is told once, at the end of the request, unless
	 * flush() ran earlier.
	 */
	public static function changed() {
		if ( ! self::$dirty ) {
			self::$dirty = true;
			add_action( 'shutdown', array( self::class, 'flush' ) );
		}
	}

	/**
	 * The connection changed: the service there needs the assistant too,
	 * unless the site has it as a service starts (off, no answers), which
	 * a service that has never heard of the site applies anyway.
	 */
	public static function connection_changed() {
		if ( self::get() != self::defaults() ) { // phpcs:ignore Universal.Operators.StrictComparisons -- same content, whatever the stored order of keys.
			self::changed();
		}
	}

	/**
	 * Tells the service now, if anything changed in this request.
	 *
	 * @return array|\WP_Error|null The service's answer, the error, or null if nothing changed.
	 */
	public static function flush() {
		if ( ! self::$dirty ) {
			return null;
		}
		self::$dirty = false;
		return self::push();
	}

	/**
	 * `PUT /admin/assistant` with { settings, content }. A refusal (400)
	 * names the field at fault by its path under the body; that path is
	 * kept with the outcome so the screen can point at it.
	 *
	 * @return array|\WP_Error
	 */
	public static function push() {
		$result = Service_Client::request( 'PUT', '/admin/assistant', self::for_json( self::get() ) );
		$body   = is_wp_error( $result ) ? (array) ( $result->get_error_data()['body'] ?? array() ) : array();
		update_option(
			self::SYNC,
			array(
				'ok'      => ! is_wp_error( $result ),
				'message' => is_wp_error( $result ) ? $result->get_error_message() : '',
				'path'    => isset( $body['path'] ) && is_string( $body['path'] ) ? $body['path'] : '',
				'time'    => time(),
			),
			false
		);
		return $result;
	}
}
