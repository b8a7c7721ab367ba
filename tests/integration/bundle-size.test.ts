/**
 * Size budgets for what visitors download (issue: loader ≤ 3 KB gzipped, JS
 * and CSS together; widget ≤ 25 KB, the start window and the chat; the
 * date picker a dialog may ask for loads on demand, on top). Runs on the
 * production build that `npm test` makes first.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const gz = ( file: string ): number => gzipSync( readFileSync( join( __dirname, '../../build/client', file ) ), { level: 9 } ).length;

test( 'the loader every page loads stays within 3 KB gzipped', () => {
	const size = gz( 'loader.js' ) + gz( 'loader.css' );
	expect( size ).toBeGreaterThan( 300 ); // a real bundle, not an empty file
	expect( size ).toBeLessThanOrEqual( 3 * 1024 );
} );

test( 'the widget fetched on open stays within 25 KB gzipped', () => {
	const size = gz( 'widget.js' ) + gz( 'widget.css' );
	expect( size ).toBeGreaterThan( 1000 );
	expect( size ).toBeLessThanOrEqual( 25 * 1024 );
} );

test( 'the date picker is its own chunk, fetched only when a dialog asks for a date', () => {
	// The calendar's code (cally defines its custom elements) is in the chunk, not in the widget.
	expect( readFileSync( join( __dirname, '../../build/client/widget.js' ), 'utf8' ) ).not.toContain( 'customElements.define(' );
	expect( readFileSync( join( __dirname, '../../build/client/date-picker.js' ), 'utf8' ) ).toContain( 'customElements.define("calendar-month"' );
	expect( gz( 'date-picker.js' ) ).toBeLessThanOrEqual( 12 * 1024 );
} );
