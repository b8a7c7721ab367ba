/**
 * Statistics counters not yet written: per site, hour and kind. Every relayed
 * message bumps one, so this is on the relay's hot path. A string key per
 * bump ("site|hour|kind") cost about 2.5% of the stored relay's CPU in a
 * profile (a new string to build and hash each time); here the bucket of the
 * last bump is reused and a bump is a property increment.
 */
import { toHour, type StatKind, type StatRow } from './types';

type Bucket = Record< StatKind, number >;

export interface PendingStat {
	site: string;
	hour: number;
	kind: StatKind;
	count: number;
}

export class PendingStats {
	private readonly bySite = new Map< string, Map< number, Bucket > >();
	private lastSite = '';
	private lastHour = -1;
	private last: Bucket | null = null;

	get empty(): boolean {
		return this.bySite.size === 0;
	}

	add( site: string, kind: StatKind, at: number ): void {
		this.bucket( site, toHour( at ) )[ kind ]++;
	}

	/** Adds another set's counters to these (a batch that failed gives its counters back). */
	merge( other: PendingStats ): void {
		for ( const { site, hour, kind, count } of other.rows() ) this.bucket( site, hour )[ kind ] += count;
	}

	private bucket( site: string, hour: number ): Bucket {
		let bucket = this.last;
		if ( bucket === null || site !== this.lastSite || hour !== this.lastHour ) {
			let hours = this.bySite.get( site );
			if ( ! hours ) {
				hours = new Map();
				this.bySite.set( site, hours );
			}
			bucket = hours.get( hour ) ?? null;
			if ( ! bucket ) {
				// Every kind present from the start: one object shape for all buckets.
				bucket = { chat_started: 0, chat_ended: 0, message_received: 0, message_sent: 0, assistant_answered: 0, assistant_handed_over: 0, assistant_no_answer: 0 };
				hours.set( hour, bucket );
			}
			this.last = bucket;
			this.lastSite = site;
			this.lastHour = hour;
		}
		return bucket;
	}

	/** The non-zero counters, for writing. */
	*rows(): IterableIterator< PendingStat > {
		for ( const [ site, hours ] of this.bySite ) {
			for ( const [ hour, bucket ] of hours ) {
				for ( const kind of Object.keys( bucket ) as StatKind[] ) {
					if ( bucket[ kind ] > 0 ) yield { site, hour, kind, count: bucket[ kind ] };
				}
			}
		}
	}
}

/**
 * A statistics read's answer: the rows the table gave (ordered by hour,
 * then kind) with the site's counters not written yet added, in the same
 * order. Every engine answers so, instead of forcing a commit for a read.
 */
export function withUnwritten( rows: StatRow[], unwritten: Iterable< PendingStat >, site: string, fromHour: number, toHour: number ): StatRow[] {
	let added = false;
	for ( const { site: s, hour, kind, count } of unwritten ) {
		if ( s !== site || hour < fromHour || hour > toHour ) continue;
		added = true;
		const row = rows.find( ( r ) => r.hour === hour && r.kind === kind );
		if ( row ) row.count += count;
		else rows.push( { hour, kind, count } );
	}
	if ( ! added ) return rows;
	// The tables' order: hour, then kind as bytes (the kinds are ASCII).
	return rows.sort( ( a, b ) => a.hour - b.hour || ( a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0 ) );
}
