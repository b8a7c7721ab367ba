/**
 * German stays complete: every string of the template (languages/consent-chat.pot)
 * has a German translation that keeps the source's printf placeholders, and the
 * template itself has every string the wp-admin scripts and the block editor use.
 *
 * gettext-parser (like scripts/build-translations.mjs and scripts/extract-js-strings.mjs)
 * is an ES module, which jest's CommonJS runtime cannot require without
 * --experimental-vm-modules; it runs in a child Node process that prints the parsed files as JSON.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve( __dirname, '..', '..' );
const POT = 'languages/consent-chat.pot';
const PO = 'languages/consent-chat-de_DE.po';

interface Entry {
	msgctxt?: string;
	msgid: string;
	msgid_plural?: string;
	msgstr: string[];
	comments?: { flag?: string; reference?: string };
}
interface Parsed {
	headers: Record< string, string >;
	translations: Record< string, Record< string, Entry > >;
}

const LOADER = `
import { readFileSync } from 'node:fs';
import gettextParser from 'gettext-parser';
import { extract } from './scripts/extract-js-strings.mjs';
const parse = ( file ) => gettextParser.po.parse( readFileSync( file ) );
process.stdout.write( JSON.stringify( { pot: parse( ${ JSON.stringify( POT ) } ), po: parse( ${ JSON.stringify( PO ) } ), js: extract() } ) );
`;

const { pot, po, js } = JSON.parse(
	execFileSync( process.execPath, [ '--input-type=module', '-e', LOADER ], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 } )
) as { pot: Parsed; po: Parsed; js: Parsed[ 'translations' ] };

function entries( translations: Parsed[ 'translations' ] ): Entry[] {
	return Object.values( translations ).flatMap( ( context ) => Object.values( context ).filter( ( e ) => e.msgid !== '' ) );
}

/** The source files an entry's references name, without line numbers. */
function files( e: Entry | undefined ): string[] {
	return ( e?.comments?.reference ?? '' ).split( /\s+/ ).filter( Boolean ).map( ( r ) => r.replace( /:\d+$/, '' ) );
}

function label( e: Entry ): string {
	return e.msgctxt ? `[${ e.msgctxt }] ${ e.msgid }` : e.msgid;
}

/**
 * The printf conversions of a string, sorted (a multiset): %s, %d, %1$s, %05.2f …
 * "%%" is a literal percent sign, not a placeholder. No space flag: in "50 % of" the
 * "% o" is text, not a conversion.
 */
function placeholders( text: string ): string[] {
	return ( text.match( /%%|%(?:\d+\$)?[-+0#]*\d*(?:\.\d+)?[bcdeEfFgGosuxX]/g ) ?? [] ).filter( ( p ) => p !== '%%' ).sort();
}

/** What is wrong with the German for one template entry, if anything. */
function problems( source: Entry, german: Entry | undefined ): string[] {
	if ( ! german ) return [ 'missing from the .po (run scripts/make-pot.sh)' ];
	const found: string[] = [];
	if ( german.comments?.flag?.split( /,\s*/ ).includes( 'fuzzy' ) ) found.push( 'marked fuzzy' );
	if ( ( german.msgid_plural ?? '' ) !== ( source.msgid_plural ?? '' ) ) found.push( 'plural form differs from the template' );
	const forms = source.msgid_plural ? 2 : 1;
	if ( german.msgstr.length !== forms ) found.push( `has ${ german.msgstr.length } forms, needs ${ forms }` );
	german.msgstr.forEach( ( text, i ) => {
		// msgstr[0] is the singular (n = 1), every other form stands for the plural.
		const original = i === 0 ? source.msgid : source.msgid_plural ?? source.msgid;
		if ( text.trim() === '' ) {
			found.push( `msgstr[${ i }] is untranslated` );
			return;
		}
		const want = placeholders( original ).join( ' ' );
		const got = placeholders( text ).join( ' ' );
		if ( want !== got ) found.push( `msgstr[${ i }] has placeholders "${ got }", the source "${ want }"` );
	} );
	return found;
}

describe( 'the placeholder check', () => {
	test( 'finds printf conversions, positional ones and none in plain percent signs', () => {
		expect( placeholders( '%1$s (%2$d open chats)' ) ).toEqual( [ '%1$s', '%2$d' ] );
		expect( placeholders( 'Up %s by %d%% of %05.2f' ) ).toEqual( [ '%05.2f', '%d', '%s' ] );
		expect( placeholders( '50 % of the chats' ) ).toEqual( [] );
	} );

	test( 'reports a dropped, an added and a renumbered placeholder, and an empty plural form', () => {
		const source: Entry = { msgid: '%1$s (%2$d open chat)', msgid_plural: '%1$s (%2$d open chats)', msgstr: [ '', '' ] };
		const ok: Entry = { ...source, msgstr: [ '%1$s (%2$d offener Chat)', '%1$s (%2$d offene Chats)' ] };
		expect( problems( source, ok ) ).toEqual( [] );
		expect( problems( source, { ...ok, msgstr: [ '%1$s (ein offener Chat)', '%1$s (%2$d offene Chats)' ] } ) ).toHaveLength( 1 );
		expect( problems( source, { ...ok, msgstr: [ '%1$s (%2$d offener Chat)', '%1$s (%2$d offene Chats) %s' ] } ) ).toHaveLength( 1 );
		expect( problems( source, { ...ok, msgstr: [ '%1$s (%1$d offener Chat)', '%1$s (%2$d offene Chats)' ] } ) ).toHaveLength( 1 );
		expect( problems( source, { ...ok, msgstr: [ '%1$s (%2$d offener Chat)', '' ] } ) ).toEqual( [ 'msgstr[1] is untranslated' ] );
		expect( problems( source, { ...ok, msgstr: [ '%1$s (%2$d offener Chat)' ] } ) ).toHaveLength( 1 );
		expect( problems( source, { ...ok, comments: { flag: 'fuzzy' } } ) ).toEqual( [ 'marked fuzzy' ] );
		expect( problems( source, undefined ) ).toHaveLength( 1 );
	} );
} );

describe( 'German (de_DE)', () => {
	test( 'the template is not empty and has strings from PHP and from the scripts', () => {
		const refs = entries( pot.translations ).map( ( e ) => e.comments?.reference ?? '' );
		expect( refs.length ).toBeGreaterThan( 100 );
		expect( refs.some( ( r ) => /\.php:\d/.test( r ) ) ).toBe( true );
		expect( refs.some( ( r ) => /^(admin|blocks)\/.*\.tsx?:\d/m.test( r ) ) ).toBe( true );
	} );

	test( 'the template has every string of the wp-admin scripts and the block editor, with its script files', () => {
		// build-translations.mjs puts a string into a script's JSON by the template's references,
		// so a string also used in PHP must keep the reference to the script, too.
		const stale: Record< string, string[] > = {};
		for ( const e of entries( js ) ) {
			const inPot = files( pot.translations[ e.msgctxt ?? '' ]?.[ e.msgid ] );
			const lost = files( e ).filter( ( f ) => ! inPot.includes( f ) );
			if ( lost.length ) stale[ label( e ) ] = lost;
		}
		// Not empty: a string was added to admin/ or blocks/ and scripts/make-pot.sh was not run.
		expect( stale ).toEqual( {} );
	} );

	test( 'the header has German plural forms', () => {
		expect( po.headers[ 'Plural-Forms' ] ).toBe( 'nplurals=2; plural=(n != 1);' );
		expect( po.headers.Language ).toBe( 'de_DE' );
	} );

	test( 'every string of the template is translated, with the same placeholders', () => {
		const wrong: Record< string, string[] > = {};
		for ( const source of entries( pot.translations ) ) {
			const found = problems( source, po.translations[ source.msgctxt ?? '' ]?.[ source.msgid ] );
			if ( found.length ) wrong[ label( source ) ] = found;
		}
		// Not empty: translate these in languages/consent-chat-de_DE.po (after scripts/make-pot.sh).
		expect( wrong ).toEqual( {} );
	} );
} );
