/**
 * One open chat: who and where, its status, the transcript and the reply box.
 * A closed chat stays readable until its tab is closed.
 */
import { Button, TextareaControl } from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { LIMITS } from '../../server/protocol/limits';
import { chatLabel, statusText, visitorLabel } from './format';
import { MessageList } from './message-list';
import { sortedMessages, type ChatState } from './state';

interface ChatPanelProps {
	chat: ChatState;
	agentName: string;
	visible: boolean;
	tabId: string;
	panelId: string;
	onSend: ( chatId: string, text: string ) => void;
	onEnd: ( chatId: string ) => void;
	onCloseTab: ( chatId: string ) => void;
}

export function ChatPanel( { chat, agentName, visible, tabId, panelId, onSend, onEnd, onCloseTab }: ChatPanelProps ) {
	const { view } = chat;
	const [ draft, setDraft ] = useState( '' );
	const closed = view.status === 'closed';
	const text = draft.trim();
	const tooLong = draft.length > LIMITS.maxTextLength;
	const canSend = ! closed && text.length > 0 && ! tooLong;

	const submit = () => {
		if ( ! canSend ) return;
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
						{ view.mode === 'ephemeral' && (
							<span>{ __( 'Transcript not stored', 'consent-chat' ) }</span>
						) }
					</p>
					{ /* Only while the visitor consents to chat tracking; gone when they withdraw. */ }
					{ view.page && (
						<p className="consent-chat-console__page">
							{ __( 'Current page:', 'consent-chat' ) }{ ' ' }
							<span title={ view.page.path }>{ view.page.title || view.page.path }</span>{ ' ' }
							<code>{ view.page.path }</code>
						</p>
					) }
				</div>
				{ closed ? (
					<Button variant="secondary" size="compact" onClick={ () => onCloseTab( view.id ) }>
						{ __( 'Close tab', 'consent-chat' ) }
					</Button>
				) : (
					<Button
						variant="secondary"
						size="compact"
						isDestructive
						onClick={ () => onEnd( view.id ) }
					>
						{ __( 'End chat', 'consent-chat' ) }
					</Button>
				) }
			</div>
			<MessageList
				messages={ sortedMessages( chat ) }
				pending={ [ ...chat.pending.values() ] }
				visitorName={ visitorLabel( view ) }
				agentName={ agentName || __( 'You', 'consent-chat' ) }
				visible={ visible }
			/>
			{ ! closed && (
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
						onChange={ setDraft }
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
