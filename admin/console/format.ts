/**
 * The console's wording of what the service sends as codes: system events,
 * chat statuses, error codes, waiting times. Every string is translatable;
 * the service's own (English) error text is only a fallback detail.
 */
import { __, _n, sprintf } from '@wordpress/i18n';
import type { ChatMessage, ChatStatus, ChatView } from '../../server/protocol';
import type { ConsoleError } from './state';

export function systemText( message: ChatMessage ): string {
	switch ( message.event ) {
		case 'agent_joined':
			/* translators: %s: the agent's display name. */
			return sprintf( __( '%s joined the chat', 'consent-chat' ), message.name || __( 'An agent', 'consent-chat' ) );
		case 'agent_left':
			/* translators: %s: the agent's display name. */
			return sprintf( __( '%s left the chat', 'consent-chat' ), message.name || __( 'The agent', 'consent-chat' ) );
		case 'visitor_left':
			return __( 'The visitor left the chat', 'consent-chat' );
		case 'ended':
			return __( 'The chat has ended', 'consent-chat' );
		case 'timeout':
			return __( 'The chat ended because nothing was written for a while', 'consent-chat' );
		case 'bot_unavailable':
			return __( 'The site’s bot did not answer in time or failed; the chat was handed over', 'consent-chat' );
		case 'memory_lost':
			return __( 'The server holding this chat stopped. It stores no messages, so what was written before is gone here; the visitor may still see it.', 'consent-chat' );
		case 'transferred':
			return message.name
				? /* translators: %s: the agent's display name. */
				  sprintf( __( 'The chat was transferred to %s', 'consent-chat' ), message.name )
				: __( 'The chat was transferred back to the waiting list', 'consent-chat' );
		case 'handed_over':
			return __( 'The assistant handed the chat over to a person', 'consent-chat' );
		case 'contact_offered':
			return __( 'Nobody who could take the chat was online: the visitor was offered the contact form', 'consent-chat' );
	}
	return message.text;
}

/**
 * What an assistant's message without an answer of its own says (its
 * `event`), or null for an answer (its text is Markdown: MarkdownText).
 */
export function assistantEventText( message: ChatMessage ): string | null {
	switch ( message.event ) {
		case 'no_answer':
			return __( 'No answer found', 'consent-chat' );
		case 'suggestions':
			/* translators: %s: the titles of the answers the assistant suggested, separated by commas. */
			return sprintf( __( 'No sure answer; suggested: %s', 'consent-chat' ), ( message.options ?? [] ).join( ', ' ) );
	}
	return null;
}

/** What else the assistant offered with a message, as text lines for the agent. */
export function assistantOffers( message: ChatMessage ): string[] {
	const lines: string[] = [];
	if ( message.form ) {
		/* translators: %s: the title of a dialog (a short form) the assistant asked the visitor to fill in. */
		lines.push( sprintf( __( 'Asked the visitor to fill in “%s”', 'consent-chat' ), message.form.title ) );
	}
	if ( message.options?.length && message.event !== 'suggestions' ) {
		/* translators: %s: the reply options the assistant offered, separated by commas. */
		lines.push( sprintf( __( 'Offered: %s', 'consent-chat' ), message.options.join( ', ' ) ) );
	}
	if ( message.person ) lines.push( __( 'Offered to talk to a person', 'consent-chat' ) );
	return lines;
}

export function statusText( status: ChatStatus ): string {
	switch ( status ) {
		case 'assistant':
			return __( 'With the assistant', 'consent-chat' );
		case 'waiting':
			return __( 'Waiting for an agent', 'consent-chat' );
		case 'active':
			return __( 'Active', 'consent-chat' );
		case 'away':
			return __( 'Visitor is away', 'consent-chat' );
		case 'closed':
			return __( 'Closed', 'consent-chat' );
	}
	return status;
}

export function visitorLabel( view: ChatView ): string {
	return view.visitorName || __( 'Visitor', 'consent-chat' );
}

/** Tells chats apart: the visitor's name, or "Visitor" and the start of the chat id. */
export function chatLabel( view: ChatView ): string {
	if ( view.visitorName ) return view.visitorName;
	/* translators: %s: first characters of the chat's id, to tell chats apart. */
	return sprintf( __( 'Visitor %s', 'consent-chat' ), view.id.slice( 0, 4 ).toUpperCase() );
}

export function errorText( error: ConsoleError ): string {
	switch ( error.code ) {
		case 'conflict':
			return __( 'That did not work: the chat was already taken by another agent or has ended.', 'consent-chat' );
		case 'not_found':
			return __( 'That chat no longer exists or is not yours.', 'consent-chat' );
		case 'forbidden':
			return __( 'You are not allowed to do that.', 'consent-chat' );
		case 'limit_reached':
			return __( 'Not possible: that would be more chats at once than the limit allows.', 'consent-chat' );
		case 'rate_limited':
			return __( 'Too many messages in a short time. Please wait a moment.', 'consent-chat' );
		case 'too_large':
			return __( 'The message is too long.', 'consent-chat' );
		case 'bad_token':
		case 'token_expired':
		case 'auth_required':
			return __( 'The chat service did not accept your login. Reload the page to sign in again.', 'consent-chat' );
		case 'bad_origin':
			return __( 'The chat service does not accept connections from this site.', 'consent-chat' );
	}
	/* translators: %s: technical detail from the chat service (English). */
	return sprintf( __( 'The chat service reported an error: %s', 'consent-chat' ), error.message );
}

/** "under 1 min", "2 min", "1 h 5 min". */
export function waitingTime( since: number, now: number ): string {
	const minutes = Math.max( 0, Math.floor( ( now - since ) / 60_000 ) );
	if ( minutes < 1 ) {
		return __( 'under 1 min', 'consent-chat' );
	}
	if ( minutes < 60 ) {
		/* translators: %d: number of minutes. */
		return sprintf( _n( '%d min', '%d min', minutes, 'consent-chat' ), minutes );
	}
	/* translators: 1: hours, 2: minutes. */
	return sprintf( __( '%1$d h %2$d min', 'consent-chat' ), Math.floor( minutes / 60 ), minutes % 60 );
}

export function clockTime( at: number ): string {
	return new Date( at ).toLocaleTimeString( [], { hour: '2-digit', minute: '2-digit' } );
}
