<?php
/**
 * Statistics: the chat service's hour-rounded counters (chats started and
 * ended, messages from visitors and from agents, the assistant's answers,
 * messages it found no answer for and its hand-overs — no chat reference,
 * none of the visitors' words) and
 * the tracking embed's hourly page views, for a range of days in the
 * site's timezone. REST route `consent-chat/v1/stats` (JSON or CSV) and the
 * shared fetching that `wp consent-chat stats` uses too.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * Reads statistics from the chat service.
 */
class Stats {
	/** Days shown when no range is given (today included). */
	const DEFAULT_DAYS = 30;

	/** Longest range, in days: a year of hour rows is what one answer may carry. */
	const MAX_DAYS = 366;

	/** The counters the service keeps, in the CSV's column order. */
	const KINDS = array( 'chat_started', 'chat_ended', 'message_received', 'message_sent', 'assistant_answered', 'assistant_no_answer', 'assistant_handed_over' );

	/**
	 * Action rest_api_init.
	 */
	public static function register_routes() {
		$day = array(
			'type'              => 'string',
			'validate_callback' => array( self::class, 'validate_day' ),
		);
		register_rest_route(
			Rest::NAMESPACE,
			'/stats',
			array(
				'methods'             => \WP_REST_Server::READABLE,
				'callback'            => array( self::class, 'get' ),
				'permission_callback' => array( self::class, 'can_view' ),
				'args'                => array(
					'from'   => $day + array( 'description' => __( 'First day, YYYY-MM-DD in the site’s timezone. Default: 29 days before “to”.', 'consent-chat' ) ),
					'to'     => $day + array( 'description' => __( 'Last day, YYYY-MM-DD in the site’s timezone. Default: today.', 'consent-chat' ) ),
					'format' => array(
						'type'    => 'string',
						'enum'    => array( 'json', 'csv' ),
						'default' => 'json',
					),
				),
			)
		);
	}

	/**
	 * Administrators only. Not privacy officers: the counts hold no personal
	 * data to look after (no chat reference, no address), they are figures
	 * for running the chat — staffing, traffic — which is the site owner's
	 * business, and an officer's role grants only what their duties need.
	 *
	 * @return bool|\WP_Error
	 */
	public static function can_view() {
		if ( current_user_can( 'manage_options' ) ) {
			return true;
		}
		return new \WP_Error(
			'consent_chat_forbidden',
			__( 'Only administrators may read the chat statistics.', 'consent-chat' ),
			array( 'status' => is_user_logged_in() ? 403 : 401 )
		);
	}

	/**
	 * A `from`/`to` argument: a real calendar day written YYYY-MM-DD.
	 *
	 * @param mixed  $value   The value.
	 * @param mixed  $request The request (unused).
	 * @param string $param   The argument's name.
	 * @return true|\WP_Error
	 */
	public static function validate_day( $value, $request, $param ) {
		unset( $request );
		if ( is_string( $value ) && null !== self::parse_day( $value, wp_timezone() ) ) {
			return true;
		}
		return new \WP_Error(
			'consent_chat_bad_date',
			/* translators: %s: the parameter's name (from or to). */
			sprintf( __( '“%s” must be a date written YYYY-MM-DD, e.g. 2026-11-01.', 'consent-chat' ), $param ),
			array( 'status' => 400 )
		);
	}

	/**
	 * Midnight of a YYYY-MM-DD day in a timezone, or null if it is not a real day.
	 *
	 * @param string        $value The day.
	 * @param \DateTimeZone $zone  Its timezone.
	 * @return \DateTimeImmutable|null
	 */
	public static function parse_day( $value, \DateTimeZone $zone ) {
		$date = \DateTimeImmutable::createFromFormat( '!Y-m-d', $value, $zone );
		return $date && $date->format( 'Y-m-d' ) === $value ? $date : null;
	}

	/**
	 * The range asked for, with the defaults filled in and checked.
	 *
	 * @param string|null   $from First day or null.
	 * @param string|null   $to   Last day or null.
	 * @param \DateTimeZone $zone Timezone of the days.
	 * @return array{from: string, to: string, start: int, end: int}|\WP_Error
	 *         Days, and the range in ms since the epoch (end inclusive).
	 */
	public static function range( $from, $to, \DateTimeZone $zone ) {
		$last  = null === $to ? new \DateTimeImmutable( 'today', $zone ) : self::parse_day( $to, $zone );
		$first = null === $from && $last ? $last->modify( '-' . ( self::DEFAULT_DAYS - 1 ) . ' days' ) : self::parse_day( (string) $from, $zone );
		if ( ! $first || ! $last ) {
			return new \WP_Error( 'consent_chat_bad_date', __( 'Dates are written YYYY-MM-DD, e.g. 2026-11-01.', 'consent-chat' ), array( 'status' => 400 ) );
		}
		if ( $first > $last ) {
			return new \WP_Error( 'consent_chat_bad_range', __( '“from” must not be after “to”.', 'consent-chat' ), array( 'status' => 400 ) );
		}
		$end = $last->modify( '+1 day' );
		// Counted in calendar days, so a day with a clock change is still one day.
		if ( (int) $first->diff( $end )->days > self::MAX_DAYS ) {
			return new \WP_Error(
				'consent_chat_bad_range',
				/* translators: %d: the longest range in days. */
				sprintf( __( 'Choose at most %d days.', 'consent-chat' ), self::MAX_DAYS ),
				array( 'status' => 400 )
			);
		}
		return array(
			'from'  => $first->format( 'Y-m-d' ),
			'to'    => $last->format( 'Y-m-d' ),
			'start' => $first->getTimestamp() * 1000,
			'end'   => $end->getTimestamp() * 1000 - 1,
		);
	}

	/**
	 * The service's counters in a range: [{hour, kind, count}], hour in ms.
	 *
	 * @param int $start First ms.
	 * @param int $end   Last ms (inclusive).
	 * @return array[]|\WP_Error
	 */
	public static function chat_rows( $start, $end ) {
		$result = Service_Client::request( 'GET', sprintf( '/admin/stats?from=%d&to=%d', $start, $end ) );
		if ( is_wp_error( $result ) ) {
			return $result;
		}
		$rows = array();
		foreach ( (array) ( $result['rows'] ?? array() ) as $row ) {
			if ( is_array( $row ) && in_array( $row['kind'] ?? null, self::KINDS, true ) ) {
				$rows[] = array(
					'hour'  => (int) $row['hour'],
					'kind'  => (string) $row['kind'],
					'count' => (int) $row['count'],
				);
			}
		}
		return $rows;
	}

	/**
	 * The tracking embed's page views in a range: [{hour, path, referrerHost, views, returning}].
	 *
	 * @param int $start First ms.
	 * @param int $end   Last ms (inclusive).
	 * @return array[]|\WP_Error
	 */
	public static function visit_rows( $start, $end ) {
		$result = Service_Client::request( 'GET', sprintf( '/admin/page-views?from=%d&to=%d', $start, $end ) );
		if ( is_wp_error( $result ) ) {
			return $result;
		}
		$rows = array();
		foreach ( (array) ( $result['rows'] ?? array() ) as $row ) {
			if ( is_array( $row ) && isset( $row['hour'], $row['path'] ) ) {
				$rows[] = array(
					'hour'         => (int) $row['hour'],
					'path'         => (string) $row['path'],
					'referrerHost' => (string) ( $row['referrerHost'] ?? '' ),
					'views'        => (int) ( $row['views'] ?? 0 ),
					'returning'    => (int) ( $row['returning'] ?? 0 ),
				);
			}
		}
		return $rows;
	}

	/**
	 * GET consent-chat/v1/stats: {from, to, timezone, chats, visits}, or the CSV.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response|\WP_Error
	 */
	public static function get( \WP_REST_Request $request ) {
		$range = self::range( $request['from'], $request['to'], wp_timezone() );
		if ( is_wp_error( $range ) ) {
			return $range;
		}
		$chats  = self::chat_rows( $range['start'], $range['end'] );
		$visits = is_wp_error( $chats ) ? $chats : self::visit_rows( $range['start'], $range['end'] );
		foreach ( array( $chats, $visits ) as $failed ) {
			if ( is_wp_error( $failed ) ) {
				// The admin asked nothing wrong: the service behind WordPress failed (502).
				return new \WP_Error( $failed->get_error_code(), $failed->get_error_message(), array( 'status' => 502 ) );
			}
		}
		if ( 'csv' === $request['format'] ) {
			return Csv::response(
				self::csv( $chats, $visits ),
				sprintf( 'consent-chat-statistics-%s-%s.csv', $range['from'], $range['to'] )
			);
		}
		$response = new \WP_REST_Response(
			array(
				'from'     => $range['from'],
				'to'       => $range['to'],
				'timezone' => wp_timezone_string(),
				'chats'    => $chats,
				'visits'   => $visits,
			)
		);
		$response->header( 'Cache-Control', 'no-store' );
		return $response;
	}

	/**
	 * One line per hour that has any count, in the site's time with its UTC
	 * offset (unambiguous across clock changes). Page views are summed over
	 * pages here; the JSON answer has them per page.
	 *
	 * @param array[] $chats  Counter rows.
	 * @param array[] $visits Page-view rows.
	 * @return string
	 */
	public static function csv( array $chats, array $visits ) {
		$hours = array();
		$blank = array_fill_keys( array_merge( self::KINDS, array( 'views', 'returning' ) ), 0 );
		foreach ( $chats as $row ) {
			$hours[ $row['hour'] ]                  = $hours[ $row['hour'] ] ?? $blank;
			$hours[ $row['hour'] ][ $row['kind'] ] += $row['count'];
		}
		foreach ( $visits as $row ) {
			$hours[ $row['hour'] ]               = $hours[ $row['hour'] ] ?? $blank;
			$hours[ $row['hour'] ]['views']     += $row['views'];
			$hours[ $row['hour'] ]['returning'] += $row['returning'];
		}
		ksort( $hours );
		$lines = array();
		foreach ( $hours as $hour => $counts ) {
			$lines[] = array_merge( array( wp_date( 'Y-m-d\TH:i:sP', (int) floor( $hour / 1000 ) ) ), array_values( $counts ) );
		}
		return Csv::document(
			array( 'hour', 'chats_started', 'chats_ended', 'messages_from_visitors', 'messages_from_agents', 'assistant_answered', 'assistant_no_answer', 'assistant_handed_over', 'page_views', 'returning_page_views' ),
			$lines
		);
	}
}
