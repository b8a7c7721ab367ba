/**
 * The screen's working copy of the settings, and the few pure operations
 * on it (kept apart from React so they are unit-tested).
 */
import { assistantDraftOf, forSave } from './assistant-draft';
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
		assistant: data.can.manage ? assistantDraftOf( data.assistant ) : undefined,
	};
}

/** The fields of a language a privacy officer may change (includes/class-settings-rest.php, OFFICER_TEXT_KEYS). */
export const OFFICER_TEXT_KEYS = [ 'privacy', 'consent', 'prechat', 'contact', 'banner' ] as const;

/**
 * A change to the texts, as the server merges it: per language, the fields
 * to replace; `null` removes the language. Languages and fields left out
 * stay as stored (README, "Settings → Consent Chat").
 */
export type TextsChange = Record< string, Partial< LanguageTexts > | null >;

/**
 * What changed between the saved texts and the working copy, and only what
 * the user may change: a removed language as `null`, a new one whole, in
 * the others the fields that differ. Sending only that means a save never
 * undoes what the user did not touch (another tab's, or another user's,
 * saved change).
 */
export function textsChange( saved: Texts, draft: Texts, canManage: boolean ): TextsChange {
	const allowed = ( key: string ): boolean => canManage || ( OFFICER_TEXT_KEYS as readonly string[] ).includes( key );
	const change: TextsChange = {};
	for ( const locale of Object.keys( saved ) ) {
		if ( ! draft[ locale ] ) change[ locale ] = null;
	}
	for ( const [ locale, lang ] of Object.entries( draft ) ) {
		const before = saved[ locale ] as Partial< LanguageTexts > | undefined;
		const fields: Partial< LanguageTexts > = {};
		for ( const key of Object.keys( lang ) as Array< keyof LanguageTexts > ) {
			if ( allowed( key ) && ( ! before || JSON.stringify( before[ key ] ) !== JSON.stringify( lang[ key ] ) ) ) {
				( fields as Record< string, unknown > )[ key ] = lang[ key ];
			}
		}
		if ( ! before || Object.keys( fields ).length ) change[ locale ] = fields;
	}
	return change;
}

/**
 * What the current user may send: administrators every section (the secret
 * only when typed), privacy officers the texts and the retention period.
 * The texts go as a change against what was loaded (textsChange).
 */
export type Submission = Omit< Partial< Draft >, 'storage' | 'texts' | 'assistant' > & {
	storage: Partial< Draft[ 'storage' ] >;
	texts?: TextsChange;
	assistant?: ReturnType< typeof forSave >;
};

/**
 * The assistant goes only when it changed (`savedAssistant`: as loaded), so
 * saving another tab does not tell the service the same answers again.
 */
export function submission( draft: Draft, canManage: boolean, savedTexts: Texts, savedAssistant: Draft[ 'assistant' ] ): Submission {
	const texts = textsChange( savedTexts, draft.texts, canManage );
	const withTexts = Object.keys( texts ).length ? { texts } : {};
	if ( ! canManage ) {
		return { ...withTexts, storage: { retentionDays: draft.storage.retentionDays } };
	}
	const out: Submission = {
		storage: draft.storage,
		...withTexts,
	};
	if ( draft.connection ) {
		const { secret, ...rest } = draft.connection;
		out.connection = secret ? draft.connection : { ...rest, secret: '' };
	}
	if ( draft.appearance ) out.appearance = draft.appearance;
	if ( draft.departments ) out.departments = draft.departments;
	if ( draft.sitewide !== undefined ) out.sitewide = draft.sitewide;
	if ( draft.assistant && JSON.stringify( draft.assistant ) !== JSON.stringify( savedAssistant ) ) out.assistant = forSave( draft.assistant );
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
