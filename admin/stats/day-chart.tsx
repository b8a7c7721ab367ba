/**
 * Bars per day (stacked when there are several series), drawn as a small
 * SVG: a chart library would outweigh this whole page. Screen readers get a
 * summary as the image's name; every bar has a tooltip; the page's "show
 * the figures as tables" switch adds the exact table.
 */
import { __, sprintf } from '@wordpress/i18n';
import type { DayFigures } from './aggregate';
import { formatDay, formatNumber } from './format';

export interface Series {
	label: string;
	/** Modifier of the bar's class: its colour (stats.scss). */
	tone: 'primary' | 'secondary' | 'tertiary';
	value: ( day: DayFigures ) => number;
}

interface Props {
	id: string;
	title: string;
	days: DayFigures[];
	series: Series[];
	locale: string;
	showTable: boolean;
}

const HEIGHT = 120;
const BAR = 10;
const GAP = 4;

export function DayChart( { id, title, days, series, locale, showTable }: Props ): JSX.Element {
	const sums = days.map( ( d ) => series.reduce( ( n, s ) => n + s.value( d ), 0 ) );
	const max = Math.max( 1, ...sums );
	const total = sums.reduce( ( a, b ) => a + b, 0 );
	const top = sums.indexOf( Math.max( ...sums ) );
	const width = days.length * ( BAR + GAP );
	const summary =
		total === 0 || top < 0
			? /* translators: %s: the chart's title. */
			  sprintf( __( '%s: none in this period.', 'consent-chat' ), title )
			: sprintf(
					/* translators: 1: the chart's title, 2: total, 3: the busiest day, 4: its count. */
					__( '%1$s: %2$s in total; most on %3$s (%4$s).', 'consent-chat' ),
					title,
					formatNumber( total, locale ),
					formatDay( days[ top ].day, locale ),
					formatNumber( sums[ top ], locale )
			  );

	return (
		<figure className="consent-chat-stats__chart" aria-labelledby={ `${ id }-title` }>
			<figcaption id={ `${ id }-title` } className="consent-chat-stats__chart-title">
				{ title }
			</figcaption>
			{ series.length > 1 && (
				<ul className="consent-chat-stats__legend" aria-hidden="true">
					{ series.map( ( s ) => (
						<li key={ s.label }>
							<span className={ `consent-chat-stats__swatch is-${ s.tone }` } />
							{ s.label }
						</li>
					) ) }
				</ul>
			) }
			<svg
				className="consent-chat-stats__bars"
				role="img"
				aria-label={ summary }
				viewBox={ `0 0 ${ Math.max( width, 1 ) } ${ HEIGHT }` }
				preserveAspectRatio="none"
			>
				<line x1="0" x2={ width } y1={ HEIGHT - 0.5 } y2={ HEIGHT - 0.5 } className="consent-chat-stats__axis" />
				{ days.map( ( d, i ) => {
					let y = HEIGHT;
					return (
						<g key={ d.day }>
							<title>
								{ `${ formatDay( d.day, locale ) }: ${ series.map( ( s ) => `${ s.label } ${ formatNumber( s.value( d ), locale ) }` ).join( ', ' ) }` }
							</title>
							{ /* A transparent column: the tooltip works on empty days too. */ }
							<rect x={ i * ( BAR + GAP ) } y={ 0 } width={ BAR + GAP } height={ HEIGHT } className="consent-chat-stats__hit" />
							{ series.map( ( s ) => {
								const h = ( s.value( d ) / max ) * ( HEIGHT - 4 );
								y -= h;
								return h > 0 ? <rect key={ s.label } x={ i * ( BAR + GAP ) + GAP / 2 } y={ y } width={ BAR } height={ h } className={ `consent-chat-stats__bar is-${ s.tone }` } /> : null;
							} ) }
						</g>
					);
				} ) }
			</svg>
			<div className="consent-chat-stats__axis-labels" aria-hidden="true">
				<span>{ days.length ? formatDay( days[ 0 ].day, locale, false ) : '' }</span>
				<span>
					{
						/* translators: %s: the highest daily count, the top of the chart's scale. */
						sprintf( __( 'Highest bar: %s', 'consent-chat' ), formatNumber( total === 0 ? 0 : max, locale ) )
					}
				</span>
				<span>{ days.length ? formatDay( days[ days.length - 1 ].day, locale, false ) : '' }</span>
			</div>
			{ showTable && (
				<table className="widefat striped consent-chat-stats__table">
					<caption className="screen-reader-text">{ title }</caption>
					<thead>
						<tr>
							<th scope="col">{ __( 'Day', 'consent-chat' ) }</th>
							{ series.map( ( s ) => (
								<th scope="col" key={ s.label }>
									{ s.label }
								</th>
							) ) }
						</tr>
					</thead>
					<tbody>
						{ days.map( ( d ) => (
							<tr key={ d.day }>
								<th scope="row">{ formatDay( d.day, locale ) }</th>
								{ series.map( ( s ) => (
									<td key={ s.label }>{ formatNumber( s.value( d ), locale ) }</td>
								) ) }
							</tr>
						) ) }
					</tbody>
				</table>
			) }
		</figure>
	);
}
