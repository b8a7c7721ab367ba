<?php
/**
 * Checks a settings submission and says, per field, what is wrong in words
 * an admin or privacy officer understands.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * The settings screen shows each error next to its field, so every error
 * names the field by a path (`texts.de_DE.privacy.url`) that the screen's
 * inputs use as their key. The options' JSON schemas stay the final word:
 * whatever passes here is checked against them again before saving, and a
 * schema error is reported too (with a generic path) rather than lost.
 */
class Settings_Validator {
	/**
	 * Errors found so far.
	 *
	 * @var array<int, array{field: string, message: string}>
	 */
	private $errors = array();

	/**
	 * All errors of a submission (the sections present in it).
	 *
	 * @param array $input Sections: connection, storage, appearance, texts, departments, sitewide.
	 * @return array<int, array{field: string, message: string}>
	 */
	public static function errors( array $input ) {
		$v = new self();
		if ( isset( $input['connection'] ) ) {
			$v->connection( $input['connection'] );
		}
		if ( isset( $input['storage'] ) ) {
			$v->storage( $input['storage'] );
		}
		if ( isset( $input['appearance'] ) ) {
			$v->appearance( $input['appearance'] );
		}
		if ( isset( $input['texts'] ) ) {
			$v->texts( $input['texts'] );
		}
		if ( isset( $input['departments'] ) ) {
			$v->departments( $input['departments'] );
		}
		if ( isset( $input['assistant'] ) ) {
			// Checked whole, schema included, by its own validator; the paths go under `assistant.`.
			$v->errors = array_merge( $v->errors, Assistant_Validator::errors( $input['assistant'], 'assistant.', is_array( $input['departments'] ?? null ) ? $input['departments'] : null ) );
		}
		if ( isset( $input['sitewide'] ) && ! is_bool( $input['sitewide'] ) ) {
			$v->add( 'sitewide', __( 'The site-wide launcher is either on or off.', 'consent-chat' ) );
		}
		if ( ! $v->errors ) {
			$v->schemas( $input );
		}
		return $v->errors;
	}

	/**
	 * Records an error.
	 *
	 * @param string $field   Path of the field.
	 * @param string $message What is wrong and how to fix it.
	 */
	private function add( $field, $message ) {
		$this->errors[] = array(
			'field'   => $field,
			'message' => $message,
		);
	}

	/**
	 * Whether a value is a non-empty string after trimming.
	 *
	 * @param mixed $value Value.
	 * @return bool
	 */
	private static function filled( $value ) {
		return is_string( $value ) && '' !== trim( $value );
	}

	/**
	 * Service URL, site id, shared secret.
	 *
	 * @param mixed $c Connection section.
	 */
	private function connection( $c ) {
		if ( ! is_array( $c ) ) {
			$this->add( 'connection', __( 'The connection settings are malformed.', 'consent-chat' ) );
			return;
		}
		$url = isset( $c['serviceUrl'] ) ? trim( (string) $c['serviceUrl'] ) : '';
		if ( '' !== $url && ( ! preg_match( '~^wss?://[^\s/?#]+(/\S*)?$~', $url ) || '' === esc_url_raw( $url, array( 'ws', 'wss' ) ) ) ) {
			$this->add( 'connection.serviceUrl', __( 'Enter the chat service’s WebSocket address, starting with wss:// (or ws:// on this machine), e.g. wss://chat.example.org/ws. Leave it empty to use port 8787 of this site’s host.', 'consent-chat' ) );
		}
		if ( isset( $c['siteId'] ) && ! preg_match( '/^[a-z0-9_-]{1,64}$/', (string) $c['siteId'] ) ) {
			$this->add( 'connection.siteId', __( 'The site id uses lowercase letters, digits, - and _ (at most 64), and must match the id the chat service knows this site by.', 'consent-chat' ) );
		}
		if ( isset( $c['secret'] ) && '' !== $c['secret'] && ( ! is_string( $c['secret'] ) || strlen( $c['secret'] ) < 32 || strlen( $c['secret'] ) > 200 || preg_match( '/\s/', $c['secret'] ) ) ) {
			$this->add( 'connection.secret', __( 'The shared secret must be 32 to 200 characters without spaces, exactly as configured at the chat service.', 'consent-chat' ) );
		}
	}

	/**
	 * Default mode, visitor's choice, retention.
	 *
	 * @param mixed $s Storage section.
	 */
	private function storage( $s ) {
		if ( ! is_array( $s ) ) {
			$this->add( 'storage', __( 'The storage settings are malformed.', 'consent-chat' ) );
			return;
		}
		if ( isset( $s['defaultMode'] ) && ! in_array( $s['defaultMode'], array( 'stored', 'ephemeral' ), true ) ) {
			$this->add( 'storage.defaultMode', __( 'Choose whether chats are stored or not stored by default.', 'consent-chat' ) );
		}
		if ( isset( $s['retentionDays'] ) && ( ! is_int( $s['retentionDays'] ) || $s['retentionDays'] < Settings::RETENTION_MIN_DAYS || $s['retentionDays'] > Settings::RETENTION_MAX_DAYS ) ) {
			$this->add(
				'storage.retentionDays',
				/* translators: 1: fewest days, 2: most days. */
				sprintf( __( 'Keep stored chats for a whole number of days from %1$d to %2$d.', 'consent-chat' ), Settings::RETENTION_MIN_DAYS, Settings::RETENTION_MAX_DAYS )
			);
		}
	}

	/**
	 * Accent and position.
	 *
	 * @param mixed $a Appearance section.
	 */
	private function appearance( $a ) {
		if ( ! is_array( $a ) ) {
			$this->add( 'appearance', __( 'The appearance settings are malformed.', 'consent-chat' ) );
			return;
		}
		if ( isset( $a['accent'] ) && ! preg_match( '/^#[0-9a-fA-F]{6}$/', (string) $a['accent'] ) ) {
			$this->add( 'appearance.accent', __( 'Enter the colour as #rrggbb, e.g. #1d4ed8.', 'consent-chat' ) );
		}
		if ( isset( $a['position'] ) && ! in_array( $a['position'], array( 'left', 'right' ), true ) ) {
			$this->add( 'appearance.position', __( 'The launcher sits in the left or the right corner.', 'consent-chat' ) );
		}
	}

	/**
	 * Per-language texts.
	 *
	 * @param mixed $texts Locale => texts.
	 */
	private function texts( $texts ) {
		if ( ! is_array( $texts ) || ( $texts && array_keys( $texts ) === range( 0, count( $texts ) - 1 ) ) ) {
			$this->add( 'texts', __( 'The texts are malformed: expected one entry per language.', 'consent-chat' ) );
			return;
		}
		if ( ! $texts ) {
			$this->add( 'texts', __( 'Keep at least one language.', 'consent-chat' ) );
			return;
		}
		foreach ( $texts as $locale => $lang ) {
			$at = 'texts.' . $locale;
			if ( ! preg_match( '/^[a-z]{2,3}(_[A-Z]{2})?(_[a-z0-9]+)?$/', (string) $locale ) ) {
				/* translators: %s: what was entered. */
				$this->add( $at, sprintf( __( '“%s” is not a language code. Use WordPress’s codes, e.g. en_US or de_DE.', 'consent-chat' ), (string) $locale ) );
				continue;
			}
			if ( ! is_array( $lang ) ) {
				$this->add( $at, __( 'The texts of this language are malformed.', 'consent-chat' ) );
				continue;
			}
			$this->privacy( $at . '.privacy', $lang['privacy'] ?? null );
			if ( isset( $lang['consent'] ) && ! is_string( $lang['consent'] ) ) {
				$this->add( $at . '.consent', __( 'The consent text must be text.', 'consent-chat' ) );
			}
			foreach ( array( 'prechat', 'contact' ) as $form ) {
				$this->fields( $at . '.' . $form, $lang[ $form ] ?? array() );
			}
			if ( ! empty( $lang['greeting'] ) ) {
				if ( ! self::filled( $lang['greeting']['text'] ?? null ) ) {
					$this->add( $at . '.greeting.text', __( 'Write the greeting, or switch the greeting off.', 'consent-chat' ) );
				}
				$delay = $lang['greeting']['delay'] ?? null;
				if ( ! is_int( $delay ) || $delay < 0 || $delay > 3600 ) {
					$this->add( $at . '.greeting.delay', __( 'Show the greeting after 0 to 3600 seconds.', 'consent-chat' ) );
				}
			}
			if ( ! empty( $lang['home'] ) ) {
				if ( ! self::filled( $lang['home']['welcome'] ?? null ) ) {
					$this->add( $at . '.home.welcome', __( 'Write the welcome text, or switch the home screen off.', 'consent-chat' ) );
				}
				foreach ( (array) ( $lang['home']['suggestions'] ?? array() ) as $i => $suggestion ) {
					if ( ! self::filled( $suggestion ) ) {
						$this->add( $at . '.home.suggestions.' . $i, __( 'Write the suggestion, or remove it.', 'consent-chat' ) );
					}
				}
			}
			if ( ! empty( $lang['banner'] ) ) {
				foreach ( (array) $lang['banner'] as $key => $text ) {
					if ( ! self::filled( $text ) ) {
						$this->add( $at . '.banner.' . $key, __( 'This cookie banner text is required.', 'consent-chat' ) );
					}
				}
			}
		}
	}

	/**
	 * Privacy information of one language.
	 *
	 * @param string $at      Path.
	 * @param mixed  $privacy Privacy section.
	 */
	private function privacy( $at, $privacy ) {
		if ( ! is_array( $privacy ) ) {
			$this->add( $at, __( 'Choose how the privacy information is shown.', 'consent-chat' ) );
			return;
		}
		$mode = $privacy['mode'] ?? '';
		if ( 'text' === $mode && ! self::filled( $privacy['text'] ?? null ) ) {
			$this->add( $at . '.text', __( 'Write the privacy information, or choose to link to your privacy page instead.', 'consent-chat' ) );
		}
		if ( 'url' === $mode ) {
			$url = trim( (string) ( $privacy['url'] ?? '' ) );
			if ( ! preg_match( '#^https?://[^\s<>"]+$#', $url ) || '' === esc_url_raw( $url, array( 'http', 'https' ) ) ) {
				$this->add( $at . '.url', __( 'Enter the full address of your privacy page, starting with https://.', 'consent-chat' ) );
			}
		}
	}

	/**
	 * A form's fields.
	 *
	 * @param string $at     Path.
	 * @param mixed  $fields Field list.
	 */
	private function fields( $at, $fields ) {
		if ( ! is_array( $fields ) || ( $fields && array_keys( $fields ) !== range( 0, count( $fields ) - 1 ) ) ) {
			$this->add( $at, __( 'The field list is malformed.', 'consent-chat' ) );
			return;
		}
		$seen = array();
		foreach ( $fields as $i => $field ) {
			$fat = $at . '.' . $i;
			if ( ! is_array( $field ) ) {
				$this->add( $fat, __( 'This field is malformed.', 'consent-chat' ) );
				continue;
			}
			$id = $field['id'] ?? '';
			if ( ! is_string( $id ) || ! preg_match( '/^[a-z][a-z0-9_-]{0,39}$/', $id ) ) {
				$this->add( $fat . '.id', __( 'The field’s id starts with a lowercase letter and uses only a–z, 0–9, - and _ (at most 40).', 'consent-chat' ) );
			} elseif ( isset( $seen[ $id ] ) ) {
				/* translators: %s: a field id. */
				$this->add( $fat . '.id', sprintf( __( 'Another field already has the id “%s”.', 'consent-chat' ), $id ) );
			}
			$seen[ $id ] = true;
			if ( ! in_array( $field['type'] ?? '', array( 'text', 'email', 'textarea', 'checkbox' ), true ) ) {
				$this->add( $fat . '.type', __( 'Choose the field’s type.', 'consent-chat' ) );
			}
			if ( ! self::filled( $field['label'] ?? null ) ) {
				$this->add( $fat . '.label', __( 'Every field needs a label.', 'consent-chat' ) );
			}
			if ( ! empty( $field['optIn'] ) && 'checkbox' !== ( $field['type'] ?? '' ) ) {
				$this->add( $fat . '.optIn', __( 'Only a checkbox can be an opt-in.', 'consent-chat' ) );
			}
		}
	}

	/**
	 * Departments.
	 *
	 * @param mixed $depts List.
	 */
	private function departments( $depts ) {
		if ( ! is_array( $depts ) || ( $depts && array_keys( $depts ) !== range( 0, count( $depts ) - 1 ) ) ) {
			$this->add( 'departments', __( 'The department list is malformed.', 'consent-chat' ) );
			return;
		}
		$seen = array();
		foreach ( $depts as $i => $dept ) {
			$id = is_array( $dept ) ? ( $dept['id'] ?? '' ) : '';
			if ( ! is_string( $id ) || ! preg_match( '/' . Agents::ID_PATTERN . '/', $id ) ) {
				$this->add( 'departments.' . $i . '.id', __( 'The id uses only letters, digits, - and _ (at most 64); links and blocks route by it.', 'consent-chat' ) );
			} elseif ( isset( $seen[ $id ] ) ) {
				/* translators: %s: a department id. */
				$this->add( 'departments.' . $i . '.id', sprintf( __( 'Another department already has the id “%s”.', 'consent-chat' ), $id ) );
			}
			$seen[ $id ] = true;
			if ( ! is_array( $dept ) || ! self::filled( $dept['name'] ?? null ) ) {
				$this->add( 'departments.' . $i . '.name', __( 'Give the department a name.', 'consent-chat' ) );
			}
		}
	}

	/**
	 * The options' own schemas, for everything the rules above do not name
	 * (lengths, unknown keys, types).
	 *
	 * @param array $input Sections.
	 */
	private function schemas( array $input ) {
		$map = array(
			'texts'       => array( Settings::TEXTS, Settings_Schema::texts() ),
			'appearance'  => array( Settings::APPEARANCE, Settings_Schema::appearance() ),
			'storage'     => array( Settings::STORAGE, Settings_Schema::storage() ),
			'departments' => array( Agents::DEPARTMENTS, Agents::departments_schema() ),
		);
		foreach ( $map as $section => list( $name, $schema ) ) {
			if ( ! isset( $input[ $section ] ) ) {
				continue;
			}
			$value = 'storage' === $section ? array_merge( Settings::storage(), (array) $input['storage'] ) : $input[ $section ];
			$valid = rest_validate_value_from_schema( $value, rest_default_additional_properties_to_false( $schema ), $section );
			if ( is_wp_error( $valid ) ) {
				$this->add( self::path_of( $valid->get_error_message(), $section ), $valid->get_error_message() );
			}
		}
	}

	/**
	 * The field a schema error is about: WordPress names it as
	 * `section[a][b]` in its message; as a path that is `section.a.b`.
	 *
	 * @param string $message WordPress's message.
	 * @param string $section Fallback.
	 * @return string
	 */
	private static function path_of( $message, $section ) {
		if ( preg_match( '/\b' . preg_quote( $section, '/' ) . '((?:\[[^\]\s]*\])+)/', $message, $m ) ) {
			return $section . str_replace( array( '][', '[', ']' ), array( '.', '.', '' ), $m[1] );
		}
		return $section;
	}
}
