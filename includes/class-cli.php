<?php
/**
 * WP-CLI: `wp consent-chat status|purge|delete|stats`, for admins and cron
 * jobs. Every command asks the chat service through its admin API.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * Manage Consent Chat's chat service from the command line.
 */
class CLI {
	/**
	 * Shows whether the chat service answers, and what it is doing.
	 *
	 * ## EXAMPLES
	 *
	 *     wp consent-chat status
	 */
	public function status() {
		$status = self::call( 'GET', '/admin/status' );
		\WP_CLI::log( sprintf( 'Service:          %s', Settings::service_http() ) );
		\WP_CLI::log( sprintf( 'Site id:          %s', (string) ( $status['site'] ?? '' ) ) );
		\WP_CLI::log( sprintf( 'Open chats:       %d', (int) ( $status['open'] ?? 0 ) ) );
		\WP_CLI::log( sprintf( 'Waiting chats:    %d', (int) ( $status['waiting'] ?? 0 ) ) );
		\WP_CLI::log( sprintf( 'Agents online:    %d', (int) ( $status['agentsOnline'] ?? 0 ) ) );
		\WP_CLI::log( sprintf( 'Default mode:     %s', (string) ( $status['defaultMode'] ?? '' ) ) );
		\WP_CLI::log( sprintf( 'Retention (days): %d', (int) ( $status['retentionDays'] ?? 0 ) ) );
		\WP_CLI::success( 'The chat service answers.' );
	}

	/**
	 * Runs the retention rule now: deletes closed chats older than the
	 * retention period, except those marked "keep". The service also does
	 * this by itself, hourly.
	 *
	 * ## EXAMPLES
	 *
	 *     wp consent-chat purge
	 */
	public function purge() {
		$result = self::call( 'POST', '/admin/purge' );
		\WP_CLI::success( sprintf( 'Deleted %d chat(s) past the retention period.', (int) ( $result['deleted'] ?? 0 ) ) );
	}

	/**
	 * Deletes one chat by its chat code (what the visitor was shown).
	 *
	 * ## OPTIONS
	 *
	 * <code>
	 * : The chat code, e.g. ABCD-EFGH-JKMN (any case, dashes optional).
	 *
	 * ## EXAMPLES
	 *
	 *     wp consent-chat delete ABCD-EFGH-JKMN
	 *
	 * @param string[] $args Positional arguments.
	 */
	public function delete( $args ) {
		$code = isset( $args[0] ) ? trim( (string) $args[0] ) : '';
		if ( '' === $code || strlen( $code ) > 32 ) {
			\WP_CLI::error( 'Give the chat code, e.g. wp consent-chat delete ABCD-EFGH-JKMN.' );
		}
		self::call( 'POST', '/admin/chats/delete', array( 'code' => $code ) );
		\WP_CLI::success( 'The chat and its history are deleted.' );
	}

	/**
	 * Prints the hourly counts (chats started and ended, messages sent and
	 * received). They have no reference to any chat.
	 *
	 * ## OPTIONS
	 *
	 * [--from=<date>]
	 * : First day (YYYY-MM-DD, UTC). Default: 30 days ago.
	 *
	 * [--to=<date>]
	 * : Last day (YYYY-MM-DD, UTC). Default: today.
	 *
	 * [--format=<format>]
	 * : table, csv or json.
	 * ---
	 * default: table
	 * options:
	 *   - table
	 *   - csv
	 *   - json
	 * ---
	 *
	 * ## EXAMPLES
	 *
	 *     wp consent-chat stats --from=2026-11-01 --format=csv
	 *
	 * @param string[]             $args       Positional arguments.
	 * @param array<string,string> $assoc_args Options.
	 */
	public function stats( $args, $assoc_args ) {
		$to   = self::day( $assoc_args['to'] ?? gmdate( 'Y-m-d' ), 'to' ) + DAY_IN_SECONDS - 1;
		$from = self::day( $assoc_args['from'] ?? gmdate( 'Y-m-d', $to - 30 * DAY_IN_SECONDS ), 'from' );
		if ( $from > $to ) {
			\WP_CLI::error( '--from must not be after --to.' );
		}
		$result = Stats::chat_rows( $from * 1000, $to * 1000 + 999 );
		if ( is_wp_error( $result ) ) {
			\WP_CLI::error( $result->get_error_message() );
		}
		$rows = array_map(
			static function ( $row ) {
				return array(
					'hour'  => gmdate( 'Y-m-d H:00', (int) floor( $row['hour'] / 1000 ) ),
					'kind'  => (string) $row['kind'],
					'count' => (int) $row['count'],
				);
			},
			$result
		);
		\WP_CLI\Utils\format_items( $assoc_args['format'] ?? 'table', $rows, array( 'hour', 'kind', 'count' ) );
	}

	/**
	 * A YYYY-MM-DD day as a UTC timestamp; a wrong one ends the command with a message.
	 *
	 * @param string $value The option's value.
	 * @param string $name  The option's name, for the message.
	 * @return int
	 */
	private static function day( $value, $name ) {
		$date = Stats::parse_day( (string) $value, new \DateTimeZone( 'UTC' ) );
		if ( ! $date ) {
			\WP_CLI::error( sprintf( '--%s must be a date like 2026-11-01.', $name ) );
		}
		return $date->getTimestamp();
	}

	/**
	 * Calls the service; any failure ends the command with its message.
	 *
	 * @param string     $method HTTP method.
	 * @param string     $path   Path and query.
	 * @param array|null $body   JSON body.
	 * @return array
	 */
	private static function call( $method, $path, $body = null ) {
		$result = Service_Client::request( $method, $path, $body );
		if ( is_wp_error( $result ) ) {
			\WP_CLI::error( $result->get_error_message() );
		}
		return $result;
	}
}
