/**
 * One chat's transcript. What visitors and agents type is rendered as text
 * nodes; the assistant's answers (Markdown, written by the site) go through
 * the widget's safe Markdown path (MarkdownText): none of it becomes HTML.
 * The assistant's messages are marked as its own, so the agent who took a
 * handed-over chat tells them from a colleague's.
 */
import { useEffect, useMemo, useRef } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import type { ChatMessage } from '../../server/protocol';
import { assistantEventText, assistantOffers, clockTime, systemText } from './format';
import { MarkdownText } from './markdown-text';
import type { PendingMessage } from './state';
import { dialogAnswers, dialogQuestions } from './transcript';

interface MessageListProps {
	messages: ChatMessage[];
	pending: PendingMessage[];
	visitorName: string;
	agentName: string;
	/** The chat's tab is shown (scroll only a visible list). */
	visible: boolean;
}

/** Within this many pixels of the bottom, new messages scroll into view. */
const STICK_PX = 48;

export function MessageList( { messages, pending, visitorName, agentName, visible }: MessageListProps ) {
	const ref = useRef< HTMLDivElement >( null );
	const stick = useRef( true );
	const count = messages.length + pending.length;
	const questions = useMemo( () => dialogQuestions( messages ), [ messages ] );

	useEffect( () => {
		const el = ref.current;
		if ( el && visible && stick.current ) {
			el.scrollTop = el.scrollHeight;
		}
	}, [ count, visible ] );

	return (
		<div
			ref={ ref }
			className="consent-chat-console__log"
			role="log"
			aria-live="polite"
			aria-label={ __( 'Messages', 'consent-chat' ) }
			tabIndex={ 0 }
			onScroll={ ( e ) => {
				const el = e.currentTarget;
				stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
			} }
		>
			{ messages.length === 0 && pending.length === 0 && (
				<p className="consent-chat-console__empty">{ __( 'No messages yet.', 'consent-chat' ) }</p>
			) }
			{ messages.map( ( m ) =>
				m.dialog === 'prechat' ? (
					// Its answers are shown above the transcript.
					<p key={ m.seq } className="consent-chat-console__msg consent-chat-console__msg--system">
						{ __( 'The visitor filled in the pre-chat form.', 'consent-chat' ) }
						<span className="consent-chat-console__time"> { clockTime( m.at ) }</span>
					</p>
				) : m.from === 'system' ? (
					<p key={ m.seq } className="consent-chat-console__msg consent-chat-console__msg--system">
						{ systemText( m ) }
						<span className="consent-chat-console__time"> { clockTime( m.at ) }</span>
					</p>
				) : m.from === 'assistant' ? (
					<AssistantMessage key={ m.seq } message={ m } />
				) : (
					<div
						key={ m.seq }
						className={ `consent-chat-console__msg consent-chat-console__msg--${ m.from }` }
					>
						<p className="consent-chat-console__author">
							{ m.from === 'visitor' ? visitorName : m.name || agentName }
							<span className="consent-chat-console__time"> { clockTime( m.at ) }</span>
						</p>
						{ m.text && <p className="consent-chat-console__text">{ m.text }</p> }
						{ m.fields && (
							<dl className="consent-chat-console__answers">
								{ dialogAnswers( m, questions ).map( ( a ) => (
									<div key={ a.id }>
										<dt>{ a.label }</dt>
										<dd>{ a.value }</dd>
									</div>
								) ) }
							</dl>
						) }
					</div>
				)
			) }
			{ pending.map( ( p ) => (
				<div
					key={ p.clientId }
					className="consent-chat-console__msg consent-chat-console__msg--agent consent-chat-console__msg--pending"
				>
					<p className="consent-chat-console__author">
						{ agentName }
						<span className="consent-chat-console__time"> { __( 'sending…', 'consent-chat' ) }</span>
					</p>
					<p className="consent-chat-console__text">{ p.text }</p>
				</div>
			) ) }
		</div>
	);
}

/** A message of the site's assistant: marked as its own; its answer drawn from Markdown, its events worded. */
function AssistantMessage( { message }: { message: ChatMessage } ) {
	const event = assistantEventText( message );
	return (
		<div className="consent-chat-console__msg consent-chat-console__msg--assistant">
			<p className="consent-chat-console__author">
				{ __( 'Automatic assistant', 'consent-chat' ) }
				<span className="consent-chat-console__time"> { clockTime( message.at ) }</span>
			</p>
			{ event !== null ? (
				<p className="consent-chat-console__text">{ event }</p>
			) : (
				message.text && <MarkdownText text={ message.text } className="consent-chat-console__markdown" />
			) }
			{ assistantOffers( message ).map( ( line ) => (
				<p key={ line } className="consent-chat-console__offer">
					{ line }
				</p>
			) ) }
		</div>
	);
}
