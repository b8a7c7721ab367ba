/**
 * The Chat block's attributes and the rules PHP applies to them
 * (ConsentChat\Block_Attributes). The editor applies the same rules so that
 * its preview and its warnings match what visitors will get; PHP checks again
 * on render, since post content can be written without this editor.
 */
import type { FrontendConfig } from '../../client/contract';

export type Attributes = {
	dept: string;
	direct: boolean;
	display: 'launcher' | 'inline';
	preferencesLink: boolean;
	/** Empty: the site's greeting (consent_chat_texts) applies. */
	greetingText: string;
	/** Seconds before the greeting bubble shows. */
	greetingDelay: number;
};

export const DEPT_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const GREETING_MAX = 500;
export const DELAY_MAX = 3600;
export const DELAY_DEFAULT = 5;

/** A department id the service can route by, or '' (any agent). */
export function effectiveDept( dept: string ): string {
	return DEPT_PATTERN.test( dept ) ? dept : '';
}

export function clampDelay( delay: unknown ): number {
	const n = typeof delay === 'number' ? delay : Number.parseInt( String( delay ), 10 );
	return Number.isFinite( n ) ? Math.max( 0, Math.min( DELAY_MAX, Math.trunc( n ) ) ) : DELAY_DEFAULT;
}

/** The block's own greeting as visitors get it (plain text, one line, cut at 500 characters), or null. */
export function blockGreeting( a: Pick< Attributes, 'greetingText' | 'greetingDelay' > ): FrontendConfig[ 'greeting' ] {
	// Control characters (C0 and DEL) and white space collapse to one space, as in PHP.
	// eslint-disable-next-line no-control-regex
	const text = Array.from( a.greetingText.replace( /[\s\x00-\x1f\x7f]+/g, ' ' ).trim() ).slice( 0, GREETING_MAX ).join( '' );
	return text ? { text, delayMs: 1000 * clampDelay( a.greetingDelay ) } : null;
}

/**
 * The configuration this block would carry on the front end: the site's
 * (handed over by PHP for a block with default attributes) with this block's
 * attributes applied.
 */
export function blockConfig( site: FrontendConfig, a: Attributes ): FrontendConfig {
	return {
		...site,
		dept: effectiveDept( a.dept ),
		direct: a.direct,
		prechat: a.direct ? [] : site.prechat,
		display: a.display === 'inline' ? 'inline' : 'launcher',
		greeting: blockGreeting( a ) ?? site.greeting,
	};
}
