/**
 * The adapter from @valibot/to-json-schema's draft-07 to what WordPress's
 * rest_validate_value_from_schema() applies (scripts/build-assistant-schema.mjs):
 * records and literals are rewritten without losing a rule, and a keyword
 * WordPress would silently ignore fails the build instead. The script is an
 * ES module; as in translations.test.ts it runs in a child Node process.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve( __dirname, '..', '..' );

function toWordPress( schema: unknown ): unknown {
	const code = `
import { toWordPress } from './scripts/build-assistant-schema.mjs';
try { process.stdout.write( JSON.stringify( { ok: toWordPress( ${ JSON.stringify( schema ) } ) } ) ); }
catch ( e ) { process.stdout.write( JSON.stringify( { error: e.message } ) ); }`;
	return JSON.parse( execFileSync( process.execPath, [ '--input-type=module', '-e', code ], { cwd: ROOT, encoding: 'utf8' } ) );
}

test( 'a record becomes patternProperties, its key length a look-ahead; a literal an enum with its type', () => {
	const record = {
		type: 'object',
		propertyNames: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[a-z]+$' },
		additionalProperties: { type: 'object', properties: { to: { const: 'answer' } }, required: [ 'to' ], additionalProperties: false },
	};
	expect( toWordPress( record ) ).toEqual( {
		ok: {
			type: 'object',
			patternProperties: { '^(?=.{1,64}$)[a-z]+$': { type: 'object', properties: { to: { enum: [ 'answer' ], type: 'string' } }, required: [ 'to' ], additionalProperties: false } },
			additionalProperties: false,
		},
	} );
} );

test( 'a keyword WordPress does not apply fails, naming where it is', () => {
	expect( toWordPress( { type: 'object', properties: { when: { type: 'string', not: { const: '' } } } } ) ).toEqual( { error: '.when: WordPress does not apply the JSON Schema keyword "not" (or not as valibot means it)' } );
	expect( toWordPress( { type: 'array', items: { $ref: '#/$defs/x' } } ) ).toEqual( { error: '[]: WordPress does not apply the JSON Schema keyword "$ref" (or not as valibot means it)' } );
} );
