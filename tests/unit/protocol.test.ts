import { CLIENT_FRAME_TYPES, ClientFrameSchema, FRAMES_BY_ROLE, LIMITS, parseClientFrame } from '../../server/protocol';

const ok = ( raw: unknown ) => parseClientFrame( JSON.stringify( raw ) );

describe( 'parseClientFrame', () => {
	it( 'accepts every well-formed frame type', () => {
		const frames = [
			{ type: 'hello', token: 'abc' },
			{ type: 'hello', token: 'abc', resume: { chatId: 'c-1', code: 'ABCD-EFGH-JKMN', lastSeq: 3 } },
			{ type: 'start', clientId: 'k1' },
			{ type: 'start', clientId: 'k1', text: 'Hi', dept: 'sales', from: 'app', consentVersion: '3', mode: 'ephemeral', form: { name: 'Ann', email: 'a@b.c' } },
			{ type: 'start', clientId: 'k1', lang: 'de_DE_formal' },
			{ type: 'send', chatId: 'c1', clientId: 'k2', text: 'hello' },
			{ type: 'send', chatId: 'c1', clientId: 'k5', text: 'Which?', options: [ 'Yes', 'No' ] },
			{ type: 'end', chatId: 'c1' },
			{ type: 'sync', chatId: 'c1', afterSeq: 0 },
			{ type: 'typing', chatId: 'c1', typing: true },
			{ type: 'submit', chatId: 'c1', clientId: 'k3', dialog: 'address', fields: { street: 'Main St 1', city: 'Bonn' } },
			{ type: 'restart', chatId: 'c1', clientId: 'k4' },
			{ type: 'handover', chatId: 'c1' },
			{ type: 'presence', online: true },
			{ type: 'presence', online: true, depts: [ 'sales' ] },
			{ type: 'take', chatId: 'c1' },
			{ type: 'transfer', chatId: 'c1', toAgent: 'wp:2' },
			{ type: 'transfer', chatId: 'c1', toDept: 'billing' },
			{ type: 'keep', chatId: 'c1', keep: true },
			{ type: 'page', chatId: 'c1', page: { path: '/shop/', title: 'Shop' } },
			{ type: 'page', chatId: 'c1', page: null },
			{ type: 'renew', token: 'abc' },
		];
		for ( const f of frames ) {
			const r = ok( f );
			expect( r ).toEqual( { ok: true, frame: f } );
		}
		expect( new Set( frames.map( ( f ) => f.type ) ) ).toEqual( new Set( CLIENT_FRAME_TYPES ) );
	} );

	it( 'answers malformed JSON with bad_json', () => {
		expect( parseClientFrame( '{"type":' ) ).toMatchObject( { ok: false, code: 'bad_json' } );
		expect( parseClientFrame( '' ) ).toMatchObject( { ok: false, code: 'bad_json' } );
	} );

	it( 'answers non-objects and missing types with bad_frame', () => {
		for ( const raw of [ '[]', 'null', '42', '"hello"', '{}', '{"type":7}' ] ) {
			expect( parseClientFrame( raw ) ).toMatchObject( { ok: false, code: 'bad_frame' } );
		}
	} );

	it( 'answers unknown types with unknown_type, naming the type', () => {
		const r = ok( { type: 'launch-missiles' } );
		expect( r ).toMatchObject( { ok: false, code: 'unknown_type' } );
		expect( ! r.ok && r.message ).toContain( 'launch-missiles' );
	} );

	it( 'answers wrong field types with bad_frame naming the field', () => {
		const r = ok( { type: 'send', chatId: 'c1', clientId: 'k', text: 42 } );
		expect( r ).toMatchObject( { ok: false, code: 'bad_frame' } );
		expect( ! r.ok && r.message ).toMatch( /^text/ );
		expect( ok( { type: 'sync', chatId: 'c1', afterSeq: -1 } ) ).toMatchObject( { ok: false, code: 'bad_frame' } );
		expect( ok( { type: 'sync', chatId: 'c1', afterSeq: 1.5 } ) ).toMatchObject( { ok: false, code: 'bad_frame' } );
		expect( ok( { type: 'take', chatId: 'has spaces' } ) ).toMatchObject( { ok: false, code: 'bad_frame' } );
		expect( ok( { type: 'presence', online: 'yes' } ) ).toMatchObject( { ok: false, code: 'bad_frame' } );
	} );

	it( 'answers an empty or over-long text distinctly', () => {
		expect( ok( { type: 'send', chatId: 'c1', clientId: 'k', text: '' } ) ).toMatchObject( { ok: false, code: 'bad_frame' } );
		const long = 'x'.repeat( LIMITS.maxTextLength + 1 );
		expect( ok( { type: 'send', chatId: 'c1', clientId: 'k', text: long } ) ).toMatchObject( { ok: false, code: 'too_large' } );
		expect( ok( { type: 'send', chatId: 'c1', clientId: 'k', text: 'x'.repeat( LIMITS.maxTextLength ) } ).ok ).toBe( true );
	} );

	it( 'refuses a transfer that names both or neither target', () => {
		expect( ok( { type: 'transfer', chatId: 'c1' } ) ).toMatchObject( { ok: false, code: 'bad_frame' } );
		expect( ok( { type: 'transfer', chatId: 'c1', toAgent: 'wp:2', toDept: 'x' } ) ).toMatchObject( { ok: false, code: 'bad_frame' } );
	} );

	it( 'bounds dialog answers', () => {
		const many = Object.fromEntries( Array.from( { length: LIMITS.maxFields + 1 }, ( _, i ) => [ `f${ i }`, 'x' ] ) );
		expect( ok( { type: 'submit', chatId: 'c', clientId: 'k', dialog: 'd', fields: many } ) ).toMatchObject( { ok: false, code: 'bad_frame' } );
		expect( ok( { type: 'submit', chatId: 'c', clientId: 'k', dialog: 'd', fields: { a: 7 } } ) ).toMatchObject( { ok: false, code: 'bad_frame' } );
		expect( ok( { type: 'submit', chatId: 'c', clientId: 'k', dialog: 'd', fields: { 'bad key': 'x' } } ) ).toMatchObject( { ok: false, code: 'bad_frame' } );
	} );

	it( 'takes the visitor\'s language only as a WordPress locale name', () => {
		for ( const lang of [ 'de', 'en_US', 'pt_BR', 'ca_valencia' ] ) expect( ok( { type: 'start', clientId: 'k', lang } ).ok ).toBe( true );
		for ( const lang of [ '', 'DE', 'de-DE', 'De_DE', '../etc', 'x'.repeat( 21 ), 7 ] ) {
			expect( ok( { type: 'start', clientId: 'k', lang } ) ).toMatchObject( { ok: false, code: 'bad_frame' } );
		}
	} );

	it( 'gives each role only its own frames', () => {
		expect( FRAMES_BY_ROLE.agent ).not.toContain( 'handover' );
		expect( FRAMES_BY_ROLE.visitor ).not.toContain( 'take' );
		expect( FRAMES_BY_ROLE.visitor ).not.toContain( 'presence' );
		expect( FRAMES_BY_ROLE.visitor ).not.toContain( 'renew' );
		expect( FRAMES_BY_ROLE.agent ).not.toContain( 'start' );
	} );

	it( 'knows every frame type from the definitions, and every one after hello belongs to a role', () => {
		// The list is read from ClientFrameSchema, not kept by hand: a frame added there is known here.
		expect( CLIENT_FRAME_TYPES ).toEqual( ClientFrameSchema.options.map( ( o ) => o.entries.type.literal ) );
		expect( new Set( CLIENT_FRAME_TYPES ).size ).toBe( CLIENT_FRAME_TYPES.length );
		const withRole = new Set( [ ...FRAMES_BY_ROLE.visitor, ...FRAMES_BY_ROLE.agent ] );
		expect( CLIENT_FRAME_TYPES.filter( ( t ) => t !== 'hello' && ! withRole.has( t ) ) ).toEqual( [] );
	} );
} );

describe( 'the page frame (tracking consent only)', () => {
	it( 'refuses a path that is not a site path, or too long', () => {
		for ( const page of [ { path: 'https://x/y', title: '' }, { path: '', title: '' }, { path: '/' + 'x'.repeat( LIMITS.maxPathLength ), title: '' }, { path: '/', title: 'x'.repeat( LIMITS.maxTitleLength + 1 ) }, { path: '/' } ] ) {
			expect( ok( { type: 'page', chatId: 'c1', page } ) ).toMatchObject( { ok: false, code: 'bad_frame' } );
		}
	} );
	it( 'is a visitor frame only', () => {
		expect( FRAMES_BY_ROLE.visitor ).toContain( 'page' );
		expect( FRAMES_BY_ROLE.agent ).not.toContain( 'page' );
	} );
} );
