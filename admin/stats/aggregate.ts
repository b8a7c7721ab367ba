/**
 * From hour rows to what the Statistics page shows: totals, a row per day,
 * a 7×24 hour-of-week grid and the most visited pages — all on the site's
 * calendar (see site-clock.ts). Pure functions, so they are unit-tested
 * without a browser.
 */
import { daysBetween, siteClock } from './site-clock';
import type { CounterKind, StatsData } from './stats-data';

export interface Figures {
	/** Chats started. */
	chats: number;
	chatsEnded: number;
	/** Messages written by visitors (the service counts them as received). */
	visitorMessages: number;
	/** Messages written by agents (sent). */
	agentMessages: number;
	/** Page views of the tracking embed. */
	visits: number;
	/** Answers the site's assistant gave. */
	assistantAnswered: number;
	/** Visitor messages it found no answer for: where the site's answers have gaps. */
	assistantNoAnswer: number;
	/** Chats it handed over to the people's queue. */
	assistantHandedOver: number;
}

export interface DayFigures extends Figures {
	day: string;
}

export type HeatMetric = 'chats' | 'messages' | 'visits';

export interface HeatMap {
	/** Weekdays in display order (0 = Sunday), starting with the site's first day of the week. */
	weekdays: number[];
	/** cells[row][hour]: row as in `weekdays`, hour 0–23. */
	cells: number[][];
	max: number;
}

export interface PageFigures {
	path: string;
	views: number;
	returning: number;
}

const FIELD: Record< CounterKind, keyof Figures > = {
	chat_started: 'chats',
	chat_ended: 'chatsEnded',
	message_received: 'visitorMessages',
	message_sent: 'agentMessages',
	assistant_answered: 'assistantAnswered',
	assistant_no_answer: 'assistantNoAnswer',
	assistant_handed_over: 'assistantHandedOver',
};

const empty = (): Figures => ( {
	chats: 0,
	chatsEnded: 0,
	visitorMessages: 0,
	agentMessages: 0,
	visits: 0,
	assistantAnswered: 0,
	assistantNoAnswer: 0,
	assistantHandedOver: 0,
} );

/** Sums over the whole range. */
export function totals( data: StatsData ): Figures {
	const sum = empty();
	for ( const row of data.chats ) sum[ FIELD[ row.kind ] ] += row.count;
	for ( const row of data.visits ) sum.visits += row.views;
	return sum;
}

/**
 * One entry per day of the range, days without any count included (a chart
 * with gaps left out would misstate the trend). Rows outside the range —
 * the edges of a half-hour-offset zone — are not shown.
 */
export function byDay( data: StatsData ): DayFigures[] {
	const clock = siteClock( data.timezone );
	const days = new Map< string, DayFigures >( daysBetween( data.from, data.to ).map( ( day ) => [ day, { day, ...empty() } ] ) );
	for ( const row of data.chats ) {
		const entry = days.get( clock( row.hour ).day );
		if ( entry ) entry[ FIELD[ row.kind ] ] += row.count;
	}
	for ( const row of data.visits ) {
		const entry = days.get( clock( row.hour ).day );
		if ( entry ) entry.visits += row.views;
	}
	return [ ...days.values() ];
}

/** Counts by weekday and hour of the day: when chats come in, when visitors are there. */
export function hourOfWeek( data: StatsData, metric: HeatMetric, startOfWeek = 1 ): HeatMap {
	const clock = siteClock( data.timezone );
	const first = ( ( Math.trunc( startOfWeek ) % 7 ) + 7 ) % 7;
	const weekdays = Array.from( { length: 7 }, ( _, i ) => ( first + i ) % 7 );
	const cells = weekdays.map( () => new Array< number >( 24 ).fill( 0 ) );
	const add = ( hour: number, n: number ): void => {
		const at = clock( hour );
		cells[ ( at.weekday - first + 7 ) % 7 ][ at.hour ] += n;
	};
	if ( metric === 'visits' ) {
		for ( const row of data.visits ) add( row.hour, row.views );
	} else {
		for ( const row of data.chats ) {
			const counts = metric === 'chats' ? row.kind === 'chat_started' : row.kind === 'message_received' || row.kind === 'message_sent';
			if ( counts ) add( row.hour, row.count );
		}
	}
	return { weekdays, cells, max: Math.max( 0, ...cells.flat() ) };
}

/** The `limit` most viewed paths over the range (referrers summed in), most first; ties by path. */
export function topPages( data: StatsData, limit = 10 ): PageFigures[] {
	const pages = new Map< string, PageFigures >();
	for ( const row of data.visits ) {
		const page = pages.get( row.path ) ?? { path: row.path, views: 0, returning: 0 };
		page.views += row.views;
		page.returning += row.returning;
		pages.set( row.path, page );
	}
	return [ ...pages.values() ].sort( ( a, b ) => b.views - a.views || a.path.localeCompare( b.path ) ).slice( 0, limit );
}

/** The busiest cell of a heat map (first in display order on ties), or null when all are 0. */
export function busiest( map: HeatMap ): { weekday: number; hour: number; count: number } | null {
	let best: { weekday: number; hour: number; count: number } | null = null;
	for ( let r = 0; r < map.cells.length; r++ ) {
		for ( let hour = 0; hour < 24; hour++ ) {
			const count = map.cells[ r ][ hour ];
			if ( count > ( best?.count ?? 0 ) ) best = { weekday: map.weekdays[ r ], hour, count };
		}
	}
	return best;
}
