<?php
/**
 * REST routes of the settings screen: read and save the settings, test the
 * connection to the chat service, and manage agents.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * One save route for all sections, so a submission is validated as a whole
 * and either saved completely or not at all. Who may change what:
 * administrators everything; privacy officers (capability
 * consent_chat_privacy) the privacy and consent texts, forms and the
 * retention period, and nothing else. The shared secret is write-only:
 * no answer ever contains it.
 */
class Settings_Rest {
	/** What a privacy officer may change in the texts of a language; the rest is appearance. */
	const OFFICER_TEXT_KEYS = array( 'privacy', 'consent', 'prechat', 'contact', 'banner' );

	/**
	 * Action rest_api_init.
	 */
	public static function register_routes() {
		register_rest_route(
			Rest::NAMESPACE,
			'/settings',
			array(
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( self::class, 'get' ),
					'permission_callback' => array( Rest::class, 'can_handle_privacy' ),
					'args'                => array(),
				),
				array(
					'methods'             => \WP_REST_Server::EDITABLE,
					'callback'            => array( self::class, 'save' ),
					'permission_callback' => array( Rest::class, 'can_handle_privacy' ),
					'args'                => array(
						'connection'  => array( 'type' => 'object' ),
						'storage'     => array( 'type' => 'object' ),
						'appearance'  => array( 'type' => 'object' ),
						'texts'       => array( 'type' => 'object' ),
						'departments' => array( 'type' => 'array' ),
						'sitewide'    => array( 'type' => 'boolean' ),
						'assistant'   => array( 'type' => 'object' ),
					),
				),
			)
		);
		register_rest_route(
			Rest::NAMESPACE,
			'/settings/test-connection',
			array(
				'methods'             => \WP_REST_Server::CREATABLE,
				'callback'            => array( Connection_Test::class, 'run' ),
				'permission_callback' => array( self::class, 'can_manage' ),
				'args'                => array(
					'serviceUrl' => array(
						'type'      => 'string',
						'maxLength' => 2000,
					),
					'siteId'     => array(
						'type'      => 'string',
						'maxLength' => 64,
					),
					'secret'     => array(
						'type'      => 'string',
						'maxLength' => 200,
					),
				),
			)
		);
	}

	/**
	 * Administrators only.
	 *
	 * @return bool|\WP_Error
	 */
	public static function can_manage() {
		if ( current_user_can( 'manage_options' ) ) {
			return true;
		}
		return new \WP_Error(
			'consent_chat_forbidden',
			__( 'Only administrators may change this.', 'consent-chat' ),
			array( 'status' => is_user_logged_in() ? 403 : 401 )
		);
	}

	/**
	 * Everything the screen shows, for what the current user may see.
	 *
	 * @return \WP_REST_Response
	 */
	public static function get() {
		return new \WP_REST_Response( self::data() );
	}

	/**
	 * The settings as the screen edits them.
	 *
	 * @return array
	 */
	public static function data() {
		$admin   = current_user_can( 'manage_options' );
		$texts   = get_option( Settings::TEXTS );
		$texts   = is_array( $texts ) && $texts ? $texts : Defaults::texts();
		$banners = array();
		foreach ( array_unique( array_merge( array_keys( $texts ), array( 'en_US', 'de_DE', get_locale() ) ) ) as $locale ) {
			$banners[ $locale ] = Defaults::banner( (string) $locale );
		}
		$data = array(
			'can'            => array(
				'manage'  => $admin,
				'privacy' => current_user_can( Roles::PRIVACY ),
			),
			'texts'          => (object) $texts,
			'storage'        => Settings::storage(),
			'bannerDefaults' => $banners,
			'versions'       => self::current_versions( $texts ),
			'siteLocale'     => get_locale(),
			'languages'      => self::language_choices(),
		);
		if ( $admin ) {
			$data['connection']  = array(
				'serviceUrl'     => (string) get_option( Settings::SERVICE_URL, '' ),
				'defaultUrl'     => Settings::default_service_url(),
				'siteId'         => Settings::site_id(),
				'secretSet'      => strlen( (string) get_option( Settings::SECRET, '' ) ) >= 32,
				'policySync'     => get_option( Service_Client::POLICY_SYNC, null ),
			);
			$data['appearance']  = Settings::appearance();
			$data['departments'] = Agents::departments();
			$data['sitewide']    = Sitewide::enabled();
			$data['assistant']   = Assistant::for_json( Assistant::get() );
			$data['assistantSync'] = get_option( Assistant::SYNC, null );
			$data['snippets']    = Consent::snippets();
			// What visitors of each language get, for the Appearance tab's preview; the screen lays the unsaved changes over it.
			$data['previews'] = array();
			foreach ( array_keys( $texts ) as $locale ) {
				$data['previews'][ $locale ] = Block_Editor::config_in( (string) $locale );
			}
			$data['previews'] = (object) $data['previews'];
		}
		return $data;
	}

	/**
	 * Locales to offer when adding a language: the site's and the installed ones.
	 *
	 * @return string[]
	 */
	private static function language_choices() {
		return array_values( array_unique( array_merge( array( 'en_US', get_locale() ), get_available_languages() ) ) );
	}

	/**
	 * The version of each language's consent text, as the history records it.
	 *
	 * @param array $texts Texts per locale.
	 * @return array<string, string>
	 */
	private static function current_versions( array $texts ) {
		$versions = array();
		foreach ( $texts as $locale => $lang ) {
			if ( is_array( $lang ) && ! empty( $lang['consent'] ) ) {
				$versions[ $locale ] = Versions::of( (string) $lang['consent'] );
			}
		}
		return (object) $versions;
	}

	/**
	 * Validates the whole submission, then saves it. Answers the settings as
	 * saved, plus warnings (e.g. the service could not be told the new policy).
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public static function save( \WP_REST_Request $request ) {
		$input = array_intersect_key( (array) $request->get_json_params(), array_flip( array( 'connection', 'storage', 'appearance', 'texts', 'departments', 'sitewide', 'assistant' ) ) );
		if ( ! $input ) {
			return new \WP_Error( 'consent_chat_invalid', __( 'Nothing to save: send at least one section.', 'consent-chat' ), array( 'status' => 400 ) );
		}
		$admin = current_user_can( 'manage_options' );
		if ( ! $admin ) {
			$forbidden = array_diff( array_keys( $input ), array( 'texts', 'storage' ) );
			if ( $forbidden || array_diff( array_keys( (array) ( $input['storage'] ?? array() ) ), array( 'retentionDays' ) ) ) {
				return new \WP_Error(
					'consent_chat_forbidden',
					__( 'Privacy officers may change the privacy and consent texts, the forms and how long chats are kept; the other settings are for administrators.', 'consent-chat' ),
					array( 'status' => 403 )
				);
			}
		}
		if ( isset( $input['texts'] ) ) {
			// A save changes only the languages and fields it sent and its sender may change; see merge_texts().
			// As data() shows them: never saved means the defaults.
			$saved_texts = get_option( Settings::TEXTS );
			$merged      = self::merge_texts( is_array( $saved_texts ) && $saved_texts ? $saved_texts : Defaults::texts(), $input['texts'], $admin );
			if ( is_wp_error( $merged ) ) {
				return $merged;
			}
			$input['texts'] = $merged;
		}
		$errors = Settings_Validator::errors( $input );
		if ( $errors ) {
			return new \WP_Error(
				'consent_chat_invalid',
				_n( 'Nothing was saved: one setting needs correcting.', 'Nothing was saved: some settings need correcting.', count( $errors ), 'consent-chat' ),
				array(
					'status' => 400,
					'errors' => $errors,
				)
			);
		}

		if ( isset( $input['connection'] ) ) {
			$c = $input['connection'];
			if ( array_key_exists( 'serviceUrl', $c ) ) {
				update_option( Settings::SERVICE_URL, trim( (string) $c['serviceUrl'] ) );
			}
			if ( isset( $c['siteId'] ) ) {
				update_option( Settings::SITE_ID, (string) $c['siteId'] );
			}
			if ( ! empty( $c['secret'] ) ) {
				update_option( Settings::SECRET, (string) $c['secret'], false );
			}
		}
		if ( isset( $input['storage'] ) ) {
			update_option( Settings::STORAGE, array_merge( Settings::storage(), $input['storage'] ) );
		}
		if ( isset( $input['appearance'] ) ) {
			update_option( Settings::APPEARANCE, array_merge( Settings::appearance(), $input['appearance'] ) );
		}
		if ( isset( $input['texts'] ) ) {
			update_option( Settings::TEXTS, $input['texts'] );
		}
		if ( isset( $input['departments'] ) ) {
			update_option( Agents::DEPARTMENTS, $input['departments'] );
		}
		if ( isset( $input['sitewide'] ) ) {
			update_option( Sitewide::OPTION, (bool) $input['sitewide'] );
		}
		if ( isset( $input['assistant'] ) ) {
			update_option( Assistant::OPTION, Assistant::clean( $input['assistant'] ) );
		}

		$warnings = array();
		$pushed   = Service_Client::flush_policy();
		if ( is_wp_error( $pushed ) ) {
			$warnings[] = sprintf(
				/* translators: %s: why the service could not be reached. */
				__( 'Saved. But the chat service has not been told the new storage settings yet, so it still applies the old ones: %s', 'consent-chat' ),
				$pushed->get_error_message()
			);
		}
		$told = Assistant::flush();
		if ( is_wp_error( $told ) ) {
			$sync       = get_option( Assistant::SYNC );
			$warnings[] = sprintf(
				/* translators: 1: why the service refused or could not be reached, 2: the field it names (may be empty). */
				__( 'Saved. But the chat service has not taken the assistant’s new answers, so it still uses the old ones: %1$s %2$s', 'consent-chat' ),
				$told->get_error_message(),
				is_array( $sync ) && '' !== $sync['path'] ? '(' . $sync['path'] . ')' : ''
			);
		}
		return new \WP_REST_Response( array_merge( self::data(), array( 'warnings' => $warnings ) ) );
	}

	/**
	 * The stored texts with a submission laid over them. The screen shows
	 * each user only some of the texts (a privacy officer never sees the
	 * greeting or home screen as editable), and two people may save at
	 * once, so a submission is a change, not a replacement:
	 *
	 * - a language that was not sent stays as stored;
	 * - a language sent as null is removed (the only way to remove one);
	 * - in a language that was sent, each field sent replaces the stored
	 *   one (`privacy` per sub-field, since its mode, text and link are
	 *   edited one by one); fields not sent stay as stored;
	 * - fields the sender may not change (a privacy officer: greeting and
	 *   home) keep their stored value whatever was sent for them.
	 *
	 * A privacy officer may not remove a language that has a greeting or a
	 * home screen: that would delete texts only administrators may change.
	 *
	 * The result is validated as a whole afterwards, like any submission.
	 *
	 * @param array $saved Stored texts per locale.
	 * @param mixed $sent  Submitted: locale => (partial) texts, or null to remove it.
	 * @param bool  $admin Whether the sender may change every field.
	 * @return mixed The texts to save (anything malformed is passed on for the validator to name), or a 403 error.
	 */
	public static function merge_texts( array $saved, $sent, $admin ) {
		if ( ! is_array( $sent ) || ( $sent && array_keys( $sent ) === range( 0, count( $sent ) - 1 ) ) ) {
			return $sent;
		}
		$texts = $saved;
		foreach ( $sent as $locale => $lang ) {
			$stored = isset( $saved[ $locale ] ) && is_array( $saved[ $locale ] ) ? $saved[ $locale ] : null;
			if ( null === $lang ) {
				if ( ! $admin && $stored && ( ! empty( $stored['greeting'] ) || ! empty( $stored['home'] ) ) ) {
					return new \WP_Error(
						'consent_chat_forbidden',
						/* translators: %s: a locale, e.g. de_DE. */
						sprintf( __( 'The language %s also has a greeting or home screen, which only administrators may change; ask an administrator to remove it.', 'consent-chat' ), (string) $locale ),
						array( 'status' => 403 )
					);
				}
				unset( $texts[ $locale ] );
				continue;
			}
			if ( ! is_array( $lang ) ) {
				$texts[ $locale ] = $lang;
				continue;
			}
			if ( ! $admin ) {
				$lang = array_intersect_key( $lang, array_flip( self::OFFICER_TEXT_KEYS ) );
			}
			$merged = $stored ?? array();
			foreach ( $lang as $key => $value ) {
				$merged[ $key ] = 'privacy' === $key && is_array( $value ) && isset( $merged['privacy'] ) && is_array( $merged['privacy'] )
					? array_merge( $merged['privacy'], $value )
					: $value;
			}
			if ( ! $admin && null === $stored ) {
				// A language an officer adds has no greeting or home screen until an administrator writes one.
				$merged['greeting'] = null;
				$merged['home']     = null;
			}
			$texts[ $locale ] = $merged;
		}
		return $texts;
	}
}
