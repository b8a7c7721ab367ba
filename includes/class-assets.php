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
			'strings'     => self::widget_strings(),
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
		$strings = self::widget_strings();
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
	 * Every fixed string the visitor sees, translated here so the widget
	 * bundle carries no translation machinery (WidgetStrings in client/contract.ts).
	 *
	 * @return array<string,string>
	 */
	public static function widget_strings() {
		return array(
			'launcher'        => __( 'Chat with us', 'consent-chat' ),
			'title'           => __( 'Chat', 'consent-chat' ),
			'close'           => __( 'Close chat window', 'consent-chat' ),
			'intro'           => __( 'Ask us anything. This chat sets no tracking cookies.', 'consent-chat' ),
			'messageLabel'    => __( 'Your message', 'consent-chat' ),
			'start'           => __( 'Start chat', 'consent-chat' ),
			'send'            => __( 'Send', 'consent-chat' ),
			'waiting'         => __( 'Waiting for an agent…', 'consent-chat' ),
			'agentAway'       => __( 'The agent is away for a moment. If they do not come back soon, the next free agent takes over.', 'consent-chat' ),
			/* translators: %d: the visitor's place in the queue. */
			'position'        => __( 'You are number %d in the queue.', 'consent-chat' ),
			/* translators: %s: the agent's name. */
			'joined'          => __( '%s joined the chat', 'consent-chat' ),
			'left'            => __( 'The agent left the chat', 'consent-chat' ),
			/* translators: %s: the new agent's name. */
			'transferred'     => __( 'Your chat was passed on to %s.', 'consent-chat' ),
			'ended'           => __( 'The chat has ended', 'consent-chat' ),
			'timeout'         => __( 'The chat ended because nothing was written for a while.', 'consent-chat' ),
			'memoryLost'      => __( 'The chat moved to another server. This chat stores no messages, so the agent no longer sees what was written before; you still see it here.', 'consent-chat' ),
			'you'             => __( 'You', 'consent-chat' ),
			'agent'           => __( 'Agent', 'consent-chat' ),
			/* translators: %s: the agent's name. */
			'typing'          => __( '%s is typing…', 'consent-chat' ),
			'connecting'      => __( 'Connecting…', 'consent-chat' ),
			'reconnecting'    => __( 'Connection lost. Reconnecting…', 'consent-chat' ),
			'reconnect'       => __( 'Reconnect', 'consent-chat' ),
			'failed'          => __( 'The chat is not available right now.', 'consent-chat' ),
			'code'            => __( 'Your chat code', 'consent-chat' ),
			'codeHelp'        => __( 'Keep this code: with it you can delete this chat later.', 'consent-chat' ),
			'copy'            => __( 'Copy', 'consent-chat' ),
			'copied'          => __( 'Copied', 'consent-chat' ),
			'endChat'         => __( 'End chat', 'consent-chat' ),
			'newChat'         => __( 'New chat', 'consent-chat' ),
			'forget'          => __( 'Delete this chat and start again without storage', 'consent-chat' ),
			'forgotten'       => __( 'The chat and its history were deleted. This new chat stores no messages.', 'consent-chat' ),
			'download'        => __( 'Download transcript', 'consent-chat' ),
			'sending'         => __( 'Sending…', 'consent-chat' ),
			'privacy'         => __( 'Privacy', 'consent-chat' ),
			'privacyInfo'     => __( 'Privacy information', 'consent-chat' ),
			'privacyClose'    => __( 'Close privacy information', 'consent-chat' ),
			'privacySettings' => __( 'Privacy settings', 'consent-chat' ),
			'newTab'          => __( '(opens in a new tab)', 'consent-chat' ),
			'consentRequired' => __( 'Please agree to the processing of your messages to start the chat.', 'consent-chat' ),
			'tickRequired'    => __( 'Please tick this box to continue.', 'consent-chat' ),
			/* translators: %s: a form field's label. */
			'fieldRequired'   => __( 'Please fill in “%s”.', 'consent-chat' ),
			/* translators: %d: number of days stored chats are kept. */
			'storedNotice'    => __( 'This chat is stored for %d days, then deleted automatically.', 'consent-chat' ),
			'ephemeralNotice' => __( 'This chat stores no messages: they are used only to answer you and then dropped.', 'consent-chat' ),
			'chooseEphemeral' => __( 'Store nothing from this chat', 'consent-chat' ),
			'chooseOption'    => __( 'Choose an answer', 'consent-chat' ),
			'assistant'       => __( 'Assistant', 'consent-chat' ),
			'assistantIntro'  => __( 'You are talking to an automatic assistant. You can ask for a person at any time.', 'consent-chat' ),
			'assistantStatus' => __( 'The automatic assistant is answering.', 'consent-chat' ),
			'talkToPerson'    => __( 'Talk to a person', 'consent-chat' ),
			'handedOver'      => __( 'Your chat was passed on to a person. Please wait a moment.', 'consent-chat' ),
			'contactOffered'  => __( 'Nobody is available to chat right now. Please leave us a message below.', 'consent-chat' ),
			'didYouMean'      => __( 'I am not sure what you mean. Is it one of these?', 'consent-chat' ),
			'noAnswer'        => __( 'Sorry, I found no answer to that. Please ask in other words, or talk to a person.', 'consent-chat' ),
			/* translators: 1: the number of the step shown, 2: how many steps the form has. */
			'stepOf'          => __( 'Step %1$d of %2$d', 'consent-chat' ),
			'back'            => __( 'Back', 'consent-chat' ),
			'next'            => __( 'Next', 'consent-chat' ),
			'sendAnswers'     => __( 'Send answers', 'consent-chat' ),
			'invalidEmail'    => __( 'Please enter a valid email address.', 'consent-chat' ),
			'chooseDate'      => __( 'Please choose a date.', 'consent-chat' ),
			/* translators: %s: the chosen date, written out (e.g. Monday, 14 December 2026). */
			'dateChosen'      => __( 'Chosen date: %s', 'consent-chat' ),
			'previousMonth'   => __( 'Previous month', 'consent-chat' ),
			'nextMonth'       => __( 'Next month', 'consent-chat' ),
			'home'            => __( 'Home', 'consent-chat' ),
			'suggestions'     => __( 'Suggested questions', 'consent-chat' ),
			'contactIntro'    => __( 'Nobody is available to chat right now. Leave us a message and we will get back to you.', 'consent-chat' ),
			'contactSend'     => __( 'Send message', 'consent-chat' ),
			'contactSent'     => __( 'Thank you. Your message was sent.', 'consent-chat' ),
			/* translators: Shown after a required field's label, brackets included (the widget adds none). */
			'required'        => __( '(required)', 'consent-chat' ),
			'error'           => __( 'Something went wrong. Please try again.', 'consent-chat' ),
			'tooLong'         => __( 'This message is too long.', 'consent-chat' ),
			'language'        => __( 'Language', 'consent-chat' ),
			'deleteTitle'     => __( 'Delete my chat', 'consent-chat' ),
			'deleteIntro'     => __( 'Enter the chat code you were shown in the chat. The chat and its history are deleted at once.', 'consent-chat' ),
			'deleteLabel'     => __( 'Chat code', 'consent-chat' ),
			'deleteButton'    => __( 'Delete chat', 'consent-chat' ),
			'deleted'         => __( 'Your chat was deleted.', 'consent-chat' ),
			'deleteNotFound'  => __( 'No chat was found for this code. Please check the code.', 'consent-chat' ),
			'deleteKept'      => __( 'This chat must be kept as a record (for example of an agreement), so it cannot be deleted now. Please contact us.', 'consent-chat' ),
			'deleteLimited'   => __( 'Too many attempts. Please wait a moment and try again.', 'consent-chat' ),
			/* translators: %s: the name of the automated service (bot) the site uses. */
			'botNotice'       => __( 'Your messages go to %s, an automated service this site uses.', 'consent-chat' ),
			'botUnavailable'  => __( 'The automated service could not answer just now.', 'consent-chat' ),
		);
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
