/**
 * The range's sums, as a definition list (label, then figure).
 */
import { __ } from '@wordpress/i18n';
import type { Figures } from './aggregate';
import { formatNumber } from './format';

export function Totals( { figures, locale }: { figures: Figures; locale: string } ): JSX.Element {
	const items: Array< [ string, number ] > = [
		[ __( 'Chats', 'consent-chat' ), figures.chats ],
		[ __( 'Messages from visitors', 'consent-chat' ), figures.visitorMessages ],
		[ __( 'Messages from agents', 'consent-chat' ), figures.agentMessages ],
		[ __( 'Visits', 'consent-chat' ), figures.visits ],
	];
	return (
		<dl className="consent-chat-stats__totals">
			{ items.map( ( [ label, value ] ) => (
				<div key={ label } className="consent-chat-stats__total">
					<dt>{ label }</dt>
					<dd>{ formatNumber( value, locale ) }</dd>
				</div>
			) ) }
		</dl>
	);
}
