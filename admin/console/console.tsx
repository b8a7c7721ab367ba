/**
 * The agent console page: presence and connection on top, the waiting list
 * beside the open chats (stacked on narrow screens).
 */
import { Notice, Spinner } from '@wordpress/components';
import { useMemo, useRef } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import type { ChatTools } from './chat-actions';
import { ChatTabs } from './chat-tabs';
import { errorText } from './format';
import { Presence } from './presence';
import { Queue } from './queue';
import { knownDepts, transferTargets } from './chat-queries';
import type { ConsoleState } from './state';
import { useAgentConnection, type AgentActions, type ConsoleConfig } from './use-agent-connection';
import { useAlerts } from './use-alerts';

export function Console( { config }: { config: ConsoleConfig } ) {
	// The alerts' "open that chat" needs the connection's select, made below.
	const selectRef = useRef< ( chatId: string ) => void >( () => {} );
	const alerts = useAlerts( ( chatId ) => selectRef.current( chatId ) );
	const { state, actions } = useAgentConnection( config, alerts.onAlerts );
	selectRef.current = actions.select;
	const connected = state.connection === 'open';
	const targets = transferTargets( state );
	// The site's departments first-class, plus any the service mentions (e.g. from an older link).
	const depts = [ ...new Set( [ ...Object.keys( config.departments ), ...knownDepts( state ) ] ) ].sort();
	const tools: ChatTools = useMemo(
		() => ( {
			agents: targets,
			depts,
			deptNames: config.departments,
			fieldLabels: config.fieldLabels,
			transfer: actions.transfer,
			keep: actions.keep,
			typing: actions.typing,
		} ),
		// eslint-disable-next-line react-hooks/exhaustive-deps
		[ state.agents, state.me, state.queue, state.chats, state.depts, config.fieldLabels, config.departments ]
	);
	return (
		<div className="consent-chat-console__layout">
			<ConnectionNotice state={ state } actions={ actions } />
			{ state.errors.map( ( error ) => (
				<Notice
					key={ error.id }
					status="error"
					className="consent-chat-console__notice"
					onRemove={ () => actions.dismissError( error.id ) }
				>
					{ errorText( error ) }
				</Notice>
			) ) }
			<div className="consent-chat-console__columns">
				<aside className="consent-chat-console__side">
					<Presence state={ state } setOnline={ actions.setOnline } setDepts={ actions.setDepts } alerts={ alerts } deptNames={ config.departments } />
					<Queue waiting={ state.queue } onTake={ actions.take } disabled={ ! connected } />
				</aside>
				<section className="consent-chat-console__main" aria-label={ __( 'Open chats', 'consent-chat' ) }>
					<ChatTabs
						chats={ [ ...state.chats.values() ] }
						activeChatId={ state.activeChatId }
						agentName={ state.agentName }
						onSelect={ actions.select }
						onSend={ actions.send }
						onEnd={ actions.end }
						onCloseTab={ actions.closeTab }
						tools={ tools }
						me={ state.me }
					/>
				</section>
			</div>
		</div>
	);
}

function ConnectionNotice( { state, actions }: { state: ConsoleState; actions: AgentActions } ) {
	if ( state.accessEnded ) {
		return (
			<Notice status="error" isDismissible={ false } className="consent-chat-console__notice">
				{ __( 'You no longer have access to live chat: your Chat agent role was removed, or you were logged out. Reload the page to sign in again.', 'consent-chat' ) }
			</Notice>
		);
	}
	switch ( state.connection ) {
		case 'connecting':
			return (
				<p className="consent-chat-console__connecting" role="status">
					<Spinner />
					{ __( 'Connecting to the chat service…', 'consent-chat' ) }
				</p>
			);
		case 'reconnecting':
			return (
				<Notice status="warning" isDismissible={ false } className="consent-chat-console__notice">
					{ __( 'Reconnecting…', 'consent-chat' ) }
				</Notice>
			);
		case 'closed':
			return (
				<Notice
					status="error"
					isDismissible={ false }
					className="consent-chat-console__notice"
					actions={ [ { label: __( 'Reconnect', 'consent-chat' ), onClick: actions.reconnect, variant: 'primary' } ] }
				>
					{ __( 'Disconnected from the chat service.', 'consent-chat' ) }
				</Notice>
			);
		case 'open':
			return null;
	}
	return null;
}
