/**
 * Where an hour of the service's counters falls on the site's calendar.
 *
 * Admins read "Monday 9:00" in the site's timezone (Settings → General),
 * not their browser's, so WordPress passes it in: either an IANA name
 * ("Europe/Berlin") or, when the site is set to a plain UTC offset, "+05:30"
 * — which Intl does not take everywhere, so offsets are applied by hand.
 */

export interface LocalHour {
	/** The day, YYYY-MM-DD. */
	day: string;
	/** 0 = Sunday … 6 = Saturday, as JavaScript and WordPress's start_of_week count. */
	weekday: number;
	/** 0–23. In a zone with a half-hour offset, the hour the counter's hour starts in. */
	hour: number;
}

const OFFSET = /^([+-])(\d{2}):(\d{2})$/;

const pad = ( n: number ): string => String( n ).padStart( 2, '0' );

const fromUtcFields = ( d: Date ): LocalHour => ( {
	day: `${ d.getUTCFullYear() }-${ pad( d.getUTCMonth() + 1 ) }-${ pad( d.getUTCDate() ) }`,
	weekday: d.getUTCDay(),
	hour: d.getUTCHours(),
} );

/** A function from epoch ms to the site's local day, weekday and hour. An unknown zone counts as UTC. */
export function siteClock( timezone: string ): ( ms: number ) => LocalHour {
	const offset = OFFSET.exec( timezone );
	if ( offset ) {
		const minutes = ( offset[ 1 ] === '-' ? -1 : 1 ) * ( Number( offset[ 2 ] ) * 60 + Number( offset[ 3 ] ) );
		return ( ms ) => fromUtcFields( new Date( ms + minutes * 60_000 ) );
	}
	let format: Intl.DateTimeFormat;
	try {
		format = new Intl.DateTimeFormat( 'en-US', {
			timeZone: timezone || 'UTC',
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
		} );
	} catch {
		return ( ms ) => fromUtcFields( new Date( ms ) );
	}
	// A range has a few hundred distinct hours, each asked for by several rows.
	const seen = new Map< number, LocalHour >();
	return ( ms ) => {
		const known = seen.get( ms );
		if ( known ) return known;
		const parts: Record< string, number > = {};
		for ( const p of format.formatToParts( ms ) ) {
			if ( p.type !== 'literal' ) parts[ p.type ] = Number( p.value );
		}
		const local = fromUtcFields( new Date( Date.UTC( parts.year, parts.month - 1, parts.day, parts.hour ) ) );
		seen.set( ms, local );
		return local;
	};
}

/** Every day from `from` to `to` (YYYY-MM-DD, both included), in order. */
export function daysBetween( from: string, to: string ): string[] {
	const days: string[] = [];
	const end = Date.parse( `${ to }T00:00:00Z` );
	for ( let t = Date.parse( `${ from }T00:00:00Z` ); t <= end; t += 86_400_000 ) {
		days.push( new Date( t ).toISOString().slice( 0, 10 ) );
	}
	return days;
}

/** The day `n` days before (negative: after) a YYYY-MM-DD day. */
export function shiftDay( day: string, n: number ): string {
	return new Date( Date.parse( `${ day }T00:00:00Z` ) - n * 86_400_000 ).toISOString().slice( 0, 10 );
}
