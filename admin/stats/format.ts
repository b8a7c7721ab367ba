/**
 * Wording and number/date formats of the Statistics page, in the user's
 * language (Intl does the weekday and month names, so no list of them needs
 * translating).
 */
import { __ } from '@wordpress/i18n';
import type { HeatMetric } from './aggregate';

export function formatNumber( n: number, locale: string ): string {
	try {
		return new Intl.NumberFormat( locale ).format( n );
	} catch {
		return String( n );
	}
}

/** A YYYY-MM-DD day as the user's language writes it ("3 Nov 2026"). */
export function formatDay( day: string, locale: string, withYear = true ): string {
	const options: Intl.DateTimeFormatOptions = { timeZone: 'UTC', day: 'numeric', month: 'short', ...( withYear ? { year: 'numeric' } : {} ) };
	const at = Date.parse( `${ day }T00:00:00Z` );
	try {
		return new Intl.DateTimeFormat( locale, options ).format( at );
	} catch {
		return day;
	}
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayName( weekday: number, locale: string, width: 'long' | 'short' = 'long' ): string {
	// 4 January 1970 was a Sunday.
	const at = Date.UTC( 1970, 0, 4 + weekday );
	try {
		return new Intl.DateTimeFormat( locale, { weekday: width, timeZone: 'UTC' } ).format( at );
	} catch {
		return String( weekday );
	}
}

export const hourLabel = ( hour: number ): string => `${ String( hour ).padStart( 2, '0' ) }:00`;

export function metricLabel( metric: HeatMetric ): string {
	switch ( metric ) {
		case 'chats':
			return __( 'Chats', 'consent-chat' );
		case 'messages':
			return __( 'Messages', 'consent-chat' );
		case 'visits':
			return __( 'Visits', 'consent-chat' );
	}
}

/** The message of a failed apiFetch (a REST error's or a network error's). */
export function errorMessage( e: unknown ): string {
	if ( typeof e === 'object' && e !== null && 'message' in e && typeof e.message === 'string' && e.message !== '' ) {
		return e.message;
	}
	return __( 'The statistics could not be loaded.', 'consent-chat' );
}
