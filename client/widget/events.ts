/**
 * System events and the assistant's eventful messages, worded in the page's
 * language: the service sends an event, never a sentence (docs/protocol.md).
 */
import type { WidgetStrings } from '../contract';
import type { ChatMessage, ChatView } from '../../server/protocol';

/** The text of a message that carries an event (system, or the assistant's suggestions / no answer). */
export function eventText( m: ChatMessage, s: WidgetStrings ): string {
	const name = m.name ?? s.agent;
	switch ( m.event ) {
		case 'agent_joined':
			return s.joined.replace( '%s', name );
		case 'transferred':
			return s.transferred.replace( '%s', name );
		case 'ended':
			return s.ended;
		case 'timeout':
			return s.timeout;
		case 'memory_lost':
			return s.memoryLost;
		case 'handed_over':
			return s.handedOver;
		case 'contact_offered':
			return s.contactOffered;
		case 'suggestions':
			return s.didYouMean;
		case 'no_answer':
			return s.noAnswer;
		case 'bot_unavailable':
			return s.botUnavailable;
		default:
			return s.left;
	}
}

/** Who said it, as the log and the transcript name them. */
export function author( m: ChatMessage, s: WidgetStrings ): string {
	if ( m.from === 'visitor' ) return s.you;
	if ( m.from === 'assistant' ) return s.assistant;
	return m.name || s.agent;
}

/** A message's text as plain text (the transcript): events worded, a dialog's answers joined. */
export function plainText( m: ChatMessage, s: WidgetStrings ): string {
	if ( m.event ) return eventText( m, s );
	return m.dialog && m.fields ? Object.values( m.fields ).join( ' · ' ) : m.text;
}

/** The status line of a running chat: the assistant answering, waiting, the agent away for now (the service's grace period), or nothing. */
export function statusText( chat: ChatView, s: WidgetStrings ): string {
	if ( chat.status === 'assistant' ) return s.assistantStatus;
	if ( chat.status === 'waiting' ) return s.waiting;
	return chat.agentAway ? s.agentAway : '';
}
