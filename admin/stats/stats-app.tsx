/**
 * The Statistics page: period, totals, charts per day, hour of the week,
 * visits by page, CSV export. Everything is computed here from the hour rows
 * WordPress passes on, on the site's calendar.
 */
import { Button, Card, CardBody, Notice, Spinner, ToggleControl } from '@wordpress/components';
import { useMemo, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import { byDay, hourOfWeek, topPages, totals, type HeatMetric } from './aggregate';
import { assistantSeries, AssistantTotals } from './assistant-totals';
import type { StatsConfig } from './config';
import { DayChart, type Series } from './day-chart';
import { lastDays, RangePicker } from './range-picker';
import type { StatsData } from './stats-data';
import { TopPages } from './top-pages';
import { Totals } from './totals';
import { useStats, type Range } from './use-stats';
import { WeekHeatmap } from './week-heatmap';

function csvHref( base: string, range: Range ): string {
	const url = new URL( base, window.location.href );
	url.searchParams.set( 'from', range.from );
	url.searchParams.set( 'to', range.to );
	return url.toString();
}

/** The charts per day: what each one adds up. */
function dayCharts(): Array< { id: string; title: string; series: Series[] } > {
	return [
		{
			id: 'consent-chat-stats-chats',
			title: __( 'Chats per day', 'consent-chat' ),
			series: [ { label: __( 'Chats', 'consent-chat' ), tone: 'primary', value: ( d ) => d.chats } ],
		},
		{
			id: 'consent-chat-stats-messages',
			title: __( 'Messages per day', 'consent-chat' ),
			series: [
				{ label: __( 'From visitors', 'consent-chat' ), tone: 'primary', value: ( d ) => d.visitorMessages },
				{ label: __( 'From agents', 'consent-chat' ), tone: 'secondary', value: ( d ) => d.agentMessages },
			],
		},
		{
			id: 'consent-chat-stats-visits',
			title: __( 'Visits per day', 'consent-chat' ),
			series: [ { label: __( 'Visits', 'consent-chat' ), tone: 'tertiary', value: ( d ) => d.visits } ],
		},
		{
			id: 'consent-chat-stats-assistant',
			title: __( 'Assistant per day', 'consent-chat' ),
			series: assistantSeries(),
		},
	];
}

function Figures( { data, config }: { data: StatsData; config: StatsConfig } ): JSX.Element {
	const [ metric, setMetric ] = useState< HeatMetric >( 'chats' );
	const [ showTables, setShowTables ] = useState( false );
	const sums = useMemo( () => totals( data ), [ data ] );
	const days = useMemo( () => byDay( data ), [ data ] );
	const week = useMemo( () => hourOfWeek( data, metric, config.startOfWeek ), [ data, metric, config.startOfWeek ] );
	const pages = useMemo( () => topPages( data, 10 ), [ data ] );
	const { locale } = config;
	return (
		<>
			<Totals figures={ sums } locale={ locale } />
			<AssistantTotals figures={ sums } locale={ locale } />
			<ToggleControl
				__nextHasNoMarginBottom
				className="consent-chat-stats__tables-toggle"
				label={ __( 'Show the charts’ figures as tables', 'consent-chat' ) }
				checked={ showTables }
				onChange={ setShowTables }
			/>
			<div className="consent-chat-stats__grid">
				{ dayCharts().map( ( chart ) => (
					<Card key={ chart.id }>
						<CardBody>
							<DayChart { ...chart } days={ days } locale={ locale } showTable={ showTables } />
						</CardBody>
					</Card>
				) ) }
				<Card>
					<CardBody>
						<WeekHeatmap map={ week } metric={ metric } onMetric={ setMetric } locale={ locale } showTable={ showTables } />
					</CardBody>
				</Card>
			</div>
			<TopPages pages={ pages } locale={ locale } />
		</>
	);
}

export function StatsApp( { config }: { config: StatsConfig } ): JSX.Element {
	const [ range, setRange ] = useState< Range >( () => lastDays( config.today, config.defaultDays ) );
	const [ attempt, setAttempt ] = useState( 0 );
	const state = useStats( config.path, range, attempt );
	return (
		<div className="consent-chat-stats__app">
			<div className="consent-chat-stats__toolbar">
				<RangePicker range={ range } today={ config.today } onChange={ setRange } />
				{ config.csvUrl !== '' && (
					<Button __next40pxDefaultSize variant="secondary" href={ csvHref( config.csvUrl, range ) } download>
						{ __( 'Download CSV', 'consent-chat' ) }
					</Button>
				) }
			</div>
			<div aria-live="polite" aria-busy={ state.status === 'loading' }>
				{ state.status === 'loading' && (
					<p className="consent-chat-stats__loading">
						<Spinner />
						{ __( 'Loading statistics…', 'consent-chat' ) }
					</p>
				) }
				{ state.status === 'error' && (
					<Notice
						status="error"
						isDismissible={ false }
						actions={ [ { label: __( 'Try again', 'consent-chat' ), onClick: () => setAttempt( ( n ) => n + 1 ) } ] }
					>
						{ state.message }
					</Notice>
				) }
			</div>
			{ state.status === 'ready' && <Figures data={ state.data } config={ config } /> }
		</div>
	);
}
