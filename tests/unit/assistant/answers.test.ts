import { ASSISTANT_LIMITS, parseAssistantContent } from '../../../server/assistant/answers';

const answer = ( over: Record< string, unknown > = {} ) => ( {
	id: 'opening-hours',
	title: 'Opening hours',
	questions: [ 'When are you open?' ],
	answer: 'Monday to Friday, **9 to 5**.',
	...over,
} );

const dialog = ( over: Record< string, unknown > = {} ) => ( {
	id: 'callback',
	title: 'Call me back',
	steps: [ { id: 'name', question: 'Your name?', input: 'text' } ],
	complete: { action: 'handover' },
	...over,
} );

/** A site with content in two locales, using every kind of option, input and completion. */
const GOOD = {
	locales: {
		en_US: {
			answers: [
				answer( {
					options: [
						{ label: 'Shipping', to: 'answer', answer: 'shipping' },
						{ label: 'Call me back', to: 'dialog', dialog: 'callback' },
						{ label: 'Talk to a person', to: 'person' },
					],
				} ),
				answer( { id: 'shipping', title: 'Shipping', questions: [ 'How much is shipping?', 'Is shipping free?' ], answer: 'Free from €50.' } ),
			],
			dialogs: [
				dialog( {
					steps: [
						{ id: 'name', question: 'Your name?', input: 'text' },
						{ id: 'email', question: 'Your e-mail?', input: 'email', required: false },
						{ id: 'topic', question: 'What about?', input: 'choice', choices: [ 'Order', 'Invoice', 'Other' ] },
						{ id: 'day', question: 'Which day?', input: 'date' },
					],
				} ),
				dialog( { id: 'contact-us', complete: { action: 'contact' } } ),
				dialog( { id: 'newsletter', complete: { action: 'end', text: 'Thank you!' } } ),
			],
		},
		de_DE_formal: { answers: [ answer( { id: 'oeffnungszeiten', title: 'Öffnungszeiten', questions: [ 'Wann haben Sie geöffnet?' ] } ) ] },
	},
};

/** GOOD with one change made by `edit` on a deep copy. */
function goodWith( edit: ( c: any ) => void ): unknown {
	const copy = structuredClone( GOOD );
	edit( copy );
	return copy;
}

describe( 'parseAssistantContent', () => {
	test( 'accepts content with every kind of option, input and completion, and fills in the defaults', () => {
		const result = parseAssistantContent( GOOD );
		if ( ! result.ok ) throw new Error( `${ result.path }: ${ result.message }` );
		const en = result.content.locales.en_US;
		expect( en.answers.map( ( a ) => a.id ) ).toEqual( [ 'opening-hours', 'shipping' ] );
		expect( en.answers[ 0 ].options?.map( ( o ) => o.to ) ).toEqual( [ 'answer', 'dialog', 'person' ] );
		// Steps are required unless they say otherwise.
		expect( en.dialogs[ 0 ].steps.map( ( s ) => s.required ) ).toEqual( [ true, false, true, true ] );
		expect( en.dialogs[ 2 ].complete ).toEqual( { action: 'end', text: 'Thank you!' } );
		// A locale without dialogs has an empty list; the locales keep their order (the first is the main one).
		expect( result.content.locales.de_DE_formal.dialogs ).toEqual( [] );
		expect( Object.keys( result.content.locales ) ).toEqual( [ 'en_US', 'de_DE_formal' ] );
	} );

	test( 'trims texts', () => {
		const result = parseAssistantContent( goodWith( ( c ) => ( c.locales.en_US.answers[ 0 ].title = '  Opening hours \n' ) ) );
		expect( result.ok && result.content.locales.en_US.answers[ 0 ].title ).toBe( 'Opening hours' );
	} );

	test( 'accepts a site with no locales yet, and the limits exactly', () => {
		expect( parseAssistantContent( { locales: {} } ).ok ).toBe( true );
		const many = Array.from( { length: ASSISTANT_LIMITS.maxAnswers }, ( _, i ) => answer( { id: `a-${ i }` } ) );
		const long = 'x'.repeat( ASSISTANT_LIMITS.maxAnswerLength );
		expect( parseAssistantContent( { locales: { en_US: { answers: [ ...many.slice( 1 ), answer( { answer: long } ) ] } } } ).ok ).toBe( true );
	} );

	const tooMany = ( n: number ) => Array.from( { length: n }, ( _, i ) => answer( { id: `a-${ i }` } ) );
	const locales = ( n: number ) => Object.fromEntries( Array.from( { length: n }, ( _, i ) => [ `x${ String.fromCharCode( 97 + i ) }_DE`, { answers: [] } ] ) );

	test.each( [
		[ 'not an object', 5, 'invalid', '' ],
		[ 'no locales', {}, 'invalid', 'locales' ],
		[ 'an unknown key', goodWith( ( c ) => ( c.extra = 1 ) ), 'invalid', 'extra' ],
		[ 'a locale not named like WordPress names them', { locales: { german: { answers: [] } } }, 'invalid', 'locales.german' ],
		[ 'too many locales', { locales: locales( ASSISTANT_LIMITS.maxLocales + 1 ) }, 'invalid', 'locales' ],
		[ 'too many answers', { locales: { en_US: { answers: tooMany( ASSISTANT_LIMITS.maxAnswers + 1 ) } } }, 'invalid', 'locales.en_US.answers' ],
		[ 'an id that is not a slug', goodWith( ( c ) => ( c.locales.en_US.answers[ 1 ].id = 'Shipping costs' ) ), 'invalid', 'locales.en_US.answers.1.id' ],
		[ 'an empty title', goodWith( ( c ) => ( c.locales.en_US.answers[ 0 ].title = '   ' ) ), 'invalid', 'locales.en_US.answers.0.title' ],
		[ 'no example question', goodWith( ( c ) => ( c.locales.en_US.answers[ 0 ].questions = [] ) ), 'invalid', 'locales.en_US.answers.0.questions' ],
		[ 'a question too long', goodWith( ( c ) => ( c.locales.en_US.answers[ 0 ].questions = [ 'q'.repeat( ASSISTANT_LIMITS.maxQuestionLength + 1 ) ] ) ), 'invalid', 'locales.en_US.answers.0.questions.0' ],
		[ 'an answer longer than a message', goodWith( ( c ) => ( c.locales.en_US.answers[ 1 ].answer = 'x'.repeat( ASSISTANT_LIMITS.maxAnswerLength + 1 ) ) ), 'invalid', 'locales.en_US.answers.1.answer' ],
		[ 'an unknown field in an answer', goodWith( ( c ) => ( c.locales.en_US.answers[ 1 ].html = '<b>' ) ), 'invalid', 'locales.en_US.answers.1.html' ],
		[ 'an option leading nowhere known', goodWith( ( c ) => ( c.locales.en_US.answers[ 0 ].options[ 2 ].to = 'bot' ) ), 'invalid', 'locales.en_US.answers.0.options.2.to' ],
		[ 'an option to an answer without its id', goodWith( ( c ) => delete c.locales.en_US.answers[ 0 ].options[ 0 ].answer ), 'invalid', 'locales.en_US.answers.0.options.0.answer' ],
		[ 'a choice without choices', goodWith( ( c ) => delete c.locales.en_US.dialogs[ 0 ].steps[ 2 ].choices ), 'invalid', 'locales.en_US.dialogs.0.steps.2.choices' ],
		[ 'an input kind unknown', goodWith( ( c ) => ( c.locales.en_US.dialogs[ 0 ].steps[ 3 ].input = 'time' ) ), 'invalid', 'locales.en_US.dialogs.0.steps.3.input' ],
		[ 'more steps than a submit carries', goodWith( ( c ) => ( c.locales.en_US.dialogs[ 1 ].steps = Array.from( { length: ASSISTANT_LIMITS.maxSteps + 1 }, ( _, i ) => ( { id: `s${ i }`, question: 'q', input: 'text' } ) ) ) ), 'invalid', 'locales.en_US.dialogs.1.steps' ],
		[ 'an end without its text', goodWith( ( c ) => delete c.locales.en_US.dialogs[ 2 ].complete.text ), 'invalid', 'locales.en_US.dialogs.2.complete.text' ],
		[ 'two answers with one id', goodWith( ( c ) => ( c.locales.en_US.answers[ 1 ].id = 'opening-hours' ) ), 'duplicate_id', 'locales.en_US.answers.1.id' ],
		[ 'two dialogs with one id', goodWith( ( c ) => ( c.locales.en_US.dialogs[ 2 ].id = 'callback' ) ), 'duplicate_id', 'locales.en_US.dialogs.2.id' ],
		[ 'two steps with one id', goodWith( ( c ) => ( c.locales.en_US.dialogs[ 0 ].steps[ 3 ].id = 'name' ) ), 'duplicate_id', 'locales.en_US.dialogs.0.steps.3.id' ],
		[ 'an option to an answer that does not exist', goodWith( ( c ) => ( c.locales.en_US.answers[ 0 ].options[ 0 ].answer = 'shiping' ) ), 'unknown_reference', 'locales.en_US.answers.0.options.0.answer' ],
		[ 'an option to a dialog that does not exist', goodWith( ( c ) => ( c.locales.en_US.answers[ 0 ].options[ 1 ].dialog = 'call-back' ) ), 'unknown_reference', 'locales.en_US.answers.0.options.1.dialog' ],
		// Options lead within their locale: the visitor stays in one language.
		[ 'an option to an answer of another locale', goodWith( ( c ) => ( c.locales.de_DE_formal.answers[ 0 ].options = [ { label: 'Versand', to: 'answer', answer: 'shipping' } ] ) ), 'unknown_reference', 'locales.de_DE_formal.answers.0.options.0.answer' ],
	] )( 'refuses %s, naming the field', ( _what, input, code, path ) => {
		const result = parseAssistantContent( input );
		expect( result ).toEqual( { ok: false, code, path, message: expect.any( String ) } );
	} );

	test( 'names the fourth answer of the German content in the path', () => {
		const answers: Record< string, unknown >[] = [ 0, 1, 2, 3 ].map( ( i ) => answer( { id: `a-${ i }` } ) );
		answers[ 3 ].options = [ { label: 'Versand', to: 'answer', answer: 'versand' } ];
		const result = parseAssistantContent( { locales: { en_US: { answers: [] }, de_DE: { answers } } } );
		expect( result ).toMatchObject( { ok: false, code: 'unknown_reference', path: 'locales.de_DE.answers.3.options.0.answer', message: 'no answer "versand" in this locale' } );
	} );

	test( 'words its messages for a person', () => {
		const extra = parseAssistantContent( goodWith( ( c ) => ( c.locales.en_US.answers[ 1 ].html = '<b>' ) ) );
		expect( ! extra.ok && extra.message ).toBe( 'an answer has id, title, questions, answer and optionally options' );
		const slug = parseAssistantContent( goodWith( ( c ) => ( c.locales.en_US.answers[ 1 ].id = 'Shipping costs' ) ) );
		expect( ! slug.ok && slug.message ).toMatch( /lower-case letters and digits/ );
	} );
} );
