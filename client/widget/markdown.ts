/**
 * Safe Markdown for chat messages, the welcome text and the privacy flyout.
 *
 * Why this way: @khanacademy/simple-markdown (MIT, maintained in Khan
 * Academy's perseus monorepo) parses the text into a syntax tree, and this
 * file turns the tree into DOM nodes with createElement and text nodes only.
 * Nothing is ever parsed as HTML, so there is no HTML to sanitise: raw
 * `<script>`, `<img onerror>` or `<iframe>` in the input has no rule that
 * matches it and comes out as literal text. Links are the only attribute
 * that carries input; their targets must resolve to http:, https: or mailto:.
 *
 * Measured (gzip -9, November 2026): simple-markdown 2.2.3 with its one
 * tiny dependency is 4.8 KB in a plain webpack production build, 5.4 KB
 * through @wordpress/scripts' Babel; this whole module, library included,
 * adds 6.1 KB to the widget. The alternatives did not fit the widget's
 * ~9 KB share of its 25 KB budget (plain webpack): DOMPurify 3.4 alone is
 * 11.5 KB (12.5 KB with snarkdown, whose HTML output needs it); marked 18's
 * lexer alone is 15 KB (it does not tree-shake); markdown-it and
 * markdown-to-jsx are 25 KB and more (entity tables). Side effect to know
 * of: its dependency notes the version in `globalThis.__perseus_debug__`.
 *
 * Only the rules a chat needs are enabled: paragraphs, line breaks (a
 * single newline is a break, as people type in chats), bold, italic,
 * underline, strikethrough, inline and fenced code, links, bare URLs and
 * <mailto:> autolinks, bullet and numbered lists. Headings, tables, images
 * (tracking pixels), reference definitions and block quotes stay plain text.
 */
import SimpleMarkdown, { type ParserRules, type SingleASTNode } from '@khanacademy/simple-markdown';

const rules = SimpleMarkdown.defaultRules;
const enabled = [ 'newline', 'paragraph', 'codeBlock', 'fence', 'list', 'escape', 'autolink', 'mailto', 'url', 'link', 'strong', 'em', 'u', 'del', 'inlineCode', 'br', 'text' ] as const;
const parse = SimpleMarkdown.parserFor( Object.fromEntries( enabled.map( ( name ) => [ name, rules[ name ] ] ) ) as ParserRules );

const TAGS: Record< string, keyof HTMLElementTagNameMap > = { paragraph: 'p', strong: 'strong', em: 'em', u: 'u', del: 'del' };
const SCHEMES = [ 'http:', 'https:', 'mailto:' ];

/** The link target as an absolute http(s)/mailto URL, or null. Relative URLs resolve against the page. */
export function safeHref( target: unknown ): string | null {
	if ( typeof target !== 'string' ) return null;
	try {
		const url = new URL( target, document.baseURI );
		return SCHEMES.includes( url.protocol ) ? url.href : null;
	} catch {
		return null;
	}
}

/** Text with every newline turned into a <br>. */
function appendText( parent: Node, text: string ): void {
	text.split( '\n' ).forEach( ( line, i ) => {
		if ( i ) parent.appendChild( document.createElement( 'br' ) );
		if ( line ) parent.appendChild( document.createTextNode( line ) );
	} );
}

function render( nodes: SingleASTNode[], parent: Node, newTab: string ): void {
	for ( const node of nodes ) {
		const content: unknown = node.content;
		const tag = TAGS[ node.type ];
		if ( tag ) {
			const el = document.createElement( tag );
			render( Array.isArray( content ) ? content : [], el, newTab );
			parent.appendChild( el );
		} else if ( node.type === 'link' ) {
			const href = safeHref( node.target );
			const kids = Array.isArray( content ) ? content : [];
			if ( ! href ) {
				render( kids, parent, newTab ); // an unsafe target: keep the words, drop the link
				continue;
			}
			const a = document.createElement( 'a' );
			a.href = href;
			a.target = '_blank';
			a.rel = 'noopener noreferrer';
			render( kids, a, newTab );
			const hint = document.createElement( 'span' );
			hint.className = 'cc-visually-hidden';
			hint.textContent = ` ${ newTab }`;
			a.appendChild( hint );
			parent.appendChild( a );
		} else if ( node.type === 'codeBlock' ) {
			const pre = document.createElement( 'pre' );
			pre.appendChild( document.createElement( 'code' ) ).textContent = String( content ?? '' );
			parent.appendChild( pre );
		} else if ( node.type === 'inlineCode' ) {
			parent.appendChild( document.createElement( 'code' ) ).textContent = String( content ?? '' );
		} else if ( node.type === 'list' ) {
			const list = document.createElement( node.ordered ? 'ol' : 'ul' );
			if ( node.ordered && typeof node.start === 'number' && node.start !== 1 ) list.setAttribute( 'start', String( node.start ) );
			for ( const item of node.items as SingleASTNode[][] ) {
				const li = document.createElement( 'li' );
				render( item, li, newTab );
				list.appendChild( li );
			}
			parent.appendChild( list );
		} else if ( node.type === 'br' ) {
			parent.appendChild( document.createElement( 'br' ) );
		} else if ( typeof content === 'string' ) {
			appendText( parent, content ); // text, escapes
		} else if ( Array.isArray( content ) ) {
			render( content, parent, newTab );
		}
		// 'newline' and anything else without content: nothing to show.
	}
}

/** `text` as formatted DOM nodes; links open in a new tab and say so to screen readers. */
export function renderMarkdown( text: string, newTabLabel: string ): DocumentFragment {
	const fragment = document.createDocumentFragment();
	const source = String( text ?? '' )
		.replace( /\r\n?/g, '\n' )
		// The inline-code rule backtracks cubically on long runs of backticks
		// (4,000 of them: ~6 s); no real message has one, so show them escaped.
		.replace( /`{8,}/g, ( run ) => '\\`'.repeat( run.length ) )
		.trim();
	if ( source ) render( parse( source + '\n\n', { inline: false } ), fragment, newTabLabel );
	return fragment;
}
