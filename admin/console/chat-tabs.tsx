/**
 * The open chats as tabs (WAI-ARIA tabs pattern: arrow keys move between
 * tabs). All panels stay mounted so each keeps its reply draft.
 */
import { useEffect, useRef, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';
import type { ChatTools } from './chat-actions';
import { ChatPanel } from './chat-panel';
import { chatLabel, statusText } from './format';
import { handedOff } from './chat-queries';
import type { AgentIdentity, ChatState } from './state';

interface ChatTabsProps {
	chats: ChatState[];
	activeChatId: string | null;
	agentName: string;
	onSelect: ( chatId: string ) => void;
	onSend: ( chatId: string, text: string ) => void;
	onEnd: ( chatId: string ) => void;
	onCloseTab: ( chatId: string ) => void;
	tools: ChatTools;
	me: AgentIdentity | null;
}

const tabId = ( chatId: string ) => `consent-chat-tab-${ chatId }`;
const panelId = ( chatId: string ) => `consent-chat-panel-${ chatId }`;

/**
 * Per chat, the highest seq the agent has seen (had the tab open for). A chat
 * first seen counts its history up to `view.lastSeq` as seen.
 */
function useUnread( chats: ChatState[], activeChatId: string | null ): ( chat: ChatState ) => number {
	const [ seen, setSeen ] = useState< Record< string, number > >( {} );
	const active = chats.find( ( c ) => c.view.id === activeChatId );
	const activeSeq = active?.highestSeq ?? 0;
	useEffect( () => {
		if ( activeChatId ) {
			setSeen( ( s ) => ( s[ activeChatId ] === activeSeq ? s : { ...s, [ activeChatId ]: activeSeq } ) );
		}
	}, [ activeChatId, activeSeq ] );
	return ( chat ) => {
		if ( chat.view.id === activeChatId ) return 0;
		const from = seen[ chat.view.id ] ?? chat.view.lastSeq;
		let n = 0;
		for ( const m of chat.messages.values() ) {
			if ( m.seq > from && m.from === 'visitor' ) n++;
		}
		return n;
	};
}

export function ChatTabs( { chats, activeChatId, agentName, onSelect, onSend, onEnd, onCloseTab, tools, me }: ChatTabsProps ) {
	const unread = useUnread( chats, activeChatId );
	const listRef = useRef< HTMLDivElement >( null );

	if ( chats.length === 0 ) {
		return (
			<div className="consent-chat-console__no-chats">
				<p>{ __( 'No open chats. Take a chat from the waiting list to start.', 'consent-chat' ) }</p>
			</div>
		);
	}

	const focusTab = ( index: number ) => {
		const chat = chats[ ( index + chats.length ) % chats.length ];
		onSelect( chat.view.id );
		listRef.current?.querySelector< HTMLElement >( `#${ CSS.escape( tabId( chat.view.id ) ) }` )?.focus();
	};

	return (
		<div className="consent-chat-console__chats">
			<div
				ref={ listRef }
				role="tablist"
				aria-label={ __( 'Open chats', 'consent-chat' ) }
				className="consent-chat-console__tablist"
			>
				{ chats.map( ( chat, index ) => {
					const selected = chat.view.id === activeChatId;
					const count = unread( chat );
					return (
						<button
							key={ chat.view.id }
							id={ tabId( chat.view.id ) }
							type="button"
							role="tab"
							aria-selected={ selected }
							aria-controls={ panelId( chat.view.id ) }
							tabIndex={ selected ? 0 : -1 }
							className={ `consent-chat-console__tab is-${ chat.view.status }${ selected ? ' is-selected' : '' }` }
							onClick={ () => onSelect( chat.view.id ) }
							onKeyDown={ ( e ) => {
								const moves: Record< string, number > = {
									ArrowRight: index + 1,
									ArrowLeft: index - 1,
									Home: 0,
									End: chats.length - 1,
								};
								if ( e.key in moves ) {
									e.preventDefault();
									focusTab( moves[ e.key ] );
								}
							} }
						>
							<span className="consent-chat-console__tab-name">{ chatLabel( chat.view ) }</span>
							<span className="consent-chat-console__tab-status">
								{ handedOff( chat, me ) ? __( 'Transferred', 'consent-chat' ) : statusText( chat.view.status ) }
							</span>
							{ chat.visitorTyping && chat.view.id !== activeChatId && (
								<span className="consent-chat-console__tab-typing">{ __( 'typing…', 'consent-chat' ) }</span>
							) }
							{ count > 0 && (
								<span className="consent-chat-console__badge">
									<span aria-hidden="true">{ count }</span>
									<span className="screen-reader-text">
										{ sprintf(
											/* translators: %d: number of unread messages. */
											_n( '%d unread message', '%d unread messages', count, 'consent-chat' ),
											count
										) }
									</span>
								</span>
							) }
						</button>
					);
				} ) }
			</div>
			{ chats.map( ( chat ) => (
				<ChatPanel
					key={ chat.view.id }
					chat={ chat }
					agentName={ agentName }
					visible={ chat.view.id === activeChatId }
					tabId={ tabId( chat.view.id ) }
					panelId={ panelId( chat.view.id ) }
					onSend={ onSend }
					onEnd={ onEnd }
					onCloseTab={ onCloseTab }
					tools={ tools }
					me={ me }
				/>
			) ) }
		</div>
	);
}
