/**
 * @jest-environment jsdom
 *
 * The label of a required field reads "Your email address (required)" in
 * English and "… (Pflichtfeld)" in German: the marker comes from WordPress
 * with its own brackets, so the widget must not add a second pair. The
 * marker is taken from where the widget really gets it (the PHP source and
 * the shipped German translation), not restated here.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FormField, WidgetStrings } from '../../client/contract';
import { renderField } from '../../client/widget/form-fields';

const ROOT = path.resolve( __dirname, '..', '..' );

/** The English marker, as includes/class-widget-strings.php hands it to the widget. */
function englishMarker(): string {
	const php = readFileSync( path.join( ROOT, 'includes/class-widget-strings.php' ), 'utf8' );
	const match = php.match( /'required'\s*=>\s*__\(\s*'([^']*)',\s*'consent-chat'\s*\)/ );
	if ( ! match ) throw new Error( "includes/class-widget-strings.php no longer sets the widget's 'required' string" );
	return match[ 1 ];
}

/** The German translation of that marker from languages/consent-chat-de_DE.po (parsed as the build does). */
function germanMarker( msgid: string ): string {
	const script = `
import { readFileSync } from 'node:fs';
import gettextParser from 'gettext-parser';
const po = gettextParser.po.parse( readFileSync( 'languages/consent-chat-de_DE.po' ) );
process.stdout.write( JSON.stringify( po.translations[ '' ][ ${ JSON.stringify( msgid ) } ]?.msgstr?.[ 0 ] ?? null ) );
`;
	const msgstr = JSON.parse( execFileSync( process.execPath, [ '--input-type=module', '-e', script ], { cwd: ROOT, encoding: 'utf8' } ) ) as string | null;
	if ( ! msgstr ) throw new Error( `no German translation of ${ msgid }` );
	return msgstr;
}

function labelText( field: FormField, required: string ): string {
	const { wrap } = renderField( field, { required, tickRequired: 'Please tick this box.' } as WidgetStrings );
	return wrap.querySelector( 'label' )!.textContent!;
}

const email: FormField = { id: 'email', type: 'email', label: 'Your email address', required: true };

test( 'a required field reads "Your email address (required)", with one pair of brackets', () => {
	expect( labelText( email, englishMarker() ) ).toBe( 'Your email address (required)' );
} );

test( 'in German it reads "Ihre E-Mail-Adresse (Pflichtfeld)"', () => {
	const german = germanMarker( englishMarker() );
	expect( german ).toBe( '(Pflichtfeld)' );
	expect( labelText( { ...email, label: 'Ihre E-Mail-Adresse' }, german ) ).toBe( 'Ihre E-Mail-Adresse (Pflichtfeld)' );
} );

test( 'optional fields and checkboxes get no marker (a checkbox says what is required in its own label)', () => {
	expect( labelText( { ...email, required: false }, englishMarker() ) ).toBe( 'Your email address' );
	expect( labelText( { id: 'optin', type: 'checkbox', label: 'I agree.', required: true }, englishMarker() ) ).toBe( 'I agree.' );
} );
