/** WordPress names a locale `de_DE` (or `de_DE_formal`); Intl, the calendar and `lang` attributes take BCP 47 `de-DE`. */
export function bcp47( locale: string ): string {
	return locale.split( '_' ).slice( 0, 2 ).join( '-' );
}
