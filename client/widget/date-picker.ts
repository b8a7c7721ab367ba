/**
 * A dialog's date step: a calendar in the page's language (not the
 * browser's, as `<input type=date>` would be), keyboard accessible (arrow
 * keys, Page Up/Down, Home/End, Enter). The calendar is cally's web
 * components, loaded on demand as its own chunk (client/date-picker.js): the
 * widget's budget covers the start window and the chat, and most chats
 * never ask for a date.
 */
import type { WidgetStrings } from '../contract';
import { h } from './dom';
import { bcp47 } from './locale';

/** For the chunk's script tag under a strict Content-Security-Policy (webpack reads it when it loads a chunk). */
declare let __webpack_nonce__: string | undefined;

let loading: Promise< unknown > | null = null;

function loadCalendar( nonce?: string ): Promise< unknown > {
	if ( nonce ) __webpack_nonce__ = nonce;
	loading ??= import( /* webpackChunkName: "client/date-picker" */ 'cally' );
	loading.catch( () => ( loading = null ) ); // a failed load may be retried
	return loading;
}

/** The locale's first day of the week (0 Sunday … 6 Saturday), where the browser can tell; else Monday. */
function firstDayOfWeek( locale: string ): number {
	try {
		const l = new Intl.Locale( locale ) as Intl.Locale & { getWeekInfo?: () => { firstDay: number }; weekInfo?: { firstDay: number } };
		const info = l.getWeekInfo?.() ?? l.weekInfo;
		return info ? info.firstDay % 7 : 1;
	} catch {
		return 1;
	}
}

/** `YYYY-MM-DD` written out in the page's language ("Montag, 14. Dezember 2026"). */
export function longDate( iso: string, locale: string ): string {
	const [ y, m, d ] = iso.split( '-' ).map( Number );
	return new Intl.DateTimeFormat( locale, { dateStyle: 'full' } ).format( new Date( y, m - 1, d ) );
}

export interface DatePicker {
	element: HTMLElement;
	/** Resolves once the calendar is drawn (the chunk loaded); rejects if it could not be loaded. */
	ready: Promise< HTMLElement >;
	value(): string;
}

/**
 * A calendar labelled by `labelId`, showing `value` (YYYY-MM-DD or ''), and
 * under it the chosen date in words (announced as it changes).
 */
export function datePicker( s: WidgetStrings, lang: string, labelId: string, value: string, nonce?: string ): DatePicker {
	const locale = bcp47( lang );
	let chosen = value;
	const said = h( 'p', { className: 'cc-notice', 'aria-live': 'polite' } );
	const say = (): void => {
		said.textContent = chosen ? s.dateChosen.replace( '%s', longDate( chosen, locale ) ) : '';
	};
	say();
	const slot = h( 'div', { className: 'cc-calendar' } );
	const element = h( 'div', { className: 'cc-date' }, slot, said );
	const ready = loadCalendar( nonce ).then( () => {
		const calendar = h(
			'calendar-date',
			{ className: 'cc-calendar__date', 'aria-labelledby': labelId, locale, 'first-day-of-week': firstDayOfWeek( locale ), value },
			h( 'span', { slot: 'previous' }, s.previousMonth ),
			h( 'span', { slot: 'next' }, s.nextMonth ),
			h( 'calendar-month', {} )
		);
		calendar.addEventListener( 'change', () => {
			chosen = calendar.value;
			say();
		} );
		slot.replaceChildren( calendar );
		return calendar as HTMLElement;
	} );
	return { element, ready, value: () => chosen };
}
