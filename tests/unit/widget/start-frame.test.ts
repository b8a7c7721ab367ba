/**
 * The `start` frame carries the page's language as WordPress names it, so
 * the service answers from the site's content in that language; a name the
 * service would refuse is left out (the site's main language answers).
 */
import type { FrontendConfig } from '../../../client/contract';
import { startFrame } from '../../../client/widget/start-view';

const config = ( lang: string, more: Partial< FrontendConfig > = {} ): FrontendConfig => ( { lang, dept: '', ...more } ) as FrontendConfig;

test( 'the page’s locale travels as `lang`, with the department and origin where there are', () => {
	expect( startFrame( config( 'de_DE' ), 'c1', { text: 'Hallo' } ) ).toEqual( { type: 'start', clientId: 'c1', text: 'Hallo', lang: 'de_DE' } );
	expect( startFrame( config( 'de_DE_formal', { dept: 'sales', from: 'app' } ), 'c2', {} ) ).toEqual( { type: 'start', clientId: 'c2', dept: 'sales', from: 'app', lang: 'de_DE_formal' } );
} );

test( 'a locale the protocol does not take is left out, not sent to be refused', () => {
	expect( startFrame( config( 'de-DE' ), 'c3', {} ) ).not.toHaveProperty( 'lang' );
	expect( startFrame( config( '' ), 'c4', {} ) ).not.toHaveProperty( 'lang' );
} );
