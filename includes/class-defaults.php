<?php
/**
 * Built-in defaults of the structured options, so a fresh install works
 * out of the box. The texts are content a privacy officer replaces, one
 * entry per language, so they are written out per language here rather
 * than passed through __().
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * Default values of consent_chat_texts, consent_chat_storage and consent_chat_appearance.
 */
class Defaults {

	/**
	 * Every key one language's texts have, with its empty value.
	 *
	 * @return array
	 */
	public static function language_shape() {
		return array(
			'privacy'  => array(
				'mode'   => 'none',
				'text'   => '',
				'url'    => '',
				'inChat' => true,
			),
			'consent'  => '',
			'prechat'  => array(),
			'contact'  => array(),
			'greeting' => null,
			'home'     => null,
			// Null: the built-in banner texts of that language (see banner()).
			'banner'   => null,
		);
	}

	/**
	 * The cookie banner's texts (chat tracking) for a locale: German for de_*,
	 * English otherwise.
	 *
	 * @param string $locale Locale.
	 * @return array<string, string>
	 */
	public static function banner( $locale ) {
		if ( 'de' === strtok( (string) $locale, '_' ) ) {
			return array(
				'title'               => 'Chat mit Seitenbezug?',
				'description'         => 'Unser Chat funktioniert vollständig ohne Tracking. Wenn Sie es erlauben, setzen wir ein Cookie, um wiederkehrende Besuche zu erkennen, zählen die Seiten, die Sie aufrufen, und zeigen unseren Mitarbeitenden während eines Chats die Seite, auf der Sie sind. Sie können das jederzeit ändern.',
				'acceptAll'           => 'Chat-Tracking erlauben',
				'rejectAll'           => 'Kein Tracking',
				'preferences'         => 'Einstellungen',
				'preferencesTitle'    => 'Datenschutz-Einstellungen des Chats',
				'save'                => 'Einstellungen speichern',
				'close'               => 'Schließen',
				'categoryLabel'       => 'Chat-Tracking',
				'categoryDescription' => 'Ein eigenes Cookie (consent_chat_vid, 180 Tage) erkennt wiederkehrende Besuche; Seitenaufrufe werden pro Stunde und Seite gezählt, ohne Ihre IP-Adresse und ohne Besucherkennung; während eines Chats sieht die Mitarbeiterin oder der Mitarbeiter die Seite, auf der Sie sind. Nachrichten gehören nie dazu.',
				'gpc'                 => 'Ihr Browser sendet das Signal „Global Privacy Control“. Wir werten das als Ablehnung des Chat-Trackings. Der Chat funktioniert vollständig ohne.',
				'gpcOk'               => 'OK',
			);
		}
		return array(
			'title'               => 'Chat with page context?',
			'description'         => 'Our chat works fully without tracking. If you allow it, we set a cookie to recognise your return visits, count the pages you view, and show our staff the page you are on during a chat. You can change this at any time.',
			'acceptAll'           => 'Allow chat tracking',
			'rejectAll'           => 'No tracking',
			'preferences'         => 'Settings',
			'preferencesTitle'    => 'Privacy settings of the chat',
			'save'                => 'Save settings',
			'close'               => 'Close',
			'categoryLabel'       => 'Chat tracking',
			'categoryDescription' => 'A first-party cookie (consent_chat_vid, 180 days) recognises return visits; page views are counted per hour and page, without your IP address or any visitor id; during a chat, the agent sees the page you are on. Messages are never part of it.',
			'gpc'                 => 'Your browser sends the Global Privacy Control signal. We treat it as a refusal of chat tracking. The chat works fully without it.',
			'gpcOk'               => 'OK',
		);
	}

	/**
	 * Texts in English and German.
	 *
	 * @return array<string, array>
	 */
	public static function texts() {
		return array(
			'en_US' => array(
				'privacy'  => array(
					'mode'   => 'text',
					'text'   => "**Your privacy in this chat**\n\n"
						. "- This chat sets no tracking cookies and does not count your page views.\n"
						. "- Your connection to the chat service opens only when you start a chat. Your IP address is kept in memory for the chat's duration and never written anywhere.\n"
						. "- By default the transcript is kept so that we can answer follow-up questions and check the quality of our answers; it is deleted automatically after the retention period. You can choose a chat that stores no messages at all.\n"
						. "- With your chat code you can delete your chat at any time.\n\n"
						. 'You have the right to access, rectify and erase your data and to lodge a complaint with a supervisory authority.',
					'url'    => '',
					'inChat' => true,
				),
				'consent'  => 'I agree that my messages are processed to answer my request. I can withdraw this at any time by ending the chat and deleting it with my chat code.',
				'prechat'  => array(
					self::field( 'name', 'text', 'Your name', false ),
					self::field( 'email', 'email', 'Your email address (for a reply if we are offline)', false ),
				),
				'contact'  => array(
					self::field( 'name', 'text', 'Your name', false ),
					self::field( 'email', 'email', 'Your email address', true ),
					self::field( 'message', 'textarea', 'Your message', true ),
					self::field( 'contact_optin', 'checkbox', 'I agree to be contacted about my request by email.', true, true ),
				),
				'greeting' => null,
				'home'     => null,
				'banner'   => self::banner( 'en_US' ),
			),
			'de_DE' => array(
				'privacy'  => array(
					'mode'   => 'text',
					'text'   => "**Ihre Privatsphäre in diesem Chat**\n\n"
						. "- Dieser Chat setzt keine Tracking-Cookies und zählt Ihre Seitenaufrufe nicht.\n"
						. "- Die Verbindung zum Chat-Dienst wird erst aufgebaut, wenn Sie einen Chat beginnen. Ihre IP-Adresse wird nur für die Dauer des Chats im Arbeitsspeicher gehalten und nirgends gespeichert.\n"
						. "- Standardmäßig wird der Verlauf gespeichert, damit wir Rückfragen beantworten und die Qualität unserer Antworten prüfen können; nach Ablauf der Aufbewahrungsfrist wird er automatisch gelöscht. Sie können auch einen Chat wählen, der keine Nachrichten speichert.\n"
						. "- Mit Ihrem Chat-Code können Sie Ihren Chat jederzeit löschen.\n\n"
						. 'Sie haben das Recht auf Auskunft, Berichtigung und Löschung Ihrer Daten sowie das Recht, sich bei einer Aufsichtsbehörde zu beschweren.',
					'url'    => '',
					'inChat' => true,
				),
				'consent'  => 'Ich bin einverstanden, dass meine Nachrichten zur Bearbeitung meiner Anfrage verarbeitet werden. Ich kann dies jederzeit widerrufen, indem ich den Chat beende und ihn mit meinem Chat-Code lösche.',
				'prechat'  => array(
					self::field( 'name', 'text', 'Ihr Name', false ),
					self::field( 'email', 'email', 'Ihre E-Mail-Adresse (für eine Antwort, falls wir offline sind)', false ),
				),
				'contact'  => array(
					self::field( 'name', 'text', 'Ihr Name', false ),
					self::field( 'email', 'email', 'Ihre E-Mail-Adresse', true ),
					self::field( 'message', 'textarea', 'Ihre Nachricht', true ),
					self::field( 'contact_optin', 'checkbox', 'Ich bin einverstanden, per E-Mail zu meiner Anfrage kontaktiert zu werden.', true, true ),
				),
				'greeting' => null,
				'home'     => null,
				'banner'   => self::banner( 'de_DE' ),
			),
		);
	}

	/**
	 * Chats are stored by default; the visitor may choose a chat that stores nothing.
	 *
	 * @return array{defaultMode: string, visitorChooses: bool, retentionDays: int}
	 */
	public static function storage() {
		return array(
			'defaultMode'    => 'stored',
			'visitorChooses' => true,
			'retentionDays'  => 30,
		);
	}

	/**
	 * A blue with white labels (contrast 6.7:1), bottom right.
	 *
	 * @return array{accent: string, position: string}
	 */
	public static function appearance() {
		return array(
			'accent'   => '#1d4ed8',
			'position' => 'right',
		);
	}

	/**
	 * One stored form field.
	 *
	 * @param string $id       Field id.
	 * @param string $type     text|email|textarea|checkbox.
	 * @param string $label    Label.
	 * @param bool   $required Must be filled (checked).
	 * @param bool   $opt_in   An opt-in checkbox.
	 * @return array
	 */
	private static function field( $id, $type, $label, $required, $opt_in = false ) {
		return array(
			'id'       => $id,
			'type'     => $type,
			'label'    => $label,
			'required' => $required,
			'optIn'    => $opt_in,
		);
	}
}
