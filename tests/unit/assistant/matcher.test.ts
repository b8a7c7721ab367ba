import type { Answer } from '../../../server/assistant/answers';
import { AnswerIndex, MATCH_RULE } from '../../../server/assistant/matcher';
import { ENGLISH, GERMAN } from './corpus';

const en = new AnswerIndex( ENGLISH, 'en_US' );
const de = new AnswerIndex( GERMAN, 'de_DE' );

describe( 'AnswerIndex, English', () => {
	test.each( [
		// Phrased otherwise than the examples.
		[ 'what time do you open on saturday', 'opening-hours' ],
		[ 'I want my money back', 'refunds' ],
		[ 'can i cancel', 'cancel-order' ],
		[ 'remove account', 'delete-account' ],
		[ 'voucher', 'gift-cards' ],
		[ 'warranty for my sofa furniture', 'warranty-furniture' ],
		[ 'Can I pay with my credit card?', 'payment-methods' ],
		// Typos.
		[ 'shiping costs', 'shipping-costs' ],
		[ 'forgot my pasword', 'password-reset' ],
		// Inflections: stems.
		[ 'refunded?', 'refunds' ],
	] )( '%s → %s', ( question, id ) => {
		expect( en.match( question ) ).toEqual( { kind: 'answer', id, score: expect.any( Number ) } );
	} );

	test( 'a question that fits two answers equally is a choice: both are suggested', () => {
		for ( const q of [ 'warranty', 'Is there a warranty?' ] ) {
			const m = en.match( q );
			expect( m.kind ).toBe( 'suggest' );
			expect( m.kind === 'suggest' && [ ...m.ids ].sort() ).toEqual( [ 'warranty-electronics', 'warranty-furniture' ] );
		}
	} );

	test( 'an answer that matches only half of the question is suggested, not given', () => {
		// "ship" matches, "price" nowhere: shipping-costs leads, but covers one term of two.
		expect( en.match( 'shipping price' ) ).toEqual( { kind: 'suggest', ids: expect.arrayContaining( [ 'shipping-costs' ] ) } );
		// "delivery" is in two answers' questions; "expensive" in none.
		const m = en.match( 'How expensive is delivery?' );
		expect( m ).toEqual( { kind: 'suggest', ids: expect.arrayContaining( [ 'delivery-time', 'shipping-costs' ] ) } );
		// Typos in both words (the stop word "where" does not count).
		expect( en.match( 'wher is my ordr' ) ).toEqual( { kind: 'suggest', ids: expect.arrayContaining( [ 'order-status' ] ) } );
	} );

	test( 'suggests only answers that score at least a quarter of the best', () => {
		// Four terms, two matched by opening-hours; "please" alone brings delete-account ("Please remove my customer account").
		expect( en.match( 'Hello, what are your opening hours please?' ) ).toEqual( { kind: 'suggest', ids: [ 'opening-hours' ] } );
	} );

	test( 'searches a message\'s first 32 terms only (each costs a lookup with typos)', () => {
		const filler = Array.from( { length: 32 }, ( _, i ) => `zz${ String.fromCharCode( 97 + ( i % 26 ) ) }${ String.fromCharCode( 97 + Math.floor( i / 26 ) ) }` ).join( ' ' );
		expect( en.match( `voucher ${ filler }` ) ).toMatchObject( { kind: 'suggest', ids: [ 'gift-cards' ] } );
		expect( en.match( `${ filler } voucher` ) ).toEqual( { kind: 'none' } );
	} );

	test( 'suggests at most three', () => {
		const m = en.match( 'order shipping delivery address cancel track' );
		expect( m.kind === 'suggest' && m.ids.length ).toBe( MATCH_RULE.maxSuggestions );
	} );

	test.each( [ 'What is the capital of Peru?', 'hello', 'ok thanks', 'what is this?', '', '   ', '?!…', '🙂' ] )(
		'nothing for %j',
		( question ) => {
			expect( en.match( question ) ).toEqual( { kind: 'none' } );
		}
	);

	test( 'an answer\'s text counts too, less than its questions', () => {
		// "PayPal" is only in the answer's text.
		expect( en.match( 'PayPal' ) ).toEqual( { kind: 'answer', id: 'payment-methods', score: expect.any( Number ) } );
		// A link's address is not searched: "shop.example" appears only in the returns answer's link target.
		expect( en.match( 'example' ) ).toEqual( { kind: 'none' } );
	} );
} );

describe( 'AnswerIndex, German', () => {
	test.each( [
		[ 'Öffnungszeiten', 'oeffnungszeiten' ],
		[ 'oeffnungszeiten', 'oeffnungszeiten' ],
		[ 'OEFFNUNGSZEITEN!', 'oeffnungszeiten' ],
		[ 'Wann liefert ihr?', 'lieferzeit' ],
		[ 'Kann ich mit Kreditkarte bezahlen', 'zahlungsarten' ],
		[ 'ich möchte meine bestellung stornieren', 'stornierung' ],
		[ 'Stornierung', 'stornierung' ],
		[ 'Rücksendung', 'ruecksendung' ],
		[ 'ruecksendung', 'ruecksendung' ],
		[ 'Adresse ändern', 'adresse-aendern' ],
		[ 'versand kosten', 'versandkosten' ],
		// Typos.
		[ 'passwort vergesen', 'passwort' ],
		[ 'Rechnug', 'zahlungsarten' ],
	] )( '%s → %s', ( question, id ) => {
		expect( de.match( question ) ).toEqual( { kind: 'answer', id, score: expect.any( Number ) } );
	} );

	test( '"Lieferung" and "liefern" find each other, whichever the answer says', () => {
		const says = ( question: string ): Answer[] => [
			{ id: 'lieferung', title: 'Paketdienst', questions: [ question ], answer: 'Mit DHL.' },
			{ id: 'anderes', title: 'Gutscheine', questions: [ 'Verkauft ihr Gutscheine?' ], answer: 'Ja.' },
		];
		for ( const [ indexed, asked ] of [
			[ 'Wer macht die Lieferung?', 'Wer kann liefern?' ],
			[ 'Wer kann liefern?', 'Wer macht die Lieferung?' ],
		] ) {
			expect( new AnswerIndex( says( indexed ), 'de_DE' ).match( asked ) ).toMatchObject( { kind: 'answer', id: 'lieferung' } );
		}
	} );

	test( 'umlauts and their spellings with e, and ß and ss, are one (not merely a typo apart: the same score)', () => {
		expect( de.match( 'oeffnungszeiten' ) ).toEqual( de.match( 'Öffnungszeiten' ) );
		expect( de.match( 'Rueckgabe zurueckschicken' ) ).toEqual( de.match( 'Rückgabe zurückschicken' ) );
		const index = new AnswerIndex( [ { id: 'anfahrt', title: 'Anfahrt', questions: [ 'Wo ist die Hauptstraße 5?' ], answer: 'Am Markt.' } ], 'de_DE' );
		expect( index.match( 'hauptstrasse' ) ).toMatchObject( { kind: 'answer', id: 'anfahrt' } );
		expect( index.match( 'hauptstrasse' ) ).toEqual( index.match( 'Hauptstraße' ) );
	} );

	test( 'German stop words do not count', () => {
		expect( de.match( 'Wie ist das denn bei euch?' ) ).toEqual( { kind: 'none' } );
		expect( de.match( 'Wie ist das Wetter in Berlin?' ) ).toEqual( { kind: 'none' } );
	} );

	test( 'partial matches are suggested', () => {
		expect( de.match( 'Versandkosten nach Österreich' ) ).toEqual( { kind: 'suggest', ids: [ 'versandkosten' ] } );
		expect( de.match( 'Was kostet die Lieferung' ) ).toEqual( { kind: 'suggest', ids: expect.arrayContaining( [ 'lieferzeit', 'versandkosten' ] ) } );
	} );
} );

describe( 'AnswerIndex, other languages', () => {
	test( 'are folded and matched without a stemmer', () => {
		const fr = new AnswerIndex( [ { id: 'horaires', title: 'Horaires', questions: [ 'Quelles sont vos heures d\'ouverture ?' ], answer: '9h–18h.' } ], 'fr_FR' );
		expect( fr.match( 'HEURES OUVERTURE' ) ).toMatchObject( { kind: 'answer', id: 'horaires' } );
		expect( fr.match( 'Où est la gare ?' ) ).toEqual( { kind: 'none' } );
	} );
} );

describe( 'AnswerIndex, privacy', () => {
	test( 'writes nothing anywhere while building and matching', () => {
		const spies = [
			jest.spyOn( process.stdout, 'write' ),
			jest.spyOn( process.stderr, 'write' ),
			...( [ 'log', 'info', 'warn', 'error', 'debug' ] as const ).map( ( m ) => jest.spyOn( console, m ) ),
		];
		try {
			new AnswerIndex( GERMAN, 'de_DE' ).match( 'Meine Adresse ist Hauptstraße 5, bitte liefern' );
			en.match( 'my e-mail is jane@example.com' );
			for ( const spy of spies ) expect( spy ).not.toHaveBeenCalled();
		} finally {
			for ( const spy of spies ) spy.mockRestore();
		}
	} );
} );
