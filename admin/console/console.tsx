/**
 * The agent console page: presence and connection on top, the waiting list
 * beside the open chats (stacked on narrow screens).
 */
import { Card, CardBody, Notice, Spinner, ToggleControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import { ChatTabs } from './chat-tabs';
import { errorText } from './format';
import { Queue } from './queue';
import type { ConsoleState } from './state';
import { useAgentConnection, type AgentActions, type ConsoleConfig } from './use-agent-connection';

export function Console( { config }: { config: ConsoleConfig } ) {
	const { state, actions } = useAgentConnection( config );
	const connected = state.connection === 'open';
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
					<Card size="small" className="consent-chat-console__presence">
						<CardBody>
							<ToggleControl
								__nextHasNoMarginBottom
								label={ __( 'Online', 'consent-chat' ) }
								help={
									state.online
										? __( 'You can be assigned new chats.', 'consent-chat' )
										: __( 'You get no new chats; your open chats go on.', 'consent-chat' )
								}
								checked={ state.online === true }
								disabled={ state.online === null }
								onChange={ actions.setOnline }
							/>
							{ state.agentName && (
								<p className="consent-chat-console__meta">
									{ sprintf(
										/* translators: %s: the agent's display name. */
										__( 'Signed in as %s', 'consent-chat' ),
										state.agentName
									) }
								</p>
							) }
						</CardBody>
					</Card>
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
					/>
				</section>
			</div>
		</div>
	);
}

function ConnectionNotice( { state, actions }: { state: ConsoleState; actions: AgentActions } ) {
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
