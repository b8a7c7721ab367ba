/**
 * The public consent-log route against the real WordPress: a script that
 * sends a fresh consent id each time is stopped per client address and by a
 * global cap (429 with a message, nothing more inserted), no address is
 * written anywhere on the way, and a row cannot claim that a browser sending
 * Global Privacy Control accepted chat tracking.
 *
 * The local WordPress sees every request coming from 127.0.0.1; the fixture
 * mu-plugin consent-chat-consent-log-limits.php lets a request name its
 * address (X-E2E-Client-Address), so these tests flood from addresses of
 * their own and leave 127.0.0.1's count to the other specs.
 */
import { expect, test, type APIRequestContext } from '@playwright/test';
import { randomInt, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConsentConfig } from '../../client/contract';
import { env } from './env';
import { Rest } from './rest';

// The first test makes over thirty WordPress requests: on a busy machine they take a while.
test.describe.configure( { timeout: 300_000 } );

const URL_ = `${ env.wpUrl }/wp-json/consent-chat/v1/consent-log`;
/** A window far longer than any test, so no window boundary falls inside one (the default is 10 minutes). */
const LONG_WINDOW = 10 * 365 * 24 * 3600;

/** What the banner on the demo page would send: its revision and the version of its texts. */
async function bannerOf( request: APIRequestContext ): Promise< Pick< ConsentConfig, 'revision' | 'textVersion' | 'lang' | 'category' > > {
	const html = await ( await request.get( env.demoUrl ) ).text();
	const raw = /data-consent-chat-banner="([^"]*)"/.exec( html )?.[ 1 ] ?? '';
	const decoded = raw.replace( /&quot;/g, '"' ).replace( /&#0?39;/g, "'" ).replace( /&lt;/g, '<' ).replace( /&gt;/g, '>' ).replace( /&amp;/g, '&' );
	return JSON.parse( decoded ) as ConsentConfig;
}

function decision( banner: Awaited< ReturnType< typeof bannerOf > >, extra: Record< string, unknown > = {} ): Record< string, unknown > {
	return { consentId: randomUUID(), revision: banner.revision, action: 'reject', categories: [], services: [], textVersion: banner.textVersion, lang: banner.lang, gpc: false, ...extra };
}

async function total( admin: Rest ): Promise< number > {
	const res = await admin.get( '/consent-chat/v1/consent-log?per_page=1' );
	expect( res.status() ).toBe( 200 );
	return Number( res.headers()[ 'x-wp-total' ] );
}

/** The site's SQLite database as bytes (main file and write-ahead log). */
function databaseBytes(): Buffer {
	const dir = join( process.env.CC_DATA_DIR!, 'wordpress', 'wp-content', 'database' );
	const files = readdirSync( dir ).filter( ( f ) => f.startsWith( '.ht.sqlite' ) );
	expect( files.length ).toBeGreaterThan( 0 );
	return Buffer.concat( files.map( ( f ) => readFileSync( join( dir, f ) ) ) );
}

test( 'fresh consent ids from one address: 429 at the per-address limit, nothing more inserted, the address written nowhere', async ( { browser, request } ) => {
	const admin = await Rest.as( browser );
	const banner = await bannerOf( request );
	// An address of this test's own (TEST-NET-3), so the check below cannot be confused by the site's own 127.0.0.1.
	const address = `203.0.113.${ randomInt( 1, 255 ) }`;
	const limits = { window: LONG_WINDOW };
	const post = ( data: Record< string, unknown >, from = address ) =>
		request.post( URL_, { data, headers: { 'X-E2E-Client-Address': from, 'X-E2E-Consent-Log-Limits': JSON.stringify( limits ) } } );

	const before = await total( admin );
	const PER_ADDRESS = 30; // the default (Consent_Log_Limits::limits()).
	const ids: string[] = [];
	for ( let i = 0; i < PER_ADDRESS; i++ ) {
		const body = decision( banner );
		ids.push( body.consentId as string );
		const res = await post( body );
		expect( res.status(), await res.text() ).toBe( 201 );
	}
	const refused = await post( decision( banner ) );
	expect( refused.status() ).toBe( 429 );
	expect( await refused.json() ).toMatchObject( { code: 'consent_chat_rate_limited', message: expect.stringContaining( 'from your network' ) } );
	expect( await total( admin ) ).toBe( before + PER_ADDRESS );

	// Another address is counted on its own.
	expect( ( await post( decision( banner ), '198.51.100.7' ) ).status() ).toBe( 201 );
	// An IPv6 client is counted by its /64: another address in the same /64 shares the count (a limit of 2 here, to save requests).
	const v6 = `2001:db8:${ randomInt( 1, 0xffff ).toString( 16 ) }:1::`;
	const postV6 = ( suffix: string ) =>
		request.post( URL_, { data: decision( banner ), headers: { 'X-E2E-Client-Address': `${ v6 }${ suffix }`, 'X-E2E-Consent-Log-Limits': JSON.stringify( { ...limits, per_address: 2 } ) } } );
	expect( ( await postV6( '1' ) ).status() ).toBe( 201 );
	expect( ( await postV6( '2' ) ).status() ).toBe( 201 );
	expect( ( await postV6( 'beef' ) ).status() ).toBe( 429 );

	// No address anywhere in the database: not in the log, not in the options (where the counts are), not in a transient.
	const db = databaseBytes();
	expect( db.includes( ids[ ids.length - 1 ] ), 'the database file read is current' ).toBe( true );
	for ( const written of [ address, '198.51.100.7', v6 ] ) expect( db.includes( written ), written ).toBe( false );
	const log = await ( await admin.get( '/consent-chat/v1/consent-log?format=csv' ) ).text();
	expect( log ).not.toContain( address );
	await admin.close();
} );

test( 'the global cap: 429 once all visitors together reach it, nothing more inserted', async ( { browser, request } ) => {
	const admin = await Rest.as( browser );
	const banner = await bannerOf( request );
	// With a window of ten years every row of this test site is in the window, so the cap is "two more than now".
	const cap = ( await total( admin ) ) + 2;
	const limits = { window: LONG_WINDOW, global: cap };
	const post = ( from: string ) =>
		request.post( URL_, { data: decision( banner ), headers: { 'X-E2E-Client-Address': from, 'X-E2E-Consent-Log-Limits': JSON.stringify( limits ) } } );
	expect( ( await post( '192.0.2.10' ) ).status() ).toBe( 201 );
	expect( ( await post( '192.0.2.11' ) ).status() ).toBe( 201 );
	// A third address, never seen: refused all the same.
	const refused = await post( '192.0.2.12' );
	expect( refused.status() ).toBe( 429 );
	expect( await refused.json() ).toMatchObject( { code: 'consent_chat_rate_limited', message: expect.stringContaining( 'from all visitors' ) } );
	expect( await total( admin ) ).toBe( cap );
	await admin.close();
} );

test( 'a decision sent with Global Privacy Control cannot accept chat tracking', async ( { browser, request } ) => {
	const admin = await Rest.as( browser );
	const banner = await bannerOf( request );
	const before = await total( admin );
	const headers = { 'X-E2E-Client-Address': '192.0.2.99' };
	for ( const extra of [ { categories: [ 'necessary', banner.category ], action: 'accept' }, { services: [ 'consent_chat' ], action: 'change' } ] ) {
		const res = await request.post( URL_, { data: decision( banner, { gpc: true, ...extra } ), headers } );
		expect( res.status(), JSON.stringify( extra ) ).toBe( 400 );
		expect( await res.json() ).toMatchObject( { code: 'consent_chat_gpc_conflict', message: expect.stringContaining( 'Global Privacy Control' ) } );
	}
	expect( await total( admin ) ).toBe( before );
	// The refusal a GPC browser does send is logged.
	const ok = await request.post( URL_, { data: decision( banner, { gpc: true, categories: [ 'necessary' ] } ), headers } );
	expect( ok.status(), await ok.text() ).toBe( 201 );
	expect( await total( admin ) ).toBe( before + 1 );
	await admin.close();
} );
