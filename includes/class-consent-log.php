<?php
/**
 * Proof of consent: every decision a visitor makes in the chat's cookie
 * banner (accept, reject, change), one row each, in a table of its own.
 *
 * A custom table rather than a post type: the log is append-only, grows by
 * one small fixed-shape row per decision, is read as a whole (a list and a
 * CSV export) and must never appear in searches, feeds, the editor or the
 * REST posts endpoints; posts would carry authors, revisions, meta rows and
 * caches it does not need. It is created with dbDelta on activation and
 * whenever its schema version changes.
 *
 * Each row: the banner's consent id (a random UUID the visitor's browser
 * made), the revision, the server's time, the action, the categories and
 * services accepted, the version of the banner texts shown, the language
 * and whether the browser sent Global Privacy Control. Never an IP address
 * (the public route's limits count addresses without writing them; see
 * Consent_Log_Limits).
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * Table {prefix}consent_chat_consent_log and its REST routes.
 */
class Consent_Log {
	const DB_VERSION_OPTION = 'consent_chat_consent_log_db';
	const DB_VERSION        = '1';
	/** Largest request body the public route reads, in bytes. */
	const MAX_BODY = 2048;
	/** Decisions one consent id may log per hour (a browser makes a handful). */
	const MAX_PER_ID_HOUR = 20;

	/**
	 * The table's name.
	 *
	 * @return string
	 */
	public static function table() {
		global $wpdb;
		return $wpdb->prefix . 'consent_chat_consent_log';
	}

	/**
	 * Creates or updates the table (activation, and after an update of the plugin).
	 */
	public static function install() {
		global $wpdb;
		require_once ABSPATH . 'wp-admin/includes/upgrade.php';
		$table   = self::table();
		$charset = $wpdb->get_charset_collate();
		dbDelta(
			"CREATE TABLE {$table} (
  id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  consent_id varchar(64) NOT NULL,
  revision int(10) unsigned NOT NULL,
  action varchar(16) NOT NULL,
  categories text NOT NULL,
  services text NOT NULL,
  text_version varchar(32) NOT NULL,
  lang varchar(20) NOT NULL,
  gpc tinyint(1) NOT NULL DEFAULT 0,
  created_at datetime NOT NULL,
  PRIMARY KEY  (id),
  KEY consent_id (consent_id),
  KEY created_at (created_at)
) {$charset};"
		);
		update_option( self::DB_VERSION_OPTION, self::DB_VERSION, true );
	}

	/**
	 * On every load (cheap: one autoloaded option): creates the table when
	 * the plugin was updated without re-activation.
	 */
	public static function maybe_upgrade() {
		if ( get_option( self::DB_VERSION_OPTION ) !== self::DB_VERSION ) {
			self::install();
		}
	}

	/**
	 * Registers the public POST and the privacy officer's GET.
	 */
	public static function register_routes() {
		register_rest_route(
			Rest::NAMESPACE,
			'/consent-log',
			array(
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( self::class, 'create' ),
					// Visitors log their own decisions; no login, no nonce (cached pages must work). The body is validated and small.
					'permission_callback' => '__return_true',
					'args'                => self::create_args(),
				),
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( self::class, 'index' ),
					'permission_callback' => array( Rest::class, 'can_handle_privacy' ),
					'args'                => array(
						'format'   => array(
							'type'    => 'string',
							'enum'    => array( 'json', 'csv' ),
							'default' => 'json',
						),
						'page'     => array(
							'type'    => 'integer',
							'minimum' => 1,
							'default' => 1,
						),
						'per_page' => array(
							'type'    => 'integer',
							'minimum' => 1,
							'maximum' => 500,
							'default' => 100,
						),
					),
				),
			)
		);
	}

	/**
	 * The public route's schema: checked by the REST server (400 with the
	 * failing field) before create() runs.
	 *
	 * @return array
	 */
	private static function create_args() {
		$names = array(
			'type'     => 'array',
			'maxItems' => 5,
			'items'    => array(
				'type'    => 'string',
				'pattern' => '^[a-z0-9_]{1,40}$',
			),
			'default'  => array(),
		);
		return array(
			'consentId'   => array(
				'type'     => 'string',
				'pattern'  => '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
				'required' => true,
			),
			'revision'    => array(
				'type'     => 'integer',
				'minimum'  => 0,
				'maximum'  => 1000000,
				'required' => true,
			),
			'action'      => array(
				'type'     => 'string',
				'enum'     => array( 'accept', 'reject', 'change' ),
				'required' => true,
			),
			'categories'  => $names,
			'services'    => $names,
			'textVersion' => array(
				'type'     => 'string',
				'pattern'  => '^[0-9a-f]{12}$',
				'required' => true,
			),
			'lang'        => array(
				'type'     => 'string',
				'pattern'  => '^[a-z]{2,3}(_[A-Z]{2})?(_[a-z0-9]+)?$',
				'required' => true,
			),
			'gpc'         => array(
				'type'    => 'boolean',
				'default' => false,
			),
		);
	}

	/**
	 * Logs one decision. The revision must not be from the future and the
	 * text version must be one this site showed.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public static function create( \WP_REST_Request $request ) {
		global $wpdb;
		if ( strlen( (string) $request->get_body() ) > self::MAX_BODY ) {
			return new \WP_Error( 'consent_chat_too_large', __( 'The request is too large.', 'consent-chat' ), array( 'status' => 413 ) );
		}
		$revision = (int) $request['revision'];
		if ( $revision > Consent::revision() ) {
			return new \WP_Error( 'consent_chat_bad_revision', __( 'Unknown consent revision.', 'consent-chat' ), array( 'status' => 400 ) );
		}
		$version = (string) $request['textVersion'];
		$history = Versions::history();
		if ( ! isset( $history[ $version ] ) || 'banner' !== ( $history[ $version ]['kind'] ?? '' ) ) {
			return new \WP_Error( 'consent_chat_bad_version', __( 'Unknown version of the banner texts.', 'consent-chat' ), array( 'status' => 400 ) );
		}
		// Under Global Privacy Control the banner applies a refusal whatever is ticked (the banner sends no
		// categories then); a row saying GPC was sent and tracking accepted would be false proof, so it is refused.
		if ( $request['gpc'] && ( in_array( Consent::CATEGORY, (array) $request['categories'], true ) || array() !== (array) $request['services'] ) ) {
			return new \WP_Error(
				'consent_chat_gpc_conflict',
				__( 'This browser sends Global Privacy Control, which counts as a refusal of chat tracking: a decision with GPC cannot accept chat tracking or its services.', 'consent-chat' ),
				array( 'status' => 400 )
			);
		}
		$consent_id = strtolower( (string) $request['consentId'] );
		$table      = self::table();
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery -- our own table, nothing to cache.
		$recent = (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM {$table} WHERE consent_id = %s AND created_at > %s", $consent_id, gmdate( 'Y-m-d H:i:s', time() - HOUR_IN_SECONDS ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- table name.
		if ( $recent >= self::MAX_PER_ID_HOUR ) {
			return new \WP_Error( 'consent_chat_rate_limited', __( 'Too many decisions logged for this consent id. Please try again later.', 'consent-chat' ), array( 'status' => 429 ) );
		}
		// Per client address and from all visitors together (Consent_Log_Limits): fresh consent ids cannot flood the table.
		$admitted = Consent_Log_Limits::admit();
		if ( is_wp_error( $admitted ) ) {
			return $admitted;
		}
		$row = array(
			'consent_id'   => $consent_id,
			'revision'     => $revision,
			'action'       => (string) $request['action'],
			'categories'   => (string) wp_json_encode( array_values( array_unique( (array) $request['categories'] ) ) ),
			'services'     => (string) wp_json_encode( array_values( array_unique( (array) $request['services'] ) ) ),
			'text_version' => $version,
			'lang'         => (string) $request['lang'],
			'gpc'          => $request['gpc'] ? 1 : 0,
			'created_at'   => gmdate( 'Y-m-d H:i:s' ),
		);
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery -- our own table.
		if ( false === $wpdb->insert( $table, $row, array( '%s', '%d', '%s', '%s', '%s', '%s', '%s', '%d', '%s' ) ) ) {
			return new \WP_Error( 'consent_chat_log_failed', __( 'The decision could not be logged.', 'consent-chat' ), array( 'status' => 500 ) );
		}
		return new \WP_REST_Response( array( 'id' => (int) $wpdb->insert_id ), 201 );
	}

	/**
	 * The log, newest first, as JSON or CSV (format=csv).
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response
	 */
	public static function index( \WP_REST_Request $request ) {
		global $wpdb;
		$table = self::table();
		$csv   = 'csv' === $request['format'];
		$limit = $csv ? 100000 : (int) $request['per_page'];
		$skip  = $csv ? 0 : ( (int) $request['page'] - 1 ) * $limit;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- our own table.
		$rows  = (array) $wpdb->get_results( $wpdb->prepare( "SELECT * FROM {$table} ORDER BY id DESC LIMIT %d OFFSET %d", $limit, $skip ), ARRAY_A );
		$rows  = array_map( array( self::class, 'shape' ), $rows );
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- our own table.
		$total = (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$table}" );
		$response = $csv ? Csv::response( self::csv( $rows ), 'consent-chat-consent-log.csv' ) : new \WP_REST_Response( $rows );
		$response->header( 'X-WP-Total', (string) $total );
		$response->header( 'Cache-Control', 'no-store' );
		return $response;
	}

	/**
	 * A row as the API shows it.
	 *
	 * @param array $row Database row.
	 * @return array
	 */
	private static function shape( array $row ) {
		return array(
			'id'          => (int) $row['id'],
			'consentId'   => (string) $row['consent_id'],
			'revision'    => (int) $row['revision'],
			'action'      => (string) $row['action'],
			'categories'  => (array) json_decode( (string) $row['categories'], true ),
			'services'    => (array) json_decode( (string) $row['services'], true ),
			'textVersion' => (string) $row['text_version'],
			'lang'        => (string) $row['lang'],
			'gpc'         => (bool) $row['gpc'],
			'time'        => mysql_to_rfc3339( (string) $row['created_at'] ),
		);
	}

	/**
	 * CSV of the rows (quoted as Csv::document() does).
	 *
	 * @param array $rows Shaped rows.
	 * @return string
	 */
	public static function csv( array $rows ) {
		$cells = array();
		foreach ( $rows as $row ) {
			$cells[] = array(
				$row['id'],
				$row['consentId'],
				$row['revision'],
				$row['action'],
				implode( ' ', $row['categories'] ),
				implode( ' ', $row['services'] ),
				$row['textVersion'],
				$row['lang'],
				$row['gpc'] ? '1' : '0',
				$row['time'],
			);
		}
		return Csv::document( array( 'id', 'consent_id', 'revision', 'action', 'categories', 'services', 'text_version', 'lang', 'gpc', 'time' ), $cells );
	}

	/**
	 * Filter rest_pre_serve_request (registered under this name in hooks.php):
	 * every CSV answer of the plugin's routes goes out through Csv::serve().
	 *
	 * @param bool              $served  Whether the request was served already.
	 * @param \WP_HTTP_Response $result  The response.
	 * @param \WP_REST_Request  $request The request.
	 * @return bool
	 */
	public static function serve_csv( $served, $result, $request ) {
		return Csv::serve( $served, $result, $request );
	}
}
