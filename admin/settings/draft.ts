/**
 * The screen's working copy of the settings, and the few pure operations
 * on it (kept apart from React so they are unit-tested).
 */
import type { Draft, FormField, LanguageTexts, SettingsData, Texts } from './types';

export function draftOf( data: SettingsData ): Draft {
	return {
		connection: data.connection
			? { serviceUrl: data.connection.serviceUrl, siteId: data.connection.siteId, secret: '' }
			: undefined,
		storage: { ...data.storage },
		appearance: data.appearance ? { ...data.appearance } : undefined,
		texts: structuredClone( data.texts ),
		departments: data.departments ? data.departments.map( ( d ) => ( { ...d } ) ) : undefined,
		sitewide: data.sitewide,
	};
}

/**
 * What the current user may send: administrators every section (the secret
 * only when typed), privacy officers the texts and the retention period.
 */
export type Submission = Omit< Partial< Draft >, 'storage' > & { storage: Partial< Draft[ 'storage' ] > };

export function submission( draft: Draft, canManage: boolean ): Submission {
	if ( ! canManage ) {
		return { texts: draft.texts, storage: { retentionDays: draft.storage.retentionDays } };
	}
	const out: Submission = {
		storage: draft.storage,
		texts: draft.texts,
	};
	if ( draft.connection ) {
		const { secret, ...rest } = draft.connection;
		out.connection = secret ? draft.connection : { ...rest, secret: '' };
	}
	if ( draft.appearance ) out.appearance = draft.appearance;
	if ( draft.departments ) out.departments = draft.departments;
	if ( draft.sitewide !== undefined ) out.sitewide = draft.sitewide;
	return out;
}

export function isDirty( saved: Draft, draft: Draft ): boolean {
	return JSON.stringify( saved ) !== JSON.stringify( draft );
}

/** A new language starts as a copy of one that exists, so nothing required is empty. */
export function addLanguage( texts: Texts, locale: string, copyFrom: string ): Texts {
	if ( texts[ locale ] ) return texts;
	const source = texts[ copyFrom ] ?? Object.values( texts )[ 0 ];
	return { ...texts, [ locale ]: structuredClone( source ) };
}

export function removeLanguage( texts: Texts, locale: string ): Texts {
	const next = { ...texts };
	delete next[ locale ];
	return next;
}

export function updateLanguage( texts: Texts, locale: string, change: Partial< LanguageTexts > ): Texts {
	return { ...texts, [ locale ]: { ...texts[ locale ], ...change } };
}

/** A field id that is free in the list: `field`, `field-2`, … */
export function freeFieldId( fields: FormField[], base = 'field' ): string {
	const taken = new Set( fields.map( ( f ) => f.id ) );
	if ( ! taken.has( base ) ) return base;
	let n = 2;
	while ( taken.has( `${ base }-${ n }` ) ) n++;
	return `${ base }-${ n }`;
}

export function moveItem< T >( list: readonly T[], from: number, to: number ): T[] {
	if ( to < 0 || to >= list.length ) return [ ...list ];
	const next = [ ...list ];
	const [ item ] = next.splice( from, 1 );
	next.splice( to, 0, item );
	return next;
}

/** Errors of fields under a path prefix (e.g. one language), for a tab's badge. */
export function errorsUnder( errors: Record< string, string >, prefix: string ): number {
	return Object.keys( errors ).filter( ( k ) => k === prefix || k.startsWith( `${ prefix }.` ) ).length;
}
