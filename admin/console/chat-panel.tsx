/**
 * One open chat: who and where, its status, the transcript and the reply box.
 * A closed chat stays readable until its tab is closed.
 */
import { Button, Notice, TextareaControl } from '@wordpress/components';
import { useEffect, useRef, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { LIMITS } from '../../server/protocol/limits';
import { chatLabel, statusText, visitorLabel } from './format';
import { KeepToggle, TransferButton, type ChatTools } from './chat-actions';
import { MessageList } from './message-list';
import { handedOff, prechatAnswers, sortedMessages } from './chat-queries';
import type { AgentIdentity, ChatState } from './state';
import { TypingSignal, TYPING_IDLE_MS } from './typing';

interface ChatPanelProps {
	chat: ChatState;
	agentName: string;
	visible: boolean;
	tabId: string;
	panelId: string;
	onSend: ( chatId: string, text: string ) => void;
	onEnd: ( chatId: string ) => void;
	onCloseTab: ( chatId: string ) => void;
	tools: ChatTools;
	me: AgentIdentity | null;
}

export function ChatPanel( { chat, agentName, visible, tabId, panelId, onSend, onEnd, onCloseTab, tools, me }: ChatPanelProps ) {
	const { view } = chat;
	const [ draft, setDraft ] = useState( '' );
	const closed = view.status === 'closed';
	/** Transferred away: readable, no longer ours to answer. */
	const away = handedOff( chat, me );
	const text = draft.trim();
	const tooLong = draft.length > LIMITS.maxTextLength;
	const canSend = ! closed && ! away && text.length > 0 && ! tooLong;
	const answers = prechatAnswers( chat );

	const typingSignal = useRef( new TypingSignal() );
	const idleTimer = useRef< ReturnType< typeof setTimeout > >();
	const stopTyping = () => {
		clearTimeout( idleTimer.current );
		const value = typingSignal.current.stop();
		if ( value !== null ) tools.typing( view.id, value );
	};
	const onDraft = ( value: string ) => {
		setDraft( value );
		const signal = typingSignal.current.input( value, Date.now() );
		if ( signal !== null ) tools.typing( view.id, signal );
		clearTimeout( idleTimer.current );
		if ( value.trim() !== '' ) idleTimer.current = setTimeout( stopTyping, TYPING_IDLE_MS );
	};
	useEffect( () => () => clearTimeout( idleTimer.current ), [] );
	// Switching to another chat's tab, or the chat ending, also ends "typing" here.
	useEffect( () => {
		if ( ! visible || closed || away ) stopTyping();
	}, [ visible, closed, away ] ); // eslint-disable-line react-hooks/exhaustive-deps

	const submit = () => {
		if ( ! canSend ) return;
		stopTyping();
		onSend( view.id, text );
		setDraft( '' );
	};

	return (
		<div
			id={ panelId }
			role="tabpanel"
			aria-labelledby={ tabId }
			hidden={ ! visible }
			className="consent-chat-console__panel"
		>
			<div className="consent-chat-console__panel-head">
				<div>
					<p className="consent-chat-console__visitor">{ chatLabel( view ) }</p>
					<p className="consent-chat-console__meta">
						<span className={ `consent-chat-console__status is-${ view.status }` }>
							{ statusText( view.status ) }
						</span>
						{ view.from && (
							<span>
								{ sprintf(
									/* translators: %s: where the chat was started from. */
									__( 'from %s', 'consent-chat' ),
									view.from
								) }
							</span>
						) }
						{ view.dept && (
							<span>
								{ sprintf(
									/* translators: %s: department id. */
									__( 'department %s', 'consent-chat' ),
									view.dept
								) }
							</span>
						) }
						{ view.mode === 'ephemeral' && (
							<span>{ __( 'Transcript not stored', 'consent-chat' ) }</span>
						) }
						{ view.keep && <span>{ __( 'Kept as a record', 'consent-chat' ) }</span> }
					</p>
					{ answers.length > 0 && (
						<dl className="consent-chat-console__answers" aria-label={ __( 'Pre-chat form', 'consent-chat' ) }>
							{ answers.map( ( [ id, value ] ) => (
								<div key={ id }>
									<dt>{ fieldLabel( id, tools.fieldLabels ) }</dt>
									<dd>{ value }</dd>
								</div>
							) ) }
						</dl>
					) }
					{ /* Only while the visitor consents to chat tracking; gone when they withdraw. */ }
					{ view.page && (
						<p className="consent-chat-console__page">
							{ __( 'Current page:', 'consent-chat' ) }{ ' ' }
							<span title={ view.page.path }>{ view.page.title || view.page.path }</span>{ ' ' }
							<code>{ view.page.path }</code>
						</p>
					) }
					{ view.pages && view.pages.length > 1 && (
						<details className="consent-chat-console__pages">
							<summary>
								{ sprintf(
									/* translators: %d: number of pages. */
									__( 'Pages of this visit (%d)', 'consent-chat' ),
									view.pages.length
								) }
							</summary>
							<ol>
								{ view.pages.map( ( p, i ) => (
									<li key={ `${ i }-${ p.path }` }>
										{ p.title || p.path } <code>{ p.path }</code>
									</li>
								) ) }
							</ol>
						</details>
					) }
				</div>
				{ closed || away ? (
					<Button variant="secondary" size="compact" onClick={ () => onCloseTab( view.id ) }>
						{ __( 'Close tab', 'consent-chat' ) }
					</Button>
				) : (
					<div className="consent-chat-console__panel-actions">
						<TransferButton view={ view } tools={ tools } />
						<Button
							variant="secondary"
							size="compact"
							isDestructive
							onClick={ () => onEnd( view.id ) }
						>
							{ __( 'End chat', 'consent-chat' ) }
						</Button>
					</div>
				) }
			</div>
			{ away && (
				<Notice status="info" isDismissible={ false } className="consent-chat-console__notice">
					{ view.agentName
						? sprintf(
								/* translators: %s: the agent's display name. */
								__( 'You transferred this chat to %s.', 'consent-chat' ),
								view.agentName
						  )
						: __( 'You transferred this chat back to the waiting list.', 'consent-chat' ) }
				</Notice>
			) }
			{ ! closed && ! away && <KeepToggle view={ view } tools={ tools } /> }
			<MessageList
				messages={ sortedMessages( chat ) }
				pending={ [ ...chat.pending.values() ] }
				visitorName={ visitorLabel( view ) }
				agentName={ agentName || __( 'You', 'consent-chat' ) }
				visible={ visible }
			/>
			<p className="consent-chat-console__typing" aria-live="polite">
				{ chat.visitorTyping && ! closed && ! away ? __( 'Visitor is typing…', 'consent-chat' ) : '' }
			</p>
			{ ! closed && ! away && (
				<form
					className="consent-chat-console__reply"
					onSubmit={ ( e ) => {
						e.preventDefault();
						submit();
					} }
				>
					<TextareaControl
						__nextHasNoMarginBottom
						label={ __( 'Reply', 'consent-chat' ) }
						help={
							tooLong
								? sprintf(
										/* translators: %d: maximum number of characters. */
										__( 'The message is too long (at most %d characters).', 'consent-chat' ),
										LIMITS.maxTextLength
								  )
								: __( 'Enter sends, Shift+Enter starts a new line.', 'consent-chat' )
						}
						rows={ 3 }
						value={ draft }
						onChange={ onDraft }
						onBlur={ stopTyping }
						onKeyDown={ ( e ) => {
							if ( e.key === 'Enter' && ! e.shiftKey && ! e.nativeEvent.isComposing ) {
								e.preventDefault();
								submit();
							}
						} }
					/>
					<Button variant="primary" type="submit" disabled={ ! canSend } accessibleWhenDisabled>
						{ __( 'Send', 'consent-chat' ) }
					</Button>
				</form>
			) }
		</div>
	);
}

/**
 * The agent's label for a pre-chat answer: short ones for the built-in
 * fields, the site's own label (as visitors saw it) for others, else the id.
 */
function fieldLabel( id: string, labels: Record< string, string > ): string {
	switch ( id ) {
		case 'name':
			return __( 'Name', 'consent-chat' );
		case 'email':
			return __( 'Email', 'consent-chat' );
	}
	return labels[ id ] || id;
}
