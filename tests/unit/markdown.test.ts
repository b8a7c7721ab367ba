/**
 * @jest-environment jsdom
 */
import { renderMarkdown } from '../../client/widget/markdown';

const NEW_TAB = '(opens in a new tab)';

function html( text: string ): HTMLElement {
	const div = document.createElement( 'div' );
	div.append( renderMarkdown( text, NEW_TAB ) );
	return div;
}

describe( 'formatting', () => {
	test( 'paragraphs and line breaks', () => {
		const el = html( 'first line\nsecond line\n\nnew paragraph' );
		const ps = el.querySelectorAll( 'p' );
		expect( ps ).toHaveLength( 2 );
		expect( ps[ 0 ].querySelectorAll( 'br' ) ).toHaveLength( 1 );
		expect( ps[ 0 ].textContent ).toBe( 'first linesecond line' );
		expect( ps[ 1 ].textContent ).toBe( 'new paragraph' );
	} );

	test( 'bold, italic, inline code', () => {
		const el = html( 'a **bold** and *italic* and `x < y`' );
		expect( el.querySelector( 'strong' )?.textContent ).toBe( 'bold' );
		expect( el.querySelector( 'em' )?.textContent ).toBe( 'italic' );
		expect( el.querySelector( 'code' )?.textContent ).toBe( 'x < y' );
	} );

	test( 'fenced code keeps its text verbatim', () => {
		const el = html( 'look:\n\n```\n<b>not bold</b>\n  indented\n```' );
		const code = el.querySelector( 'pre > code' );
		expect( code?.textContent ).toBe( '<b>not bold</b>\n  indented' );
		expect( el.querySelector( 'b' ) ).toBeNull();
	} );

	test( 'bullet and numbered lists', () => {
		const el = html( 'Options:\n\n* one\n* **two**\n\nthen:\n\n3. three\n4. four' );
		const ul = el.querySelector( 'ul' );
		expect( ul?.querySelectorAll( 'li' ) ).toHaveLength( 2 );
		expect( ul?.querySelector( 'li strong' )?.textContent ).toBe( 'two' );
		const ol = el.querySelector( 'ol' );
		expect( ol?.querySelectorAll( 'li' ) ).toHaveLength( 2 );
		expect( ol?.getAttribute( 'start' ) ).toBe( '3' );
	} );

	test( 'links open in a new tab, safely, and say so', () => {
		const el = html( 'see [our policy](https://example.org/privacy) or mail <mailto:dpo@example.org>' );
		const links = el.querySelectorAll( 'a' );
		expect( links ).toHaveLength( 2 );
		for ( const a of Array.from( links ) ) {
			expect( a.target ).toBe( '_blank' );
			expect( a.rel ).toBe( 'noopener noreferrer' );
			expect( a.querySelector( '.cc-visually-hidden' )?.textContent ).toBe( ` ${ NEW_TAB }` );
		}
		expect( links[ 0 ].getAttribute( 'href' ) ).toBe( 'https://example.org/privacy' );
		expect( links[ 0 ].firstChild?.textContent ).toBe( 'our policy' );
		expect( links[ 1 ].getAttribute( 'href' ) ).toBe( 'mailto:dpo@example.org' );
	} );

	test( 'bare URLs are linked', () => {
		const a = html( 'go to https://example.org/a?b=c.' ).querySelector( 'a' );
		expect( a?.getAttribute( 'href' ) ).toBe( 'https://example.org/a?b=c' );
		expect( a?.target ).toBe( '_blank' );
	} );

	test( 'relative links resolve against the page', () => {
		const a = html( '[privacy](/privacy)' ).querySelector( 'a' );
		expect( a?.getAttribute( 'href' ) ).toBe( new URL( '/privacy', document.baseURI ).href );
	} );

	test( 'images, headings and tables are not rendered as such', () => {
		const el = html( '# Title\n\n![pixel](https://tracker.example/p.gif)\n\n| a | b |\n|---|---|\n| 1 | 2 |' );
		expect( el.querySelector( 'img, h1, table' ) ).toBeNull();
		expect( el.textContent ).toContain( '# Title' );
	} );

	test( 'empty input gives an empty fragment', () => {
		expect( html( '' ).childNodes ).toHaveLength( 0 );
		expect( html( '  \n ' ).childNodes ).toHaveLength( 0 );
	} );
} );

describe( 'hostile input stays inert', () => {
	const payloads = [
		'<script>alert(1)</script>',
		'<img src=x onerror=alert(1)>',
		'<svg onload=alert(1)>',
		'<iframe src="javascript:alert(1)"></iframe>',
		'<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
		'<embed src="javascript:alert(1)">',
		'<style>body{display:none}</style>',
		'<p style="position:fixed;inset:0">cover</p>',
		'<a href="javascript:alert(1)">x</a>',
		'<div onmouseover="alert(1)">hover</div>',
		'[click](javascript:alert(1))',
		'[click](JaVaScRiPt:alert(1))',
		'[click]( javascript:alert(1))',
		'[click](java\tscript:alert(1))',
		'[click](&#106;avascript:alert(1))',
		'[click](javascript&colon;alert(1))',
		'[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
		'[click](vbscript:msgbox(1))',
		'[click](file:///etc/passwd)',
		'[x](https://ok.example "title\" onmouseover=\"alert(1))',
		'[<img src=x onerror=alert(1)>](https://ok.example)',
		'**<script>alert(1)</script>**',
		'`<script>alert(1)</script>`',
		'```html\n<script>alert(1)</script>\n```',
		'<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
		'<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
		'![x](javascript:alert(1))',
		'<javascript:alert(1)>',
		'<https://ok.example/" onclick="alert(1)>',
		'https://ok.example/"><script>alert(1)</script>',
		'<form action="javascript:alert(1)"><button>go</button></form>',
		'<base href="javascript:alert(1)//">',
		'<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
		'<details open ontoggle=alert(1)>',
	];

	test.each( payloads )( '%s', ( payload ) => {
		const el = html( payload );
		const all = Array.from( el.querySelectorAll( '*' ) );
		const allowed = new Set( [ 'P', 'BR', 'STRONG', 'EM', 'U', 'DEL', 'CODE', 'PRE', 'A', 'SPAN', 'UL', 'OL', 'LI' ] );
		for ( const node of all ) {
			expect( allowed.has( node.tagName ) ).toBe( true );
			for ( const attr of Array.from( node.attributes ) ) {
				expect( attr.name ).not.toMatch( /^on/i );
				expect( [ 'href', 'target', 'rel', 'class', 'start' ] ).toContain( attr.name );
			}
		}
		expect( el.querySelector( 'script, iframe, object, embed, style, img, svg, math, form, base, meta, [style]' ) ).toBeNull();
		for ( const a of Array.from( el.querySelectorAll( 'a' ) ) ) {
			expect( a.protocol ).toMatch( /^(https?|mailto):$/ );
			expect( a.getAttribute( 'href' ) ).not.toMatch( /^\s*(javascript|data|vbscript):/i );
		}
	} );

	test( 'raw HTML comes out as its literal text', () => {
		expect( html( '<script>alert(1)</script>' ).textContent ).toBe( '<script>alert(1)</script>' );
	} );

	// Messages are at most 4,000 characters (server/protocol/limits.ts).
	test.each( [
		[ 'backticks', '`'.repeat( 4000 ) ],
		[ 'stars', '*'.repeat( 4000 ) ],
		[ 'underscores', '_a'.repeat( 2000 ) ],
		[ 'brackets', '['.repeat( 4000 ) ],
		[ 'list items', '* a\n'.repeat( 1000 ) ],
	] )( 'a pathological run of %s is parsed quickly', ( _name, text ) => {
		const started = Date.now();
		const el = html( text );
		expect( Date.now() - started ).toBeLessThan( 1500 );
		expect( el.textContent?.length ).toBeGreaterThan( 0 );
	} );

	test( 'long runs of backticks still show as backticks', () => {
		expect( html( '`'.repeat( 10 ) ).textContent ).toBe( '`'.repeat( 10 ) );
	} );
} );
