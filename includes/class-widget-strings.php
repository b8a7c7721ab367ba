<?php
/**
 * Every fixed string the visitor's widget shows, in the page's language.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * Translated here so the widget bundle carries no translation machinery;
 * the keys are WidgetStrings in client/contract.ts. Assets hands them to
 * the widget's and the delete form's configuration.
 */
class Widget_Strings {
	/**
	 * Every fixed string the visitor sees, translated here so the widget
	 * bundle carries no translation machinery (WidgetStrings in client/contract.ts).
	 *
	 * @return array<string,string>
	 */
	public static function all() {
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
			'skip'            => __( 'Skip', 'consent-chat' ),
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
}
