/**
 * The Assistant tab's working copy and its pure operations (kept apart from
 * React so they are unit-tested). The shape is the body of the service's
 * `PUT /admin/assistant` (server/assistant/settings.ts, the one definition),
 * loosened only where a form is half-filled: an empty options list, choices
 * kept while a step is briefly not a choice. `forSave` turns it back into
 * exactly that body; import checks a file with the service's own parser.
 */
import type * as v from 'valibot';
import { parseAssistantContent, type AssistantContent } from '../../server/assistant/answers';
import type { AssistantPush } from '../../server/assistant/settings';

export type AssistantMode = 'off' | 'first' | 'when_offline';
export type OptionTarget = 'answer' | 'dialog' | 'person';
export type StepInput = 'text' | 'email' | 'choice' | 'date';
export type CompleteAction = 'handover' | 'contact' | 'end';

export interface EditOption {
	label: string;
	to: OptionTarget;
	answer?: string;
	dialog?: string;
}
export interface EditAnswer {
	id: string;
	title: string;
	questions: string[];
	answer: string;
	options: EditOption[];
}
export interface EditStep {
	id: string;
	question: string;
	input: StepInput;
	choices: string[];
	required: boolean;
}
export interface EditDialog {
	id: string;
	title: string;
	steps: EditStep[];
	complete: { action: CompleteAction; text: string };
}
export interface EditLocale {
	answers: EditAnswer[];
	dialogs: EditDialog[];
}
/** The site's own bot (server/assistant/settings.ts BotSettings). */
export interface EditBot {
	url: string;
	name: string;
	secret: string;
	timeoutSeconds: number;
}
export interface AssistantDraft {
	settings: { mode: AssistantMode; departments: Record< string, AssistantMode >; handoverAfter: number; bot?: EditBot };
	content: { locales: Record< string, EditLocale > };
}

/** What WordPress sends (and the service reads): the push body before the service's defaults. */
export type AssistantBody = v.InferInput< typeof AssistantPush >;

const EMPTY: AssistantDraft = { settings: { mode: 'off', departments: {}, handoverAfter: 2 }, content: { locales: {} } };

function editLocale( lang: AssistantContent[ 'locales' ][ string ] ): EditLocale {
	return {
		answers: lang.answers.map( ( a ) => ( { ...a, questions: [ ...a.questions ], options: ( a.options ?? [] ).map( ( o ) => ( { ...o } ) ) } ) ),
		dialogs: ( lang.dialogs ?? [] ).map( ( d ) => ( {
			id: d.id,
			title: d.title,
			steps: d.steps.map( ( s ) => ( { id: s.id, question: s.question, input: s.input, choices: s.input === 'choice' ? [ ...s.choices ] : [], required: s.required !== false } ) ),
			complete: { action: d.complete.action, text: d.complete.action === 'end' ? d.complete.text : '' },
		} ) ),
	};
}

/** The working copy of what WordPress has stored (null: never saved). */
export function assistantDraftOf( saved: AssistantBody | null | undefined ): AssistantDraft {
	if ( ! saved ) return structuredClone( EMPTY );
	const locales = ( saved.content?.locales ?? {} ) as AssistantContent[ 'locales' ];
	return {
		settings: {
			mode: saved.settings?.mode ?? EMPTY.settings.mode,
			handoverAfter: saved.settings?.handoverAfter ?? EMPTY.settings.handoverAfter,
			departments: { ...( saved.settings?.departments ?? {} ) },
			...( saved.settings?.bot ? { bot: { ...saved.settings.bot, timeoutSeconds: saved.settings.bot.timeoutSeconds ?? 8 } } : {} ),
		},
		content: { locales: Object.fromEntries( Object.entries( locales ).map( ( [ l, c ] ) => [ l, editLocale( c ) ] ) ) },
	};
}

/** Exactly the body the service takes: options only where there are some, choices only on choice steps, an end text only for "end". */
export function forSave( draft: AssistantDraft ): AssistantBody {
	return { settings: draft.settings, content: contentForSave( draft ) };
}

export function contentForSave( draft: AssistantDraft ): AssistantContent {
	const locales: AssistantContent[ 'locales' ] = {};
	for ( const [ locale, lang ] of Object.entries( draft.content.locales ) ) {
		locales[ locale ] = {
			answers: lang.answers.map( ( { options, ...a } ) => ( {
				...a,
				...( options.length
					? {
							options: options.map( ( o ) => {
								if ( o.to === 'answer' ) return { label: o.label, to: 'answer' as const, answer: o.answer ?? '' };
								if ( o.to === 'dialog' ) return { label: o.label, to: 'dialog' as const, dialog: o.dialog ?? '' };
								return { label: o.label, to: 'person' as const };
							} ),
					  }
					: {} ),
			} ) ),
			dialogs: lang.dialogs.map( ( d ) => ( {
				id: d.id,
				title: d.title,
				steps: d.steps.map( ( s ) =>
					s.input === 'choice'
						? { id: s.id, question: s.question, input: 'choice' as const, choices: s.choices.map( ( c ) => c.trim() ).filter( Boolean ), required: s.required }
						: { id: s.id, question: s.question, input: s.input, required: s.required }
				),
				complete: d.complete.action === 'end' ? { action: 'end' as const, text: d.complete.text } : { action: d.complete.action },
			} ) ),
		};
	}
	return { locales };
}

/** An id that is free among `taken`: `base`, `base-2`, … */
export function freeId( taken: Iterable< string >, base: string ): string {
	const set = new Set( taken );
	if ( ! set.has( base ) ) return base;
	let n = 2;
	while ( set.has( `${ base }-${ n }` ) ) n++;
	return `${ base }-${ n }`;
}

/** A readable id from a title: `Shipping costs` → `shipping-costs` (ASCII letters and digits; umlauts spelt out). */
export function slugOf( title: string ): string {
	const folded = title
		.toLowerCase()
		.replace( /ä/g, 'ae' )
		.replace( /ö/g, 'oe' )
		.replace( /ü/g, 'ue' )
		.replace( /ß/g, 'ss' )
		.normalize( 'NFKD' )
		.replace( /[^a-z0-9]+/g, '-' )
		.replace( /^-+|-+$/g, '' )
		.slice( 0, 64 )
		.replace( /-+$/, '' );
	return folded || 'item';
}

export function updateLocale( draft: AssistantDraft, locale: string, change: Partial< EditLocale > ): AssistantDraft {
	const lang = draft.content.locales[ locale ] ?? { answers: [], dialogs: [] };
	return { ...draft, content: { locales: { ...draft.content.locales, [ locale ]: { ...lang, ...change } } } };
}

/** The file an admin downloads: the content (all languages), as the service reads it. */
export function exportJson( draft: AssistantDraft ): string {
	return `${ JSON.stringify( contentForSave( draft ), null, '\t' ) }\n`;
}

export type ImportResult = { ok: true; draft: AssistantDraft } | { ok: false; path: string; message: string };

/**
 * A downloaded (or hand-written) file, checked by the service's own parser
 * before anything in the form changes: the first problem with the path of
 * its field (`locales.de_DE.answers.3.options.0.answer`). The settings
 * stay as they are; the content is replaced.
 */
export function importJson( draft: AssistantDraft, text: string ): ImportResult {
	let json: unknown;
	try {
		json = JSON.parse( text );
	} catch ( e ) {
		return { ok: false, path: '', message: e instanceof Error ? e.message : String( e ) };
	}
	const parsed = parseAssistantContent( json );
	if ( ! parsed.ok ) return { ok: false, path: parsed.path, message: parsed.message };
	return { ok: true, draft: { settings: draft.settings, content: assistantDraftOf( { settings: draft.settings, content: parsed.content } ).content } };
}
