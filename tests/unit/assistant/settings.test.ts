import { modeFor, parseAssistantPush } from '../../../server/assistant/settings';

const content = { locales: { en_US: { answers: [ { id: 'hours', title: 'Opening hours', questions: [ 'When are you open?' ], answer: 'Nine to five.' } ] } } };

test( 'a push with settings and content is accepted, with the defaults filled in', () => {
	const r = parseAssistantPush( { settings: { mode: 'first' }, content } );
	expect( r ).toMatchObject( { ok: true, push: { settings: { mode: 'first', departments: {}, handoverAfter: 2 } } } );
	expect( parseAssistantPush( { content } ) ).toMatchObject( { ok: true, push: { settings: { mode: 'off' } } } );
} );

test.each( [
	[ 'not an object', [], '' ],
	[ 'an unknown key', { content, extra: 1 }, 'extra' ],
	[ 'a bad mode', { settings: { mode: 'always' }, content }, 'settings.mode' ],
	[ 'a bad department id', { settings: { departments: { 'a b': 'off' } }, content }, 'settings.departments.a b' ],
	[ 'a department with a bad mode', { settings: { departments: { sales: 'maybe' } }, content }, 'settings.departments.sales' ],
	[ 'handoverAfter 0', { settings: { handoverAfter: 0 }, content }, 'settings.handoverAfter' ],
	[ 'handoverAfter 1.5', { settings: { handoverAfter: 1.5 }, content }, 'settings.handoverAfter' ],
	[ 'no content', { settings: {} }, 'content' ],
	[ 'a content problem, named under content', { content: { locales: { en_US: { answers: [ { ...content.locales.en_US.answers[ 0 ], id: 'Bad Id' } ] } } } }, 'content.locales.en_US.answers.0.id' ],
] )( '%s is refused with the path of the field', ( _what, body, path ) => {
	const r = parseAssistantPush( body );
	expect( r.ok ).toBe( false );
	if ( ! r.ok ) expect( { code: r.code, path: r.path, message: typeof r.message } ).toEqual( { code: 'invalid', path, message: 'string' } );
} );

test( 'a department\'s mode overrides the site\'s; other departments and none get the site\'s', () => {
	const r = parseAssistantPush( { settings: { mode: 'when_offline', departments: { sales: 'first', support: 'off' } }, content } );
	if ( ! r.ok ) throw new Error( r.message );
	const { settings } = r.push;
	expect( [ modeFor( settings, 'sales' ), modeFor( settings, 'support' ), modeFor( settings, 'billing' ), modeFor( settings, null ) ] ).toEqual( [ 'first', 'off', 'when_offline', 'when_offline' ] );
} );
