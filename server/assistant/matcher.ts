/**
 * One locale's answers, indexed for matching a visitor's message: MiniSearch
 * (BM25 ranking over an in-memory inverted index, with prefix and fuzzy
 * term lookup) over each answer's title, example questions and text, with
 * the language's terms (./terms.ts: folding, stop words, Snowball stems).
 *
 * Each term of the message is also looked up as a prefix (terms of 4+
 * letters: "versand" finds "versandkosten") and, unless the answers have it
 * as it is, with typos (1 edit from 4 letters, 2 from 8: "ordr", "shiping",
 * "Rechnug"); such matches count less than exact ones (MiniSearch's default
 * weights). Only a message's first 32 distinct terms are searched.
 *
 * The confidence rule. BM25 scores depend on the corpus and the query's
 * length, so no fixed score says "confident"; the rule uses two relative
 * measures instead. The assistant answers with the best-ranked answer only
 * when both hold:
 *   1. coverage: it matched more than half of the message's terms (the
 *      distinct terms left after stop words; exact, prefix or fuzzy). A
 *      message that shares one or two words of four with an answer ("How
 *      expensive is delivery?" with "How long does delivery take?") is not
 *      surely that answer's question;
 *   2. lead: its score is at least 1.5 times the second-best's. Two answers
 *      that explain the message about equally well are a choice for the
 *      visitor, not for us.
 * Otherwise, if anything matched, it suggests the best few (up to three)
 * whose score is at least a quarter of the best's: the rest are noise next
 * to them. Nothing matched: none.
 *
 * Nothing here logs, stores or keeps a visitor's message: the text lives as
 * long as the call.
 */
import MiniSearch, { type SearchOptions } from 'minisearch';
import type { Answer } from './answers';
import { analyzerFor, queryTerms, tokenize, type Analyzer } from './terms';

export type AnswerMatch =
	| { kind: 'answer'; id: string; score: number }
	| { kind: 'suggest'; ids: string[] }
	| { kind: 'none' };

/** The numbers of the rule above, in one place. */
export const MATCH_RULE = {
	/** The best answer must match more than this share of the message's terms. */
	minCoverage: 0.5,
	/** How many times the second-best's score the best's must be. */
	minLead: 1.5,
	/** Suggestions score at least this share of the best's. */
	suggestFloor: 0.25,
	maxSuggestions: 3,
} as const;

/**
 * A message's first this many distinct terms are searched: each costs a
 * lookup with typos, and a message with more is not a question one answer
 * covers more than half of (a message can be 4,000 characters).
 */
const MAX_QUERY_TERMS = 32;

/** Example questions and titles are what visitors ask; an answer's text only says more about it. */
const BOOST = { title: 2, questions: 1.5, answer: 0.3 };

/** Link targets and bare URLs in an answer's Markdown are not what visitors ask about. */
const LINK_TARGETS = /\]\([^)]*\)|https?:\/\/\S+/g;

type Doc = { id: string; title: string; questions: string; answer: string };

export class AnswerIndex {
	private readonly search: MiniSearch< Doc >;
	private readonly analyzer: Analyzer;
	private readonly searchOptions: SearchOptions;

	constructor( answers: readonly Answer[], locale: string ) {
		const analyzer = ( this.analyzer = analyzerFor( locale ) );
		// A site's answers repeat their words: each is analysed once per build.
		// What is kept are the site's terms, never a visitor's.
		const seen = new Map< string, ReturnType< Analyzer[ 'index' ] > >();
		const known = new Set< string >();
		const analyze = ( word: string ) => {
			let terms = seen.get( word );
			if ( terms === undefined ) {
				seen.set( word, ( terms = analyzer.index( word ) ) );
				for ( const t of typeof terms === 'string' ? [ terms ] : terms ?? [] ) known.add( t );
			}
			return terms;
		};
		this.search = new MiniSearch< Doc >( { fields: [ 'title', 'questions', 'answer' ], tokenize, processTerm: analyze } );
		this.search.addAll(
			answers.map( ( a ) => ( {
				id: a.id,
				title: a.title,
				questions: a.questions.join( '\n' ),
				answer: a.answer.replace( LINK_TARGETS, ' ' ),
			} ) )
		);
		this.searchOptions = {
			boost: BOOST,
			combineWith: 'OR',
			prefix: ( term ) => term.length >= 4,
			// A term the answers have is no typo: its typo search (the costly
			// part of a match) would only add near neighbours.
			fuzzy: ( term ) => ( known.has( term ) ? false : term.length >= 8 ? 2 : term.length >= 4 ? 1 : false ),
			// The query arrives as its terms already processed (see match()).
			tokenize: ( query ) => query.split( ' ' ),
			processTerm: ( term ) => term,
		};
	}

	get size(): number {
		return this.search.documentCount;
	}

	match( text: string ): AnswerMatch {
		const terms = queryTerms( text, this.analyzer ).slice( 0, MAX_QUERY_TERMS );
		if ( terms.length === 0 ) return { kind: 'none' };
		const results = this.search.search( terms.join( ' ' ), this.searchOptions );
		if ( results.length === 0 ) return { kind: 'none' };
		const [ best, second ] = results;
		const coverage = best.queryTerms.length / terms.length;
		const leads = ! second || best.score >= MATCH_RULE.minLead * second.score;
		if ( coverage > MATCH_RULE.minCoverage && leads ) {
			return { kind: 'answer', id: String( best.id ), score: best.score };
		}
		const ids = results
			.slice( 0, MATCH_RULE.maxSuggestions )
			.filter( ( r ) => r.score >= MATCH_RULE.suggestFloor * best.score )
			.map( ( r ) => String( r.id ) );
		return { kind: 'suggest', ids };
	}
}
