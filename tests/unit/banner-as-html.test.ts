/**
 * The banner's texts reach cookieconsent, which sets them with innerHTML, as
 * escaped HTML: whatever was typed comes out as that text (the e2e test
 * typed-texts.spec.ts checks it in Chromium, with every banner text).
 */
import { asHtml } from '../../client/consent/as-html';

describe( 'asHtml', () => {
	it( 'escapes every character that means something in HTML', () => {
		expect( asHtml( `<img src=x onerror="a('1')"> & b` ) ).toBe( '&lt;img src=x onerror=&quot;a(&#39;1&#39;)&quot;&gt; &amp; b' );
	} );

	it( 'keeps an entity someone typed as the characters they typed', () => {
		expect( asHtml( '&lt;b&gt;' ) ).toBe( '&amp;lt;b&amp;gt;' );
	} );

	it( 'turns line breaks into <br> and nothing else into markup', () => {
		expect( asHtml( 'one\r\ntwo\nthree' ) ).toBe( 'one<br>two<br>three' );
	} );

	it( 'escapes the library’s {{placeholder}} braces', () => {
		expect( asHtml( '{{revisionMessage}}' ) ).toBe( '&#123;&#123;revisionMessage}}' );
	} );
} );
