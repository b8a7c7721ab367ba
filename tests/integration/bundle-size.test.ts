/**
 * Size budgets for what visitors download (issue: loader ≤ 3 KB gzipped, JS
 * and CSS together; widget ≤ 25 KB). Runs on the production build that
 * `npm test` makes first.
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
