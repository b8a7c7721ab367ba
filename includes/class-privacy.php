<?php
/**
 * WordPress's own privacy tools: the suggested privacy policy text, and the
 * personal data exporter and eraser for what the chat service holds about an
 * e-mail address (contact-form submissions, and stored chats whose pre-chat
 * form gave it).
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * Tools > Export / Erase Personal Data, and Settings > Privacy.
 */
class Privacy {
	const EXPORTER = 'consent-chat';

	/**
	 * Filter wp_privacy_personal_data_exporters.
	 *
	 * @param array $exporters Registered exporters.
	 * @return array
	 */
	public static function register_exporter( $exporters ) {
		$exporters[ self::EXPORTER ] = array(
			'exporter_friendly_name' => __( 'Consent Chat', 'consent-chat' ),
			'callback'               => array( self::class, 'export' ),
		);
		return $exporters;
	}

	/**
	 * Filter wp_privacy_personal_data_erasers.
	 *
	 * @param array $erasers Registered erasers.
	 * @return array
	 */
	public static function register_eraser( $erasers ) {
		$erasers[ self::EXPORTER ] = array(
			'eraser_friendly_name' => __( 'Consent Chat', 'consent-chat' ),
			'callback'             => array( self::class, 'erase' ),
		);
		return $erasers;
	}

	/**
	 * The exporter: one page holds everything (the service answers for one address at once).
	 *
	 * @param string $email E-mail address.
	 * @return array|\WP_Error
	 */
	public static function export( $email ) {
		$found = Service_Client::request( 'GET', '/admin/personal-data?email=' . rawurlencode( $email ) );
		if ( is_wp_error( $found ) ) {
			return $found;
		}
		$items = array();
		foreach ( (array) ( $found['contacts'] ?? array() ) as $contact ) {
			$data = array(
				array(
					'name'  => __( 'Sent', 'consent-chat' ),
					'value' => self::time( $contact['createdAt'] ?? 0 ),
				),
			);
			foreach ( (array) ( $contact['fields'] ?? array() ) as $field => $value ) {
				$data[] = array(
					'name'  => (string) $field,
					'value' => (string) $value,
				);
			}
			foreach ( (array) ( $contact['consents'] ?? array() ) as $consent ) {
				$data[] = array(
					/* translators: %s: the version of the consent text. */
					'name'  => sprintf( __( 'Agreed to (version %s)', 'consent-chat' ), $consent['version'] ?? '' ),
					'value' => (string) ( $consent['text'] ?? '' ),
				);
			}
			$items[] = array(
				'group_id'          => 'consent-chat-contacts',
				'group_label'       => __( 'Chat contact form', 'consent-chat' ),
				'group_description' => __( 'Messages sent with the contact form of the chat while nobody was online.', 'consent-chat' ),
				'item_id'           => 'consent-chat-contact-' . ( $contact['id'] ?? '' ),
				'data'              => $data,
			);
		}
		foreach ( (array) ( $found['chats'] ?? array() ) as $chat ) {
			$items[] = array(
				'group_id'          => 'consent-chat-chats',
				'group_label'       => __( 'Chats', 'consent-chat' ),
				'group_description' => __( 'Stored chats in which this e-mail address was given.', 'consent-chat' ),
				'item_id'           => 'consent-chat-chat-' . ( $chat['id'] ?? '' ),
				'data'              => self::chat_data( $chat ),
			);
		}
		return array(
			'data' => $items,
			'done' => true,
		);
	}

	/**
	 * The eraser.
	 *
	 * @param string $email E-mail address.
	 * @return array|\WP_Error
	 */
	public static function erase( $email ) {
		$result = Service_Client::request( 'POST', '/admin/personal-data/erase', array( 'email' => $email ) );
		if ( is_wp_error( $result ) ) {
			return $result;
		}
		$removed  = (int) ( $result['contacts'] ?? 0 ) + (int) ( $result['chats'] ?? 0 );
		$retained = (int) ( $result['retained'] ?? 0 );
		$messages = array();
		if ( $retained > 0 ) {
			$messages[] = sprintf(
				/* translators: %d: number of chats. */
				_n(
					'%d chat was kept: an agent marked it as a record (for example of a contract). Remove the mark in the agent console first if it may go.',
					'%d chats were kept: an agent marked them as records (for example of a contract). Remove the mark in the agent console first if they may go.',
					$retained,
					'consent-chat'
				),
				$retained
			);
		}
		return array(
			'items_removed'  => $removed,
			'items_retained' => $retained > 0,
			'messages'       => $messages,
			'done'           => true,
		);
	}

	/**
	 * Action admin_init: the suggested text for the site's privacy policy.
	 */
	public static function policy_content() {
		if ( ! function_exists( 'wp_add_privacy_policy_content' ) ) {
			return;
		}
		$storage = Settings::storage();
		$p       = static function ( $text ) {
			return '<p class="privacy-policy-tutorial">' . esc_html( $text ) . '</p>';
		};
		$content = '<h2>' . esc_html__( 'Live chat', 'consent-chat' ) . '</h2>'
			. $p( __( 'Our website offers a live chat. Until you open it, the page loads only the chat button: it sets no cookie and sends nothing to the chat service.', 'consent-chat' ) )
			. $p( __( 'When you open the chat window, your browser asks our chat service whether someone is available. When you start a chat, your browser connects to the chat service. Your IP address is used only while you are connected, to protect the service from abuse, and is never stored.', 'consent-chat' ) )
			. $p(
				'stored' === $storage['defaultMode']
					/* translators: %d: number of days. */
					? sprintf( __( 'Chats are stored so that we can follow up on your request, and deleted automatically after %d days, unless a chat is needed as a record (for example of a contract). You can choose a chat that stores nothing where we offer that choice.', 'consent-chat' ), (int) $storage['retentionDays'] )
					: __( 'Chats are not stored: messages are passed on to our staff and dropped when the chat ends.', 'consent-chat' )
			)
			. $p( __( 'At the start of a chat you get a chat code. With it you can delete that chat at any time. The chat window also lets you end the chat, delete it and continue in a chat that stores nothing.', 'consent-chat' ) )
			. $p( __( 'When nobody is available, the contact form sends your message with the fields you fill in, and the wording and version of each consent you tick, so that we can prove your consent.', 'consent-chat' ) )
			. $p( __( 'Only if you accept "Chat tracking" in the cookie banner: a cookie with a random visitor id (to recognise a returning visit) and the pages you visit are counted per hour, without your IP address; during a chat our staff see the page you are on. Withdrawing consent stops this at once and deletes the cookie.', 'consent-chat' ) )
			. $p( __( 'For statistics we keep only counts per hour of chats started and ended and messages sent and received, with no reference to any chat.', 'consent-chat' ) )
			. ( '' === Assistant::bot_disclosure() ? '' : $p( Assistant::bot_disclosure() ) );
		wp_add_privacy_policy_content( __( 'Consent Chat', 'consent-chat' ), wp_kses_post( $content ) );
	}

	/**
	 * A chat's record and messages, as name/value pairs.
	 *
	 * @param array $chat The chat as the service exports it.
	 * @return array
	 */
	private static function chat_data( array $chat ) {
		$data = array(
			array(
				'name'  => __( 'Chat started', 'consent-chat' ),
				'value' => self::time( $chat['createdAt'] ?? 0 ),
			),
		);
		if ( ! empty( $chat['closedAt'] ) ) {
			$data[] = array(
				'name'  => __( 'Chat ended', 'consent-chat' ),
				'value' => self::time( $chat['closedAt'] ),
			);
		}
		if ( ! empty( $chat['consentVersion'] ) ) {
			$data[] = array(
				'name'  => __( 'Consent text version agreed to', 'consent-chat' ),
				'value' => (string) $chat['consentVersion'],
			);
		}
		foreach ( (array) ( $chat['messages'] ?? array() ) as $message ) {
			$from = (string) ( $message['from'] ?? '' );
			if ( 'system' === $from ) {
				continue;
			}
			$text = (string) ( $message['text'] ?? '' );
			if ( '' === $text && ! empty( $message['fields'] ) ) {
				$text = implode( ' · ', array_map( 'strval', (array) $message['fields'] ) );
			}
			$data[] = array(
				'name'  => sprintf(
					'%1$s, %2$s',
					'visitor' === $from ? __( 'You', 'consent-chat' ) : ( $message['name'] ?? __( 'Agent', 'consent-chat' ) ),
					self::time( $message['at'] ?? 0 )
				),
				'value' => $text,
			);
		}
		return $data;
	}

	/**
	 * A time from the service (milliseconds since the epoch) in the site's format and zone.
	 *
	 * @param int|float $ms Milliseconds.
	 * @return string
	 */
	private static function time( $ms ) {
		return wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), (int) floor( $ms / 1000 ) );
	}
}
