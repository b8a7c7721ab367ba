/**
 * What a site gives its built-in assistant: per locale, the answers it may
 * give and the dialogs it may run. The one definition of that content, as
 * valibot schemas; WordPress sends it, the service checks it with
 * `parseAssistantContent` and matches visitors' messages against it
 * (./matcher.ts). Example:
 *
 *     { "locales": { "de_DE": {
 *         "answers": [ { "id": "versand", "title": "Versandkosten",
 *             "questions": [ "Was kostet der Versand?" ],
 *             "answer": "Ab 50 € **versandkostenfrei**.",
 *             "options": [ { "label": "Rücksendung", "to": "answer", "answer": "ruecksendung" },
 *                          { "label": "Mit einem Menschen sprechen", "to": "person" } ] } ],
 *         "dialogs": [ { "id": "rueckruf", "title": "Rückruf", "steps": [
 *             { "id": "tag", "question": "Wann?", "input": "date" } ],
 *             "complete": { "action": "end", "text": "Wir rufen an." } } ] } } }
 *
 * Limits: an answer's text, and a dialog's closing text, become one message
 * to the visitor, so they are held to a message's length (LIMITS.maxTextLength);
 * a dialog's answers go back as one `submit` frame, so its steps and their
 * ids are held to that frame's field limits; options are shown like an
 * agent's reply options, so they are held to theirs.
 */
import * as v from 'valibot';
import { LIMITS } from '../protocol/limits';

export const ASSISTANT_LIMITS = {
	maxLocales: 20,
	maxAnswers: 2000,
	maxDialogs: 100,
	maxQuestions: 20,
	maxQuestionLength: 300,
	maxTitleLength: 200,
	maxAnswerLength: LIMITS.maxTextLength,
	maxOptions: LIMITS.maxOptions,
	maxOptionLength: LIMITS.maxOptionLength,
	maxSteps: LIMITS.maxFields,
	maxStepQuestionLength: 500,
	maxChoices: 50,
	maxIdLength: LIMITS.maxIdLength,
} as const;

/* ------------------------------------------------------------------ */
/* Building blocks                                                      */
/* ------------------------------------------------------------------ */

/** Lower-case slugs: readable in exports, and valid as protocol ids (a dialog's id and step ids travel in `submit`). */
const Slug = v.pipe(
	v.string( 'an id is a string' ),
	v.minLength( 1, 'an id is not empty' ),
	v.maxLength( ASSISTANT_LIMITS.maxIdLength, `an id has at most ${ ASSISTANT_LIMITS.maxIdLength } characters` ),
	v.regex( /^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'an id is lower-case letters and digits, words joined by single dashes' )
);

/** A non-empty text of at most `max` characters, spaces around it removed. */
const Text = ( what: string, max: number ) =>
	v.pipe(
		v.string( `${ what } is a string` ),
		v.trim(),
		v.minLength( 1, `${ what } is empty` ),
		v.maxLength( max, `${ what } has at most ${ max } characters` )
	);

/** At most `max` items (and at least `min`). */
const List = < T extends v.GenericSchema >( item: T, what: string, min: number, max: number ) =>
	v.pipe(
		v.array( item, `${ what } is a list` ),
		v.minLength( min, `${ what } has at least ${ min }` ),
		v.maxLength( max, `${ what } has at most ${ max }` )
	);

/**
 * WordPress's locale names: language, then optionally country and variant
 * (`en_US`, `de_DE`, `de_DE_formal`, `pt_BR`, `ca_valencia`).
 */
const Locale = v.pipe(
	v.string(),
	v.regex( /^[a-z]{2,3}(?:_[A-Z]{2})?(?:_[a-z0-9]+)?$/, 'a locale is named like en_US or de_DE_formal' )
);

/* ------------------------------------------------------------------ */
/* Answers                                                              */
/* ------------------------------------------------------------------ */

const Label = Text( 'a label', ASSISTANT_LIMITS.maxOptionLength );

/** A follow-up offered under an answer: another answer, a dialog, or a person. */
const AnswerOption = v.variant(
	'to',
	[
		v.strictObject( { label: Label, to: v.literal( 'answer' ), answer: Slug }, 'an option to an answer has label, to and answer' ),
		v.strictObject( { label: Label, to: v.literal( 'dialog' ), dialog: Slug }, 'an option to a dialog has label, to and dialog' ),
		v.strictObject( { label: Label, to: v.literal( 'person' ) }, 'an option to a person has label and to' ),
	],
	'an option leads "to" "answer", "dialog" or "person"'
);
export type AnswerOption = v.InferOutput< typeof AnswerOption >;

export const Answer = v.strictObject( {
	id: Slug,
	title: Text( 'a title', ASSISTANT_LIMITS.maxTitleLength ),
	/** A few ways visitors ask for it: what the matcher learns from, with the title. */
	questions: List( Text( 'a question', ASSISTANT_LIMITS.maxQuestionLength ), 'questions', 1, ASSISTANT_LIMITS.maxQuestions ),
	/** Markdown, rendered safely by the widget. */
	answer: Text( 'an answer', ASSISTANT_LIMITS.maxAnswerLength ),
	options: v.optional( List( AnswerOption, 'options', 1, ASSISTANT_LIMITS.maxOptions ) ),
}, 'an answer has id, title, questions, answer and optionally options' );
export type Answer = v.InferOutput< typeof Answer >;

/* ------------------------------------------------------------------ */
/* Dialogs                                                              */
/* ------------------------------------------------------------------ */

const StepQuestion = Text( 'a question', ASSISTANT_LIMITS.maxStepQuestionLength );
/** Optional in the JSON; a step is required unless it says otherwise. */
const Required = v.optional( v.boolean( 'required is true or false' ), true );

/** One question of a dialog; its id is the field's key in the dialog's `submit`. */
const Step = v.variant(
	'input',
	[
		v.strictObject(
			{ id: Slug, question: StepQuestion, input: v.picklist( [ 'text', 'email', 'date' ] ), required: Required },
			'a step has id, question, input and optionally required'
		),
		v.strictObject( {
			id: Slug,
			question: StepQuestion,
			input: v.literal( 'choice' ),
			/** Buttons under five, a drop-down from five (the widget's rule). */
			choices: List( Label, 'choices', 2, ASSISTANT_LIMITS.maxChoices ),
			required: Required,
		}, 'a choice step has id, question, input, choices and optionally required' ),
	],
	'a step\'s input is "text", "email", "choice" or "date"'
);
export type DialogStep = v.InferOutput< typeof Step >;

/** What a completed dialog leads to. */
const Completion = v.variant(
	'action',
	[
		/** The chat goes to a person, with the dialog's answers. */
		v.strictObject( { action: v.literal( 'handover' ) }, 'a hand-over has only its action' ),
		/** A contact-form submission (when nobody is online), with its opt-ins. */
		v.strictObject( { action: v.literal( 'contact' ) }, 'a contact-form end has only its action' ),
		/** The site's closing text. */
		v.strictObject( { action: v.literal( 'end' ), text: Text( 'the end text', ASSISTANT_LIMITS.maxAnswerLength ) }, 'an end has action and text' ),
	],
	'a dialog\'s "complete" action is "handover", "contact" or "end"'
);

export const Dialog = v.strictObject( {
	id: Slug,
	title: Text( 'a title', ASSISTANT_LIMITS.maxTitleLength ),
	steps: List( Step, 'steps', 1, ASSISTANT_LIMITS.maxSteps ),
	complete: Completion,
}, 'a dialog has id, title, steps and complete' );
export type Dialog = v.InferOutput< typeof Dialog >;

/* ------------------------------------------------------------------ */
/* A site's content                                                     */
/* ------------------------------------------------------------------ */

export const LocaleContent = v.strictObject( {
	answers: List( Answer, 'answers', 0, ASSISTANT_LIMITS.maxAnswers ),
	dialogs: v.optional( List( Dialog, 'dialogs', 0, ASSISTANT_LIMITS.maxDialogs ), [] ),
}, 'a locale\'s content has answers and optionally dialogs' );
export type LocaleContent = v.InferOutput< typeof LocaleContent >;

export const AssistantContent = v.strictObject( {
	/** The first locale is the site's main one: visitors whose language has no content get it. */
	locales: v.pipe(
		v.record( Locale, LocaleContent, 'locales is an object of locale → content' ),
		v.check( ( r ) => Object.keys( r ).length <= ASSISTANT_LIMITS.maxLocales, `at most ${ ASSISTANT_LIMITS.maxLocales } locales` )
	),
}, 'the content is an object with only "locales"' );
export type AssistantContent = v.InferOutput< typeof AssistantContent >;

export type ContentErrorCode = 'invalid' | 'duplicate_id' | 'unknown_reference';
export type ParseContentResult =
	| { ok: true; content: AssistantContent }
	| { ok: false; code: ContentErrorCode; message: string; path: string };

/**
 * Checks what a site sent (already JSON-decoded). Never throws; the first
 * problem found is returned with the dotted path of the field at fault
 * (`locales.de_DE.answers.3.options.0.answer`), for the admin screen.
 */
export function parseAssistantContent( json: unknown ): ParseContentResult {
	const parsed = v.safeParse( AssistantContent, json );
	if ( ! parsed.success ) {
		const issue = parsed.issues[ 0 ];
		return { ok: false, code: 'invalid', message: issue.message, path: v.getDotPath( issue ) ?? '' };
	}
	for ( const [ locale, content ] of Object.entries( parsed.output.locales ) ) {
		const problem = crossCheck( content, `locales.${ locale }` );
		if ( problem ) return { ok: false, ...problem };
	}
	return { ok: true, content: parsed.output };
}

type Problem = { code: ContentErrorCode; message: string; path: string };

/** Ids unique where they are looked up; every option leads somewhere that exists in its locale. */
function crossCheck( content: LocaleContent, at: string ): Problem | null {
	const answerIds = new Set< string >();
	const dialogIds = new Set< string >();
	const duplicate = ( kind: string, id: string, path: string ): Problem => ( {
		code: 'duplicate_id',
		message: `${ kind } id "${ id }" is used twice`,
		path,
	} );
	for ( const [ i, a ] of content.answers.entries() ) {
		if ( answerIds.has( a.id ) ) return duplicate( 'answer', a.id, `${ at }.answers.${ i }.id` );
		answerIds.add( a.id );
	}
	for ( const [ i, d ] of content.dialogs.entries() ) {
		if ( dialogIds.has( d.id ) ) return duplicate( 'dialog', d.id, `${ at }.dialogs.${ i }.id` );
		dialogIds.add( d.id );
		const stepIds = new Set< string >();
		for ( const [ j, s ] of d.steps.entries() ) {
			if ( stepIds.has( s.id ) ) return duplicate( 'step', s.id, `${ at }.dialogs.${ i }.steps.${ j }.id` );
			stepIds.add( s.id );
		}
	}
	for ( const [ i, a ] of content.answers.entries() ) {
		for ( const [ j, o ] of ( a.options ?? [] ).entries() ) {
			const path = `${ at }.answers.${ i }.options.${ j }`;
			if ( o.to === 'answer' && ! answerIds.has( o.answer ) ) {
				return { code: 'unknown_reference', message: `no answer "${ o.answer }" in this locale`, path: `${ path }.answer` };
			}
			if ( o.to === 'dialog' && ! dialogIds.has( o.dialog ) ) {
				return { code: 'unknown_reference', message: `no dialog "${ o.dialog }" in this locale`, path: `${ path }.dialog` };
			}
		}
	}
	return null;
}
