/**
 * Live chat → Statistics, in real Chromium against the real WordPress and
 * service: chats and messages made now (one in the widget by a visitor who
 * also accepted chat tracking, so a visit is counted; one over the service's
 * WebSocket) show up on the page and in its CSV by exactly what was made;
 * agents are refused the page and the route; bad dates get a 400 that says
 * what is wrong; an unreachable service is reported on the page.
 *
 * One WordPress and one service serve every spec of a run, so counts are
 * compared before and after, never against fixed totals.
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ConsentConfig } from '../../client/contract';
import { TestClient } from '../helpers/ws-client';
import { AgentBot } from './agent-bot';
import { AGENT, env, logIn } from './env';
import { ADMIN, Rest } from './rest';
import { Visitor } from './visitor';

test.describe.configure( { timeout: 180_000 } );

const statsUrl = (): string => `${ env.wpUrl }/wp-admin/admin.php?page=consent-chat-stats`;

interface Seen {
	totals: Record< 'Chats' | 'Messages from visitors' | 'Messages from agents' | 'Visits', number >;
	/** Today's row of the "Chats per day" table (the range ends today). */
	chatsToday: number;
	/** Every cell of the hour-of-week table added up (chats). */
	hourOfWeekSum: number;
	/** Visits of the demo page's path in "Visits by page" (0 when not listed). */
	homeVisits: number;
}

const count = ( text: string | null ): number => Number( ( text ?? '' ).replace( /\D/g, '' ) || '0' );

/** Reads what the page shows once it has loaded, with its tables switched on. */
async function read( page: Page ): Promise< Seen > {
	const totals = page.locator( '.consent-chat-stats__totals' );
	await expect( totals ).toBeVisible();
	const total = async ( label: keyof Seen[ 'totals' ] ): Promise< number > =>
		count( await totals.locator( 'div' ).filter( { has: page.getByRole( 'term' ).getByText( label, { exact: true } ) } ).getByRole( 'definition' ).textContent() );
	await page.getByRole( 'checkbox', { name: 'Show the charts’ figures as tables' } ).check();
	const chatsTable = page.getByRole( 'table', { name: 'Chats per day' } );
	const weekTable = page.getByRole( 'table', { name: /^Chats by weekday and hour/ } );
	await expect( weekTable ).toBeVisible();
	const weekCells = await weekTable.locator( 'tbody td' ).allTextContents();
	const home = page.getByRole( 'table', { name: 'Visits by page' } ).getByRole( 'row' ).filter( { has: page.getByRole( 'cell', { name: '/', exact: true } ) } );
	return {
		totals: {
			Chats: await total( 'Chats' ),
			'Messages from visitors': await total( 'Messages from visitors' ),
			'Messages from agents': await total( 'Messages from agents' ),
			Visits: await total( 'Visits' ),
		},
		chatsToday: count( await chatsTable.locator( 'tbody tr' ).last().locator( 'td' ).textContent() ),
		hourOfWeekSum: weekCells.reduce( ( n, c ) => n + count( c ), 0 ),
		homeVisits: ( await home.count() ) ? count( await home.getByRole( 'cell' ).nth( 1 ).textContent() ) : 0,
	};
}

/** Downloads the CSV through the page's button; its columns summed, and the file's name. */
async function downloadCsv( page: Page ): Promise< { name: string; header: string; sums: Record< string, number > } > {
	const download = page.waitForEvent( 'download' );
	await page.getByRole( 'link', { name: 'Download CSV' } ).click();
	const file = await download;
	const lines = readFileSync( ( await file.path() )!, 'utf8' ).trim().split( '\r\n' );
	const columns = lines[ 0 ].split( ',' );
	const sums: Record< string, number > = Object.fromEntries( columns.map( ( c ) => [ c, 0 ] ) );
	for ( const line of lines.slice( 1 ) ) {
		line.split( ',' ).forEach( ( cell, i ) => {
			if ( i > 0 ) sums[ columns[ i ] ] += Number( JSON.parse( cell ) );
		} );
	}
	return { name: file.suggestedFilename(), header: lines[ 0 ], sums };
}

test( 'the Statistics page and its CSV show the chats, messages and visit just made', async ( { browser }, testInfo ) => {
	const adminContext = await browser.newContext( { viewport: { width: 1280, height: 1100 }, acceptDownloads: true } );
	const page = await adminContext.newPage();
	await logIn( page, ADMIN, statsUrl() );
	// Under "Live chat", where an administrator finds the chat's other screens.
	await expect( page.locator( '#toplevel_page_consent-chat' ).getByRole( 'link', { name: 'Statistics', exact: true } ) ).toBeVisible();
	await expect( page.getByRole( 'heading', { level: 1, name: 'Chat statistics' } ) ).toBeVisible();
	const before = await read( page );
	const csvBefore = await downloadCsv( page );

	const bot = await AgentBot.connect( browser );
	// Chat 1, in the widget: the visitor accepts chat tracking first (one page view), then writes twice; the agent answers once.
	const v = await Visitor.open( browser );
	const banner = JSON.parse( ( await v.page.locator( '[data-consent-chat-banner]' ).getAttribute( 'data-consent-chat-banner' ) ) ?? '{}' ) as ConsentConfig;
	const tracked = v.page.waitForResponse( ( r ) => new URL( r.url() ).pathname === '/track' && r.request().method() === 'POST' );
	await v.page.locator( '#cc-main .cm' ).getByRole( 'button', { name: banner.texts.acceptAll } ).click();
	expect( ( await tracked ).status() ).toBe( 204 );
	await v.openChat();
	await v.startChat( 'Statistics e2e: first chat' );
	const chat1 = await bot.chatWith( 'Statistics e2e: first chat' );
	bot.say( chat1, 'Answer in the first chat' );
	await expect( v.log ).toContainText( 'Answer in the first chat' );
	await v.say( 'Statistics e2e: thanks' );
	await bot.heard( chat1, 'Statistics e2e: thanks' );

	// Chat 2, over the service's WebSocket: one visitor message, two answers.
	const ticket = ( await ( await fetch( `${ env.wpUrl }/?rest_route=/consent-chat/v1/visitor-token`, { method: 'POST' } ) ).json() ) as { token: string; service: string };
	const visitor2 = await TestClient.open( ticket.service, env.wpUrl );
	visitor2.send( { type: 'hello', token: ticket.token } );
	await visitor2.next( 'welcome' );
	visitor2.send( { type: 'start', clientId: 'stats1', text: 'Statistics e2e: second chat' } );
	const chat2 = await bot.chatWith( 'Statistics e2e: second chat' );
	bot.say( chat2, 'First answer' );
	bot.say( chat2, 'Second answer' );
	await visitor2.next( 'message', ( m ) => m.chatId === chat2 && m.text === 'Second answer' );
	visitor2.close();
	await v.close();
	await bot.close();

	await page.reload();
	const after = await read( page );
	expect( {
		chats: after.totals.Chats - before.totals.Chats,
		fromVisitors: after.totals[ 'Messages from visitors' ] - before.totals[ 'Messages from visitors' ],
		fromAgents: after.totals[ 'Messages from agents' ] - before.totals[ 'Messages from agents' ],
		visits: after.totals.Visits - before.totals.Visits,
		chatsToday: after.chatsToday - before.chatsToday,
		hourOfWeek: after.hourOfWeekSum - before.hourOfWeekSum,
		homeVisits: after.homeVisits - before.homeVisits,
	} ).toEqual( { chats: 2, fromVisitors: 3, fromAgents: 3, visits: 1, chatsToday: 2, hourOfWeek: 2, homeVisits: 1 } );

	const csvAfter = await downloadCsv( page );
	expect( csvAfter.name ).toMatch( /^consent-chat-statistics-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/ );
	expect( csvAfter.header ).toBe(
		'hour,chats_started,chats_ended,messages_from_visitors,messages_from_agents,assistant_answered,assistant_no_answer,assistant_handed_over,page_views,returning_page_views'
	);
	const diff = ( column: string ): number => csvAfter.sums[ column ] - csvBefore.sums[ column ];
	expect( [ diff( 'chats_started' ), diff( 'messages_from_visitors' ), diff( 'messages_from_agents' ), diff( 'page_views' ) ] ).toEqual( [ 2, 3, 3, 1 ] );

	// Into docs/ only when asked (CC_SCREENSHOTS=1), so test runs leave the checkout unchanged.
	await page.getByRole( 'checkbox', { name: 'Show the charts’ figures as tables' } ).uncheck();
	const shot = process.env.CC_SCREENSHOTS ? join( __dirname, '../../docs/screenshots/stats.png' ) : testInfo.outputPath( 'stats.png' );
	mkdirSync( dirname( shot ), { recursive: true } );
	await page.evaluate( () => window.scrollTo( 0, 0 ) );
	await page.screenshot( { path: shot, fullPage: true } );
	await adminContext.close();
} );

test( 'an agent gets neither the page nor the route; without a login the route answers 401', async ( { browser } ) => {
	const context = await browser.newContext();
	const page = await context.newPage();
	await logIn( page, AGENT, env.consoleUrl );
	await expect( page.locator( '#toplevel_page_consent-chat' ) ).toBeVisible();
	await expect( page.locator( '#adminmenu' ).getByRole( 'link', { name: 'Statistics', exact: true } ) ).toHaveCount( 0 );
	const refused = await page.goto( statsUrl() );
	expect( refused?.status() ).toBe( 403 );
	await expect( page.getByText( 'Sorry, you are not allowed to access this page.' ) ).toBeVisible();
	await expect( page.locator( '#consent-chat-stats' ) ).toHaveCount( 0 );
	await context.close();

	const agent = await Rest.as( browser, AGENT );
	const res = await agent.get( '/consent-chat/v1/stats' );
	expect( res.status() ).toBe( 403 );
	expect( await res.json() ).toMatchObject( { code: 'consent_chat_forbidden', message: 'Only administrators may read the chat statistics.' } );
	await agent.close();

	const anonymous = await fetch( `${ env.wpUrl }/?rest_route=/consent-chat/v1/stats` );
	expect( anonymous.status ).toBe( 401 );
} );

test( 'bad dates get a 400 that says what is wrong, on the route and on the page', async ( { browser } ) => {
	const admin = await Rest.as( browser );
	const cases: Array< [ string, string, string ] > = [
		[ '?from=2026-13-01', 'rest_invalid_param', '“from” must be a date written YYYY-MM-DD, e.g. 2026-11-01.' ],
		[ '?from=2026-11-01&to=yesterday', 'rest_invalid_param', '“to” must be a date written YYYY-MM-DD, e.g. 2026-11-01.' ],
		[ '?from=2026-11-10&to=2026-11-01', 'consent_chat_bad_range', '“from” must not be after “to”.' ],
		[ '?from=2024-01-01&to=2026-01-01', 'consent_chat_bad_range', 'Choose at most 366 days.' ],
	];
	for ( const [ query, code, message ] of cases ) {
		const res = await admin.get( `/consent-chat/v1/stats${ query }` );
		const body = ( await res.json() ) as { code: string; message: string; data: { params?: Record< string, string > } };
		expect( { query, status: res.status(), code: body.code } ).toEqual( { query, status: 400, code } );
		// The REST server names the parameter at the top and puts our sentence under it.
		expect( body.code === 'rest_invalid_param' ? Object.values( body.data.params ?? {} )[ 0 ] : body.message ).toBe( message );
	}
	// No dates: the last 30 days up to today, in the site's timezone.
	const fine = await admin.get( '/consent-chat/v1/stats' );
	expect( fine.status() ).toBe( 200 );
	const range = ( await fine.json() ) as { from: string; to: string; chats: unknown[]; visits: unknown[] };
	expect( ( Date.parse( range.to ) - Date.parse( range.from ) ) / 86_400_000 ).toBe( 29 );
	expect( Array.isArray( range.chats ) && Array.isArray( range.visits ) ).toBe( true );
	await admin.close();

	const context = await browser.newContext();
	const page = await context.newPage();
	await logIn( page, ADMIN, statsUrl() );
	await expect( page.locator( '.consent-chat-stats__totals' ) ).toBeVisible();
	await page.getByLabel( 'From', { exact: true } ).fill( '2026-11-10' );
	await page.getByLabel( 'To', { exact: true } ).fill( '2026-11-01' );
	await page.getByRole( 'button', { name: 'Show' } ).click();
	await expect( page.locator( '.components-notice.is-error' ) ).toContainText( '“from” must not be after “to”.' );
	await expect( page.locator( '.consent-chat-stats__totals' ) ).toHaveCount( 0 );
	await context.close();
} );

test( 'an unreachable chat service is reported on the page and by the route (502), without PHP warnings', async ( { browser } ) => {
	const context = await browser.newContext();
	const page = await context.newPage();
	await logIn( page, ADMIN, `${ env.wpUrl }/wp-admin/` );
	// The fixture mu-plugin points only this browser's requests at a closed port.
	await context.addCookies( [ { name: 'consent_chat_e2e_service', value: 'down', url: env.wpUrl } ] );
	const answer = page.waitForResponse( ( r ) => r.url().includes( 'consent-chat/v1/stats' ) );
	await page.goto( statsUrl() );
	const res = await answer;
	expect( res.status() ).toBe( 502 );
	expect( await res.text() ).not.toMatch( /<b>(Warning|Notice|Deprecated)<\/b>/ );
	const notice = page.locator( '.components-notice.is-error' );
	await expect( notice ).toContainText( 'The chat service could not be reached' );
	await expect( page.locator( '.consent-chat-stats__totals' ) ).toHaveCount( 0 );

	// Back up: "Try again" loads the figures.
	await context.clearCookies( { name: 'consent_chat_e2e_service' } );
	await notice.getByRole( 'button', { name: 'Try again' } ).click();
	await expect( page.locator( '.consent-chat-stats__totals' ) ).toBeVisible();
	await context.close();
} );
