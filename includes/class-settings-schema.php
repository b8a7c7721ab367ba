<?php
/**
 * The JSON Schemas of the structured settings (texts, storage, appearance).
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * One definition of each option's shape: WordPress validates
 * /wp/v2/settings and every other way in against it (Settings::structured,
 * Settings::sanitize_structured), and Settings_Validator names a problem by
 * its field with it.
 */
class Settings_Schema {
	/**
	 * A form field as stored (labels in the language of its entry).
	 *
	 * @return array
	 */
	private static function field() {
		return array(
			'type'                 => 'object',
			'additionalProperties' => false,
			'properties'           => array(
				'id'       => array(
					'type'     => 'string',
					'pattern'  => '^[a-z][a-z0-9_-]{0,39}$',
					'required' => true,
				),
				'type'     => array(
					'type'     => 'string',
					'enum'     => array( 'text', 'email', 'textarea', 'checkbox' ),
					'required' => true,
				),
				'label'    => array(
					'type'      => 'string',
					'minLength' => 1,
					'maxLength' => 1000,
					'required'  => true,
				),
				'required' => array(
					'type'    => 'boolean',
					'default' => false,
				),
				// An opt-in checkbox: its label is versioned and kept as proof.
				'optIn'    => array(
					'type'    => 'boolean',
					'default' => false,
				),
			),
		);
	}

	/**
	 * One language's texts.
	 *
	 * @return array
	 */
	private static function language() {
		$fields = array(
			'type'     => 'array',
			'maxItems' => 20,
			'items'    => self::field(),
		);
		return array(
			'type'                 => 'object',
			'additionalProperties' => false,
			'properties'           => array(
				'privacy'  => array(
					'type'                 => 'object',
					'additionalProperties' => false,
					'required'             => true,
					'properties'           => array(
						'mode'   => array(
							'type'     => 'string',
							'enum'     => array( 'text', 'url', 'none' ),
							'required' => true,
						),
						// Markdown, shown in the flyout for mode "text".
						'text'   => array(
							'type'      => 'string',
							'maxLength' => 20000,
							'default'   => '',
						),
						// The privacy page for mode "url": http(s) only.
						'url'    => array(
							'type'      => 'string',
							'pattern'   => '^(https?://[^\\s<>"]+)?$',
							'maxLength' => 2000,
							'default'   => '',
						),
						'inChat' => array(
							'type'    => 'boolean',
							'default' => true,
						),
					),
				),
				// Empty: no consent checkbox.
				'consent'  => array(
					'type'      => 'string',
					'maxLength' => 2000,
					'default'   => '',
				),
				'prechat'  => $fields,
				'contact'  => $fields,
				'greeting' => array(
					'type'                 => array( 'object', 'null' ),
					'additionalProperties' => false,
					'default'              => null,
					'properties'           => array(
						'text'  => array(
							'type'      => 'string',
							'minLength' => 1,
							'maxLength' => 500,
							'required'  => true,
						),
						'delay' => array(
							'type'     => 'integer',
							'minimum'  => 0,
							'maximum'  => 3600,
							'required' => true,
						),
					),
				),
				'banner'   => self::banner(),
				'home'     => array(
					'type'                 => array( 'object', 'null' ),
					'additionalProperties' => false,
					'default'              => null,
					'properties'           => array(
						'welcome'     => array(
							'type'      => 'string',
							'minLength' => 1,
							'maxLength' => 2000,
							'required'  => true,
						),
						'suggestions' => array(
							'type'     => 'array',
							'maxItems' => 8,
							'items'    => array(
								'type'      => 'string',
								'minLength' => 1,
								'maxLength' => 200,
							),
							'default'  => array(),
						),
					),
				),
			),
		);
	}

	/**
	 * The cookie banner's texts (chat tracking) in one language; null: the
	 * built-in ones. Changing any of them raises the consent revision, so
	 * visitors are asked again (see Consent::on_texts_saved()).
	 *
	 * @return array
	 */
	private static function banner() {
		$properties = array();
		foreach ( array_keys( Defaults::banner( 'en_US' ) ) as $key ) {
			$properties[ $key ] = array(
				'type'      => 'string',
				'minLength' => 1,
				'maxLength' => in_array( $key, array( 'description', 'categoryDescription', 'gpc' ), true ) ? 2000 : 200,
				'required'  => true,
			);
		}
		return array(
			'type'                 => array( 'object', 'null' ),
			'additionalProperties' => false,
			'default'              => null,
			'properties'           => $properties,
		);
	}

	/**
	 * Texts per locale, e.g. { "en_US": {…}, "de_DE": {…} }.
	 *
	 * @return array
	 */
	public static function texts() {
		return array(
			'type'                 => 'object',
			'additionalProperties' => false,
			'maxProperties'        => 50,
			'patternProperties'    => array(
				'^[a-z]{2,3}(_[A-Z]{2})?(_[a-z0-9]+)?$' => self::language(),
			),
		);
	}

	/**
	 * Storage choice and retention.
	 *
	 * @return array
	 */
	public static function storage() {
		return array(
			'type'                 => 'object',
			'additionalProperties' => false,
			'properties'           => array(
				'defaultMode'    => array(
					'type'     => 'string',
					'enum'     => array( 'stored', 'ephemeral' ),
					'required' => true,
				),
				'visitorChooses' => array(
					'type'     => 'boolean',
					'required' => true,
				),
				'retentionDays'  => array(
					'type'     => 'integer',
					'minimum'  => Settings::RETENTION_MIN_DAYS,
					'maximum'  => Settings::RETENTION_MAX_DAYS,
					'required' => true,
				),
			),
		);
	}

	/**
	 * Accent and launcher position.
	 *
	 * @return array
	 */
	public static function appearance() {
		return array(
			'type'                 => 'object',
			'additionalProperties' => false,
			'properties'           => array(
				'accent'   => array(
					'type'     => 'string',
					'pattern'  => '^#[0-9a-fA-F]{6}$',
					'required' => true,
				),
				'position' => array(
					'type'     => 'string',
					'enum'     => array( 'right', 'left' ),
					'required' => true,
				),
			),
		);
	}
}
