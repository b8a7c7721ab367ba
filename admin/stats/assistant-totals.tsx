/**
 * The site's assistant over the range: answers given, messages it found no
 * answer for, chats handed over to people. The service counts these by the
 * hour with no chat reference and keeps none of the visitors' words, so the
 * page can say how often nothing was found — a sign of which answers to
 * write next — but never what was asked.
 */
import { __ } from '@wordpress/i18n';
import type { Figures } from './aggregate';
import type { Series } from './day-chart';
import { formatNumber } from './format';

/** The per-day chart's series (stats-app.tsx draws it with the other charts). */
export function assistantSeries(): Series[] {
	return [
		{ label: __( 'Answered by the assistant', 'consent-chat' ), tone: 'primary', value: ( d ) => d.assistantAnswered },
		{ label: __( 'No answer found', 'consent-chat' ), tone: 'secondary', value: ( d ) => d.assistantNoAnswer },
		{ label: __( 'Handed over to a person', 'consent-chat' ), tone: 'tertiary', value: ( d ) => d.assistantHandedOver },
	];
}

export function AssistantTotals( { figures, locale }: { figures: Figures; locale: string } ): JSX.Element {
	const items: Array< [ string, number ] > = [
		[ __( 'Answered by the assistant', 'consent-chat' ), figures.assistantAnswered ],
		[ __( 'No answer found', 'consent-chat' ), figures.assistantNoAnswer ],
		[ __( 'Handed over to a person', 'consent-chat' ), figures.assistantHandedOver ],
	];
	return (
		<section className="consent-chat-stats__assistant" aria-labelledby="consent-chat-stats-assistant-title">
			<h2 id="consent-chat-stats-assistant-title" className="consent-chat-stats__section-title">
				{ __( 'Automatic assistant', 'consent-chat' ) }
			</h2>
			<p className="consent-chat-stats__hint">
				{ __(
					'“No answer found” counts the messages the assistant had no answer for: the more there are, the more it pays to write answers for what visitors ask. What they asked is not kept, only how often.',
					'consent-chat'
				) }
			</p>
			<dl className="consent-chat-stats__assistant-totals">
				{ items.map( ( [ label, value ] ) => (
					<div key={ label } className="consent-chat-stats__total">
						<dt>{ label }</dt>
						<dd>{ formatNumber( value, locale ) }</dd>
					</div>
				) ) }
			</dl>
		</section>
	);
}
