/**
 * What WordPress hands the Statistics page in `data-config`
 * (includes/class-stats-page.php), read defensively: a missing or odd value
 * falls back to a default rather than breaking the page.
 */

export interface StatsConfig {
	/** REST path of the statistics route, for apiFetch. */
	path: string;
	/** Full URL of the CSV export, with a REST nonce. */
	csvUrl: string;
	/** The site's timezone: an IANA name or an offset such as "+05:30". */
	timezone: string;
	/** 0 = Sunday … 6 = Saturday (Settings → General → Week Starts On). */
	startOfWeek: number;
	/** Today in the site's timezone, YYYY-MM-DD: the browser's clock may be elsewhere. */
	today: string;
	defaultDays: number;
	maxDays: number;
	/** The user's language as a BCP 47 tag, for numbers, dates and weekday names. */
	locale: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function readConfig( json: string | undefined ): StatsConfig {
	let data: unknown = null;
	try {
		data = JSON.parse( json ?? 'null' );
	} catch {
		// fall through to the defaults
	}
	const raw = ( typeof data === 'object' && data !== null ? data : {} ) as Record< string, unknown >;
	const text = ( key: string, fallback: string ): string => ( typeof raw[ key ] === 'string' && raw[ key ] !== '' ? ( raw[ key ] as string ) : fallback );
	const int = ( key: string, fallback: number ): number => ( Number.isInteger( raw[ key ] ) ? ( raw[ key ] as number ) : fallback );
	const today = text( 'today', new Date().toISOString().slice( 0, 10 ) );
	return {
		path: text( 'path', '/consent-chat/v1/stats' ),
		csvUrl: text( 'csvUrl', '' ),
		timezone: text( 'timezone', 'UTC' ),
		startOfWeek: int( 'startOfWeek', 1 ),
		today: DAY.test( today ) ? today : new Date().toISOString().slice( 0, 10 ),
		defaultDays: int( 'defaultDays', 30 ),
		maxDays: int( 'maxDays', 366 ),
		locale: text( 'locale', 'en-US' ),
	};
}
