// Extracts the translatable strings of the wp-admin scripts and the block
// editor (__(), _x(), _n(), _nx() with the 'consent-chat' domain) from their
// TypeScript sources into a .pot, with "translators:" comments and file:line
// references. scripts/make-pot.sh merges it with the PHP strings; the
// references are what scripts/build-translations.mjs uses to split the
// translations into one JSON file per script (wp_set_script_translations).
//
// GNU xgettext cannot be used for these files: it does not parse JSX, and an
// apostrophe in JSX text would start a "string" for it.

import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@babel/parser';
import gettextParser from 'gettext-parser';

const ROOT = path.resolve( path.dirname( fileURLToPath( import.meta.url ) ), '..' );
const DOMAIN = 'consent-chat';

/** Which sources are translated through JSON: the scripts WordPress loads with wp_set_script_translations(). */
export const SCRIPT_SOURCES = [ 'admin', 'blocks' ];

/** Argument positions per function: [ msgid, plural, context ] and where the domain is. */
const FUNCTIONS = {
	__: { single: 0, domain: 1 },
	_x: { single: 0, context: 1, domain: 2 },
	_n: { single: 0, plural: 1, domain: 3 },
	_nx: { single: 0, plural: 1, context: 3, domain: 4 },
};

function files( dir ) {
	return readdirSync( dir ).flatMap( ( name ) => {
		const full = path.join( dir, name );
		if ( statSync( full ).isDirectory() ) return files( full );
		return /\.tsx?$/.test( name ) && ! name.endsWith( '.d.ts' ) ? [ full ] : [];
	} );
}

function literal( node ) {
	if ( ! node ) return null;
	if ( node.type === 'StringLiteral' ) return node.value;
	if ( node.type === 'TemplateLiteral' && node.expressions.length === 0 ) return node.quasis[ 0 ].value.cooked;
	return null;
}

/**
 * The "translators:" comment ending on the call's line or the line just
 * above it, if no earlier call took it: a comment belongs to the first
 * string after it, not to a fallback string nested in the same sprintf().
 */
function translatorsComment( comments, line, used ) {
	const found = comments.filter( ( c ) => c.loc.end.line >= line - 1 && c.loc.end.line <= line && /translators:/i.test( c.value ) && ! used.has( c ) );
	const last = found[ found.length - 1 ];
	if ( ! last ) return '';
	used.add( last );
	return last.value.replace( /^\s*\*?\s*/gm, '' ).trim();
}

function walk( node, visit ) {
	if ( ! node || typeof node.type !== 'string' ) return;
	visit( node );
	for ( const key of Object.keys( node ) ) {
		if ( key === 'loc' || key === 'leadingComments' || key === 'trailingComments' || key === 'innerComments' ) continue;
		const value = node[ key ];
		if ( Array.isArray( value ) ) value.forEach( ( child ) => walk( child, visit ) );
		else if ( value && typeof value === 'object' ) walk( value, visit );
	}
}

export function extract() {
	/** context → msgid → entry */
	const translations = { '': {} };
	for ( const dir of SCRIPT_SOURCES ) {
		for ( const file of files( path.join( ROOT, dir ) ).sort() ) {
			const rel = path.relative( ROOT, file );
			const ast = parse( readFileSync( file, 'utf8' ), { sourceType: 'module', plugins: [ 'typescript', 'jsx' ] } );
			const used = new Set();
			walk( ast.program, ( node ) => {
				if ( node.type !== 'CallExpression' ) return;
				const name = node.callee.type === 'Identifier' ? node.callee.name : node.callee.property?.name;
				const spec = FUNCTIONS[ name ];
				if ( ! spec || literal( node.arguments[ spec.domain ] ) !== DOMAIN ) return;
				const msgid = literal( node.arguments[ spec.single ] );
				if ( msgid === null ) throw new Error( `${ rel }:${ node.loc.start.line }: ${ name }() needs a literal string` );
				const context = spec.context === undefined ? '' : literal( node.arguments[ spec.context ] ) ?? '';
				const plural = spec.plural === undefined ? undefined : literal( node.arguments[ spec.plural ] );
				translations[ context ] ??= {};
				const entry = ( translations[ context ][ msgid ] ??= {
					msgctxt: context || undefined,
					msgid,
					msgid_plural: plural ?? undefined,
					msgstr: plural ? [ '', '' ] : [ '' ],
					comments: { reference: '', extracted: '' },
				} );
				const ref = `${ rel }:${ node.loc.start.line }`;
				entry.comments.reference = entry.comments.reference ? `${ entry.comments.reference }\n${ ref }` : ref;
				const note = translatorsComment( ast.comments, node.loc.start.line, used );
				if ( note && ! entry.comments.extracted.includes( note ) ) {
					entry.comments.extracted = entry.comments.extracted ? `${ entry.comments.extracted }\n${ note }` : note;
				}
			} );
		}
	}
	return translations;
}

if ( import.meta.url === `file://${ process.argv[ 1 ] }` ) {
	const out = process.argv[ 2 ] ?? path.join( ROOT, 'languages', 'consent-chat-js.pot' );
	const translations = extract();
	translations[ '' ][ '' ] = { msgid: '', msgstr: [ 'Content-Type: text/plain; charset=UTF-8\n' ] };
	writeFileSync( out, gettextParser.po.compile( { charset: 'utf-8', headers: { 'Content-Type': 'text/plain; charset=UTF-8' }, translations } ) );
	const count = Object.values( translations ).reduce( ( n, c ) => n + Object.keys( c ).length, 0 ) - 1;
	console.log( `extract-js-strings: ${ count } strings from ${ SCRIPT_SOURCES.join( ', ' ) } → ${ path.relative( ROOT, out ) }` );
}
