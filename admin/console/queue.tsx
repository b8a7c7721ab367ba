/**
 * The waiting chats of this site, oldest first, each with a "Take chat" button.
 */
import { Button, Card, CardBody, CardHeader } from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import type { QueueEntry } from '../../server/protocol';
import { chatLabel, waitingTime } from './format';

/** Often enough that "waiting 2 min" turns into "3 min" close to the minute. */
const REFRESH_MS = 10_000;

function useNow( intervalMs: number ): number {
	const [ now, setNow ] = useState( () => Date.now() );
	useEffect( () => {
		const timer = setInterval( () => setNow( Date.now() ), intervalMs );
		return () => clearInterval( timer );
	}, [ intervalMs ] );
	return now;
}

interface QueueProps {
	waiting: QueueEntry[];
	onTake: ( chatId: string ) => void;
	/** Taking needs a live connection. */
	disabled: boolean;
}

export function Queue( { waiting, onTake, disabled }: QueueProps ) {
	const now = useNow( REFRESH_MS );
	const entries = [ ...waiting ].sort( ( a, b ) => a.chat.createdAt - b.chat.createdAt );
	return (
		<Card className="consent-chat-console__queue" size="small">
			<CardHeader>
				<h2 className="consent-chat-console__heading">
					{ __( 'Waiting', 'consent-chat' ) }
					<span className="consent-chat-console__count">{ entries.length }</span>
				</h2>
			</CardHeader>
			<CardBody>
				{ entries.length === 0 ? (
					<p className="consent-chat-console__empty">
						{ __( 'Nobody is waiting.', 'consent-chat' ) }
					</p>
				) : (
					<ul className="consent-chat-console__queue-list">
						{ entries.map( ( entry ) => (
							<QueueItem
								key={ entry.chat.id }
								entry={ entry }
								now={ now }
								onTake={ onTake }
								disabled={ disabled }
							/>
						) ) }
					</ul>
				) }
			</CardBody>
		</Card>
	);
}

function QueueItem( {
	entry,
	now,
	onTake,
	disabled,
}: {
	entry: QueueEntry;
	now: number;
	onTake: ( chatId: string ) => void;
	disabled: boolean;
} ) {
	const { chat, preview } = entry;
	const describedBy = `consent-chat-queue-${ chat.id }`;
	return (
		<li className="consent-chat-console__queue-item">
			<div id={ describedBy } className="consent-chat-console__queue-text">
				<p className="consent-chat-console__preview">
					{ preview ?? (
						<em>{ __( 'No message yet', 'consent-chat' ) }</em>
					) }
				</p>
				<p className="consent-chat-console__meta">
					<span>{ chatLabel( chat ) }</span>
					<span>
						{ sprintf(
							/* translators: %s: how long the visitor has been waiting, e.g. "2 min". */
							__( 'waiting %s', 'consent-chat' ),
							waitingTime( chat.createdAt, now )
						) }
					</span>
					{ chat.from && (
						<span>
							{ sprintf(
								/* translators: %s: where the chat was started from (free text from the visitor's page or app). */
								__( 'from %s', 'consent-chat' ),
								chat.from
							) }
						</span>
					) }
					{ chat.dept && (
						<span>
							{ sprintf(
								/* translators: %s: department id. */
								__( 'department %s', 'consent-chat' ),
								chat.dept
							) }
						</span>
					) }
				</p>
			</div>
			<Button
				variant="primary"
				size="compact"
				aria-describedby={ describedBy }
				disabled={ disabled }
				accessibleWhenDisabled
				onClick={ () => onTake( chat.id ) }
			>
				{ __( 'Take chat', 'consent-chat' ) }
			</Button>
		</li>
	);
}
