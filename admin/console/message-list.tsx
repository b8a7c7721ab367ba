/**
 * One chat's transcript. Everything is rendered as text nodes: what visitors
 * and agents type never becomes HTML here.
 */
import { useEffect, useRef } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import type { ChatMessage } from '../../server/protocol';
import { clockTime, systemText } from './format';
import type { PendingMessage } from './state';

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
								{ Object.entries( m.fields ).map( ( [ id, value ] ) => (
									<div key={ id }>
										<dt>{ id }</dt>
										<dd>{ value }</dd>
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
