/**
 * From text to search terms, per language: what the matcher indexes and
 * searches with, the same way on both sides.
 *
 * - Words are runs of letters and digits (an apostrophe inside a word stays:
 *   "don't" is one word, a stop word); single letters are dropped.
 * - Case and accents are folded ("Café" → "cafe"; the German stemmer
 *   makes "ß" "ss"). For German,
 *   the transliterations "ae", "oe", "ue" fold like "ä", "ö", "ü"
 *   ("oeffnungszeiten" = "Öffnungszeiten"), by the rule of Snowball's
 *   German2 variant as Lucene's GermanNormalizationFilter states it: "ue"
 *   only where it follows no vowel and no "q" ("neue", "Quelle" stay).
 * - Stop words (Snowball's lists, from @orama/stopwords) are dropped, so that
 *   "how", "wie", "der" neither match nor count as terms of the question.
 * - Words are stemmed with the Snowball stemmers (@orama/stemmers). The
 *   German one strips one layer of suffixes per pass: "liefern" → "lief"
 *   but "Lieferung" → "liefer" (the -ung goes in a later step than -ern
 *   would have). So a visitor's German words are stemmed until the stem no
 *   longer changes, which brings both to "lief" (and "stornieren" and
 *   "Stornierung", "ändern" and "Änderung" to one stem); an answer's words
 *   are indexed under that stem and, where it differs, the first pass's, so
 *   that a form the stemmer leaves longer ("liefert") still finds "liefer"
 *   by the matcher's one-letter typo tolerance. The price: a German word
 *   ending in a compound's first part can lose it ("zurücksenden" →
 *   "zuruck", which also "setzen Sie es zurück" has).
 *
 * Languages without a stemmer here are folded and split, not stemmed; the
 * matcher's fuzzy search still covers small differences.
 */
import { stemmer as englishStemmer } from '@orama/stemmers/english';
import { stemmer as germanStemmer } from '@orama/stemmers/german';
import { stopwords as englishStopwords } from '@orama/stopwords/english';
import { stopwords as germanStopwords } from '@orama/stopwords/german';

type Language = 'en' | 'de' | 'other';

/** Letters, digits and apostrophes; everything else separates words. */
const WORD_SEPARATORS = /[^\p{L}\p{N}']+/u;
const EDGE_APOSTROPHES = /^'+|'+$/g;
const MARKS = /\p{M}+/gu;
const GERMAN_DIGRAPHS = /ae|oe|(?<![aeiouq])ue/g;

export function tokenize( text: string ): string[] {
	return text.replace( /[’‘`´]/g, "'" ).split( WORD_SEPARATORS ).map( ( w ) => w.replace( EDGE_APOSTROPHES, '' ) ).filter( ( w ) => w.length > 0 );
}

function foldCommon( word: string ): string {
	return word.toLowerCase().normalize( 'NFKD' ).replace( MARKS, '' );
}

function foldGerman( word: string ): string {
	return foldCommon( word ).replace( GERMAN_DIGRAPHS, ( d ) => d[ 0 ] );
}

/** `stem` applied until the stem no longer changes (German: see above). */
function stemToFixpoint( stem: ( w: string ) => string, word: string ): string {
	let current = word;
	// Three passes reach the fixpoint for every word we tried; the bound only guards against a cycle.
	for ( let i = 0; i < 4; i++ ) {
		const next = stem( current );
		if ( next === current || next.length < 2 ) break;
		current = next;
	}
	return current;
}

/**
 * One language's way from a word to its terms: `query` gives the term a
 * visitor's word is searched by; `index` the terms an answer's word is
 * indexed under. `null`: the word is not searched (too short, a stop word).
 */
export type Analyzer = {
	query: ( word: string ) => string | null;
	index: ( word: string ) => string | string[] | null;
};

function analyzer( fold: ( w: string ) => string, stops: readonly string[], stem: ( w: string ) => string, toFixpoint = false ): Analyzer {
	// Folded like the words they are compared with ("für" and "fuer" are both "fur").
	const stopSet = new Set( stops.map( fold ) );
	const searchable = ( w: string ) => {
		const folded = fold( w );
		return folded.length < 2 || stopSet.has( folded ) ? null : folded;
	};
	if ( ! toFixpoint ) {
		const query = ( w: string ) => {
			const folded = searchable( w );
			return folded === null ? null : stem( folded );
		};
		return { query, index: query };
	}
	return {
		query: ( w ) => {
			const folded = searchable( w );
			return folded === null ? null : stemToFixpoint( stem, folded );
		},
		index: ( w ) => {
			const folded = searchable( w );
			if ( folded === null ) return null;
			const first = stem( folded );
			const last = stemToFixpoint( stem, first );
			return last === first ? first : [ first, last ];
		},
	};
}

const ANALYZERS: Record< Language, Analyzer > = {
	// Porter2 handles "'s" itself ("customer's" → "custom").
	en: analyzer( foldCommon, englishStopwords, englishStemmer ),
	de: analyzer( foldGerman, germanStopwords, germanStemmer, true ),
	other: analyzer( foldCommon, [], ( w ) => w ),
};

/** The language of a WordPress locale (`de_DE_formal` → `de`). */
export function analyzerFor( locale: string ): Analyzer {
	const language = locale.split( '_' )[ 0 ];
	return language === 'en' || language === 'de' ? ANALYZERS[ language ] : ANALYZERS.other;
}

/** The distinct terms of `text`, in order of first appearance. */
export function queryTerms( text: string, analyzer: Analyzer ): string[] {
	const terms = new Set< string >();
	for ( const word of tokenize( text ) ) {
		const term = analyzer.query( word );
		if ( term ) terms.add( term );
	}
	return [ ...terms ];
}
