/**
 * The answer of GET consent-chat/v1/stats (includes/class-stats.php), checked
 * on arrival so that the charts only ever see well-formed rows.
 */

export type CounterKind =
	| 'chat_started'
	| 'chat_ended'
	| 'message_received'
	| 'message_sent'
	/** The site's assistant gave an answer (a confident match, or one the visitor picked). */
	| 'assistant_answered'
	/** It found nothing for a visitor's message (which message is not kept: only that it happened). */
	| 'assistant_no_answer'
	/** It put a chat into the people's queue. */
	| 'assistant_handed_over';

/** One hour's counter at the chat service: no chat reference. */
export interface CounterRow {
	/** Start of the (UTC) hour, ms since the epoch. */
	hour: number;
	kind: CounterKind;
	count: number;
}

/** One hour's page views of one path (tracking embed, only after consent). */
export interface VisitRow {
	hour: number;
	path: string;
	referrerHost: string;
	views: number;
	returning: number;
}

export interface StatsData {
	/** The range as WordPress settled it, YYYY-MM-DD in the site's timezone. */
	from: string;
	to: string;
	timezone: string;
	chats: CounterRow[];
	visits: VisitRow[];
}

const KINDS: readonly string[] = [
	'chat_started',
	'chat_ended',
	'message_received',
	'message_sent',
	'assistant_answered',
	'assistant_no_answer',
	'assistant_handed_over',
];

type Obj = Record< string, unknown >;
const isObj = ( v: unknown ): v is Obj => typeof v === 'object' && v !== null && ! Array.isArray( v );
const num = ( v: unknown ): number => ( typeof v === 'number' && Number.isFinite( v ) ? v : 0 );
const str = ( v: unknown ): string => ( typeof v === 'string' ? v : '' );
const list = ( v: unknown ): Obj[] => ( Array.isArray( v ) ? v.filter( isObj ) : [] );

const isKind = ( v: unknown ): v is CounterKind => typeof v === 'string' && KINDS.includes( v );

/** The answer as StatsData, rows that do not fit dropped; null if it is not a stats answer at all. */
export function parseStats( raw: unknown ): StatsData | null {
	if ( ! isObj( raw ) || typeof raw.from !== 'string' || typeof raw.to !== 'string' ) return null;
	return {
		from: raw.from,
		to: raw.to,
		timezone: str( raw.timezone ),
		chats: list( raw.chats ).flatMap( ( r ): CounterRow[] =>
			isKind( r.kind ) ? [ { hour: num( r.hour ), kind: r.kind, count: num( r.count ) } ] : []
		),
		visits: list( raw.visits ).map( ( r ) => ( {
			hour: num( r.hour ),
			path: str( r.path ),
			referrerHost: str( r.referrerHost ),
			views: num( r.views ),
			returning: num( r.returning ),
		} ) ),
	};
}
