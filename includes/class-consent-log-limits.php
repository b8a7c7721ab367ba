<?php
/**
 * How many decisions the public consent-log route takes: per client
 * address and from all visitors together, per time window.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * The route needs no login (cached pages must be able to log), and its
 * consent id is chosen by the client, so a limit per consent id alone lets
 * a script insert rows without bound by sending a fresh id each time. This
 * bounds it the way the chat service bounds its public endpoints: per
 * client address, plus a global cap.
 *
 * No visitor's address is written anywhere. PHP keeps nothing between
 * requests, so the per-address counts live in one option for the current
 * window, keyed not by the address but by 16 bits of an HMAC of it, with a
 * random key made for that window. 16 bits cannot be traced back to one
 * address (some 65,000 IPv4 addresses share each value, even for whoever
 * holds the key), and the key is replaced, so the old one is gone, when
 * the next window starts. The global count is the log table's own rows of
 * the window, counted exactly from their timestamps.
 *
 * Counting is read-then-write: requests that arrive at the same instant
 * may each see the old count, so a burst can pass a limit by about as many
 * requests as run in parallel. That bounds a flood; it is not an exact
 * quota.
 */
class Consent_Log_Limits {
	/** Option: the current window { start, window, key, counts } (not autoloaded). */
	const OPTION = 'consent_chat_consent_log_window';

	/**
	 * The limits (filter consent_chat_consent_log_limits).
	 *
	 * Why these defaults: a visitor decides once, and changes their mind a
	 * few times at most, but many visitors can share one address (an
	 * office, a school, a mobile carrier's NAT); 30 decisions per address in
	 * 10 minutes lets some 10 to 30 of them decide at once. From all
	 * visitors together, 3,000 in 10 minutes (300 a minute, 5 a second) is
	 * more than the new visitors of a site with a few million visits a
	 * month at its busiest hour, and still caps a flood at about 430,000
	 * rows a day. A site that needs more raises them with the filter.
	 *
	 * @return array{window: int, per_address: int, global: int} Window in seconds; decisions per address and in all per window.
	 */
	public static function limits() {
		$limits = apply_filters(
			'consent_chat_consent_log_limits',
			array(
				'window'      => 10 * MINUTE_IN_SECONDS,
				'per_address' => 30,
				'global'      => 3000,
			)
		);
		$limits = is_array( $limits ) ? $limits : array();
		return array(
			'window'      => max( 60, (int) ( $limits['window'] ?? 600 ) ),
			'per_address' => max( 1, (int) ( $limits['per_address'] ?? 30 ) ),
			'global'      => max( 1, (int) ( $limits['global'] ?? 3000 ) ),
		);
	}

	/**
	 * Whether one more decision may be logged now; if so, it is counted
	 * against the client's address. Call right before inserting.
	 *
	 * @return true|\WP_Error A 429 error when a limit is reached.
	 */
	public static function admit() {
		global $wpdb;
		$limits = self::limits();
		$now    = time();
		$start  = $now - $now % $limits['window'];
		$table  = Consent_Log::table();
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- our own table; a count that must be exact, not cached.
		$all = (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM {$table} WHERE created_at >= %s", gmdate( 'Y-m-d H:i:s', $start ) ) );
		if ( $all >= $limits['global'] ) {
			return new \WP_Error(
				'consent_chat_rate_limited',
				__( 'Too many consent decisions arrived from all visitors in the last few minutes, so this one was not logged. The choice still applies in this browser. Please try again in a few minutes.', 'consent-chat' ),
				array( 'status' => 429 )
			);
		}

		$state = get_option( self::OPTION );
		if ( ! is_array( $state ) || ( $state['start'] ?? null ) !== $start || ( $state['window'] ?? null ) !== $limits['window'] || ! is_string( $state['key'] ?? null ) ) {
			// A new window: a new key, and the old key and counts are overwritten.
			$state = array(
				'start'  => $start,
				'window' => $limits['window'],
				'key'    => base64_encode( random_bytes( 32 ) ), // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- binary key stored as text, not obfuscation.
				'counts' => array(),
			);
		}
		$bucket = self::bucket( self::client_address(), (string) $state['key'] );
		$counts = is_array( $state['counts'] ?? null ) ? $state['counts'] : array();
		$mine   = (int) ( $counts[ $bucket ] ?? 0 );
		if ( $mine >= $limits['per_address'] ) {
			return new \WP_Error(
				'consent_chat_rate_limited',
				__( 'Too many consent decisions arrived from your network in the last few minutes, so this one was not logged. The choice still applies in this browser. Please try again in a few minutes.', 'consent-chat' ),
				array( 'status' => 429 )
			);
		}
		$counts[ $bucket ] = $mine + 1;
		$state['counts']   = $counts;
		update_option( self::OPTION, $state, false );
		return true;
	}

	/**
	 * The client's address, as the web server reports it. Behind a reverse
	 * proxy that does not pass the visitor's address on as REMOTE_ADDR, every
	 * visitor would share the proxy's count; such a site returns the
	 * visitor's address (from the header its trusted proxy sets) with the
	 * filter consent_chat_client_address. Never stored.
	 *
	 * @return string
	 */
	private static function client_address() {
		$address = isset( $_SERVER['REMOTE_ADDR'] ) ? sanitize_text_field( wp_unslash( $_SERVER['REMOTE_ADDR'] ) ) : '';
		return (string) apply_filters( 'consent_chat_client_address', $address );
	}

	/**
	 * 16 bits of a keyed hash of the address: four hex digits. An IPv6
	 * client is counted by its /64 network, since one connection usually
	 * has a whole /64 to choose addresses from.
	 *
	 * @param string $address IPv4 or IPv6 address (anything else shares one count).
	 * @param string $key     This window's key.
	 * @return string
	 */
	public static function bucket( $address, $key ) {
		$packed = @inet_pton( trim( $address ) ); // phpcs:ignore WordPress.PHP.NoSilencedErrors.Discouraged -- an invalid address warns; it is handled below.
		if ( false === $packed ) {
			$packed = '';
		} elseif ( 16 === strlen( $packed ) ) {
			$packed = 0 === strncmp( $packed, str_repeat( "\0", 10 ) . "\xff\xff", 12 ) ? substr( $packed, 12 ) : substr( $packed, 0, 8 );
		}
		return substr( hash_hmac( 'sha256', $packed, $key ), 0, 4 );
	}
}
