/**
 * The built-in assistant's matching for one site: an AnswerIndex per locale
 * of the site's content (./matcher.ts), rebuilt whole when the site sends new
 * content, and the choice of which locale serves a visitor.
 *
 * The module's public API: the content's definition (./answers.ts), the
 * match type and this class.
 */
import type { AssistantContent } from './answers';
import { AnswerIndex, type AnswerMatch } from './matcher';

export { parseAssistantContent, ASSISTANT_LIMITS } from './answers';
export type { AssistantContent, LocaleContent, Answer, AnswerOption, Dialog, DialogStep, ParseContentResult, ContentErrorCode } from './answers';
export { AnswerIndex, MATCH_RULE } from './matcher';
export { AssistantMode, AssistantPush, AssistantSettings, ASSISTANT_SETTINGS_LIMITS, modeFor, parseAssistantPush } from './settings';
export type { ParsePushResult } from './settings';
export type { AnswerMatch } from './matcher';

export class AssistantIndexes {
	/** In the content's order: the first is the site's main locale. */
	private indexes = new Map< string, AnswerIndex >();

	constructor( content?: AssistantContent ) {
		if ( content ) this.rebuild( content );
	}

	/**
	 * Replaces every index with ones built from `content` (checked already:
	 * parseAssistantContent). The new set is built aside and swapped in
	 * whole, so a match never sees half of an update.
	 */
	rebuild( content: AssistantContent ): void {
		const next = new Map< string, AnswerIndex >();
		for ( const [ locale, { answers } ] of Object.entries( content.locales ) ) {
			next.set( locale, new AnswerIndex( answers, locale ) );
		}
		this.indexes = next;
	}

	/** The site's locales that have content, the main one first. */
	get locales(): string[] {
		return [ ...this.indexes.keys() ];
	}

	/**
	 * The locale whose content serves a visitor of `locale`: the same one,
	 * else the first of the same language (`de_AT` → `de_DE`), else the
	 * site's main locale; undefined when the site has no content.
	 */
	localeFor( locale: string ): string | undefined {
		if ( this.indexes.has( locale ) ) return locale;
		const language = locale.split( '_' )[ 0 ];
		for ( const candidate of this.indexes.keys() ) {
			if ( candidate.split( '_' )[ 0 ] === language ) return candidate;
		}
		return this.indexes.keys().next().value;
	}

	/** Matches `text` against the answers of localeFor( locale ). */
	match( locale: string, text: string ): AnswerMatch {
		const chosen = this.localeFor( locale );
		const index = chosen === undefined ? undefined : this.indexes.get( chosen );
		return index ? index.match( text ) : { kind: 'none' };
	}
}
