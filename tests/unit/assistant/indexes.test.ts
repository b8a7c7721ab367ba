import { AssistantIndexes, parseAssistantContent, type AssistantContent } from '../../../server/assistant';
import { ENGLISH, GERMAN } from './corpus';

function content( locales: Record< string, unknown > ): AssistantContent {
	const parsed = parseAssistantContent( { locales } );
	if ( ! parsed.ok ) throw new Error( `${ parsed.path }: ${ parsed.message }` );
	return parsed.content;
}

const SITE = content( { en_US: { answers: ENGLISH }, de_DE: { answers: GERMAN } } );

describe( 'AssistantIndexes', () => {
	test( 'matches in the visitor\'s locale', () => {
		const indexes = new AssistantIndexes( SITE );
		expect( indexes.locales ).toEqual( [ 'en_US', 'de_DE' ] );
		expect( indexes.match( 'de_DE', 'Öffnungszeiten' ) ).toMatchObject( { kind: 'answer', id: 'oeffnungszeiten' } );
		expect( indexes.match( 'en_US', 'opening hours' ) ).toMatchObject( { kind: 'answer', id: 'opening-hours' } );
	} );

	test( 'serves a locale without content from its language, else from the site\'s first locale', () => {
		const indexes = new AssistantIndexes( SITE );
		expect( indexes.localeFor( 'de_AT' ) ).toBe( 'de_DE' );
		expect( indexes.match( 'de_AT', 'Öffnungszeiten' ) ).toMatchObject( { kind: 'answer', id: 'oeffnungszeiten' } );
		expect( indexes.localeFor( 'fr_FR' ) ).toBe( 'en_US' );
		expect( indexes.match( 'fr_FR', 'opening hours' ) ).toMatchObject( { kind: 'answer', id: 'opening-hours' } );
		// The first locale is the content's first, whichever it is.
		const germanFirst = new AssistantIndexes( content( { de_DE: { answers: GERMAN }, en_US: { answers: ENGLISH } } ) );
		expect( germanFirst.localeFor( 'fr_FR' ) ).toBe( 'de_DE' );
	} );

	test( 'with no content, or none yet, matches nothing', () => {
		expect( new AssistantIndexes().match( 'en_US', 'opening hours' ) ).toEqual( { kind: 'none' } );
		expect( new AssistantIndexes( content( {} ) ).localeFor( 'en_US' ) ).toBeUndefined();
		expect( new AssistantIndexes( content( { en_US: { answers: [] } } ) ).match( 'en_US', 'opening hours' ) ).toEqual( { kind: 'none' } );
	} );

	test( 'rebuild replaces every locale\'s answers', () => {
		const indexes = new AssistantIndexes( SITE );
		const changed = ENGLISH.filter( ( a ) => a.id !== 'opening-hours' ).concat( {
			id: 'parking',
			title: 'Parking',
			questions: [ 'Where can I park?' ],
			answer: 'Behind the shop.',
		} );
		indexes.rebuild( content( { en_US: { answers: changed } } ) );
		expect( indexes.locales ).toEqual( [ 'en_US' ] );
		expect( indexes.match( 'en_US', 'opening hours' ) ).not.toMatchObject( { id: 'opening-hours' } );
		expect( indexes.match( 'en_US', 'parking' ) ).toMatchObject( { kind: 'answer', id: 'parking' } );
		// German visitors now get the site's only locale.
		expect( indexes.match( 'de_DE', 'park' ) ).toMatchObject( { kind: 'answer', id: 'parking' } );
	} );
} );
