/**
 * The hand-written check for plain `send` frames (the relay's hot path) must
 * accept exactly what the valibot schema accepts, with the same output.
 */
import fc from 'fast-check';
import * as v from 'valibot';
import { ClientFrameSchema, LIMITS, parseClientFrame } from '../../server/protocol';

const idLike = fc.oneof(
	fc.stringMatching( /^[A-Za-z0-9_-]{1,64}$/ ),
	fc.string( { maxLength: 70 } ),
	fc.constant( 'x'.repeat( LIMITS.maxIdLength + 1 ) ),
	fc.integer(),
	fc.constant( null )
);
const textLike = fc.oneof(
	fc.string( { minLength: 0, maxLength: 50 } ),
	fc.constant( 'y'.repeat( LIMITS.maxTextLength ) ),
	fc.constant( 'y'.repeat( LIMITS.maxTextLength + 1 ) ),
	fc.constant( '\ud800 lone surrogate' ),
	fc.boolean()
);

test( 'plain send frames: parseClientFrame agrees with the valibot schema', () => {
	fc.assert(
		fc.property(
			fc.record(
				{
					chatId: idLike,
					clientId: idLike,
					text: textLike,
					options: fc.oneof( fc.constant( null ), fc.array( fc.string( { maxLength: 5 } ), { maxLength: 3 } ) ),
					extra: fc.string(),
				},
				{ requiredKeys: [] }
			),
			( fields ) => {
				const data = { type: 'send', ...fields };
				const expected = v.safeParse( ClientFrameSchema, data );
				const got = parseClientFrame( JSON.stringify( data ) );
				expect( got.ok ).toBe( expected.success );
				if ( got.ok && expected.success ) expect( got.frame ).toStrictEqual( expected.output );
			}
		),
		{ numRuns: 2000 }
	);
} );

test( 'a plain send frame comes out with exactly the schema keys', () => {
	const got = parseClientFrame( JSON.stringify( { type: 'send', chatId: 'c1', clientId: 'k1', text: 'hi', evil: 1 } ) );
	expect( got ).toStrictEqual( { ok: true, frame: { type: 'send', chatId: 'c1', clientId: 'k1', text: 'hi' } } );
} );
