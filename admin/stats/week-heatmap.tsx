/**
 * When things happen: weekday × hour of the day, darker for more. The
 * image's name says the busiest hour; each cell has a tooltip; the table
 * switch shows all 168 figures.
 */
import { SelectControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import { busiest, type HeatMap, type HeatMetric } from './aggregate';
import { formatNumber, hourLabel, metricLabel, weekdayName } from './format';

interface Props {
	map: HeatMap;
	metric: HeatMetric;
	onMetric: ( metric: HeatMetric ) => void;
	locale: string;
	showTable: boolean;
}

const CELL = 20;
const LEFT = 40;
const TOP = 16;
const HOURS = Array.from( { length: 24 }, ( _, h ) => h );
const METRICS: HeatMetric[] = [ 'chats', 'messages', 'visits' ];

export function WeekHeatmap( { map, metric, onMetric, locale, showTable }: Props ): JSX.Element {
	const peak = busiest( map );
	const what = metricLabel( metric );
	const summary = peak
		? sprintf(
				/* translators: 1: what is counted (Chats, Messages, Visits), 2: weekday, 3: hour such as 14:00, 4: count. */
				__( '%1$s by weekday and hour. Busiest: %2$s at %3$s (%4$s).', 'consent-chat' ),
				what,
				weekdayName( peak.weekday, locale ),
				hourLabel( peak.hour ),
				formatNumber( peak.count, locale )
		  )
		: /* translators: %s: what is counted (Chats, Messages, Visits). */
		  sprintf( __( '%s by weekday and hour: none in this period.', 'consent-chat' ), what );

	return (
		<figure className="consent-chat-stats__chart" aria-labelledby="consent-chat-stats-week-title">
			<figcaption id="consent-chat-stats-week-title" className="consent-chat-stats__chart-title">
				{ __( 'Hour of the week', 'consent-chat' ) }
			</figcaption>
			<SelectControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				className="consent-chat-stats__metric"
				label={ __( 'Count', 'consent-chat' ) }
				value={ metric }
				options={ METRICS.map( ( m ) => ( { value: m, label: metricLabel( m ) } ) ) }
				onChange={ ( value: string ) => onMetric( METRICS.find( ( m ) => m === value ) ?? 'chats' ) }
			/>
			<svg className="consent-chat-stats__heatmap" role="img" aria-label={ summary } viewBox={ `0 0 ${ LEFT + 24 * CELL } ${ TOP + 7 * CELL }` }>
				{ HOURS.filter( ( h ) => h % 3 === 0 ).map( ( h ) => (
					<text key={ h } x={ LEFT + h * CELL + CELL / 2 } y={ TOP - 4 } textAnchor="middle" className="consent-chat-stats__tick">
						{ String( h ).padStart( 2, '0' ) }
					</text>
				) ) }
				{ map.weekdays.map( ( weekday, row ) => (
					<g key={ weekday }>
						<text x={ LEFT - 6 } y={ TOP + row * CELL + CELL / 2 + 4 } textAnchor="end" className="consent-chat-stats__tick">
							{ weekdayName( weekday, locale, 'short' ) }
						</text>
						{ HOURS.map( ( hour ) => {
							const count = map.cells[ row ][ hour ];
							// Never fully transparent when counted: one chat must still show.
							const strength = count === 0 ? 0 : 0.15 + 0.85 * ( count / map.max );
							return (
								<rect
									key={ hour }
									x={ LEFT + hour * CELL + 1 }
									y={ TOP + row * CELL + 1 }
									width={ CELL - 2 }
									height={ CELL - 2 }
									rx={ 2 }
									className={ count === 0 ? 'consent-chat-stats__cell is-empty' : 'consent-chat-stats__cell' }
									fillOpacity={ count === 0 ? undefined : strength }
								>
									<title>{ `${ weekdayName( weekday, locale ) } ${ hourLabel( hour ) }: ${ formatNumber( count, locale ) }` }</title>
								</rect>
							);
						} ) }
					</g>
				) ) }
			</svg>
			{ showTable && (
				<div className="consent-chat-stats__scroll">
					<table className="widefat striped consent-chat-stats__table">
						<caption className="screen-reader-text">{ summary }</caption>
						<thead>
							<tr>
								<th scope="col">{ __( 'Weekday', 'consent-chat' ) }</th>
								{ HOURS.map( ( h ) => (
									<th scope="col" key={ h }>
										{ hourLabel( h ) }
									</th>
								) ) }
							</tr>
						</thead>
						<tbody>
							{ map.weekdays.map( ( weekday, row ) => (
								<tr key={ weekday }>
									<th scope="row">{ weekdayName( weekday, locale ) }</th>
									{ HOURS.map( ( h ) => (
										<td key={ h }>{ formatNumber( map.cells[ row ][ h ], locale ) }</td>
									) ) }
								</tr>
							) ) }
						</tbody>
					</table>
				</div>
			) }
		</figure>
	);
}
