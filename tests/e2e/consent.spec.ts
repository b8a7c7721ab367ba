/**
 * Consent gating in real Chromium against the real WordPress and service:
 * the chat works untracked by default; accepting chat tracking swaps the
 * tracking embed in without a reload (page views, the agent sees the page),
 * withdrawing stops it just as fast; Global Privacy Control counts as a
 * refusal; with another consent manager (WP Consent API) our banner stands
 * down and we follow it; every decision is logged with its revision, and a
 * changed banner text raises the revision and asks again.
 *
 * Every request of the visitor's page and every cookie is recorded.
 */
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { AgentBot, siteToken } from './agent-bot';
import { AGENT, env, logIn } from './env';
import { Rest } from './rest';
import { bannerConfig, Visitor } from './visitor';

// Each test makes many WordPress requests: on a busy machine they take a while.
test.describe.configure( { timeout: 180_000 } );

const SLUG = 'consent-demo';
let pageUrl = '';

interface LogRow {
	consentId: string;
	revision: number;
	action: string;
	categories: string[];
	services: string[];
	textVersion: string;
	gpc: boolean;
	time: string;
}

/** Visitor with a record of every request to the service, to WordPress's consent log, and of the tracking bundle. */
class Recorder {
	readonly track: string[] = [];
	readonly logs: Array< Record< string, unknown > > = [];
	readonly trackingJs: string[] = [];
	readonly all: string[] = [];

	constructor( readonly page: Page ) {
		page.on( 'request', ( r ) => {
			const url = new URL( r.url() );
			this.all.push( `${ r.method() } ${ url.pathname }` );
			if ( url.port === env.servicePort && url.pathname === '/track' ) this.track.push( r.postData() ?? '' );
			if ( url.pathname.endsWith( '/consent-log' ) || url.searchParams.get( 'rest_route' )?.endsWith( '/consent-log' ) ) {
				this.logs.push( JSON.parse( r.postData() ?? '{}' ) );
			}
			if ( url.pathname.endsWith( '/tracking.js' ) ) this.trackingJs.push( url.pathname );
		} );
	}
}

const banner = bannerConfig;

async function cookieNames( context: BrowserContext ): Promise< string[] > {
	return ( await context.cookies() ).map( ( c ) => c.name ).sort();
}

async function pageViews(): Promise< number > {
	const res = await fetch( `${ env.serviceUrl }/admin/page-views`, { headers: { authorization: `Bearer ${ siteToken() }` } } );
	const body = ( await res.json() ) as { rows: Array< { views: number } > };
	return body.rows.reduce( ( n, r ) => n + r.views, 0 );
}

/** An administrator's session, made once (logging in is slow on a busy machine). */
let admin: Rest;

async function consentLog( _browser: Browser ): Promise< LogRow[] > {
	return ( await ( await admin.get( '/consent-chat/v1/consent-log' ) ).json() ) as LogRow[];
}

/** Polls the log; each read is a WordPress request, so allow for a slow one. */
const LOG_POLL = { timeout: 45_000 };

async function consentId( context: BrowserContext ): Promise< string > {
	const cookie = ( await context.cookies() ).find( ( c ) => c.name === 'consent_chat_consent' );
	return ( JSON.parse( decodeURIComponent( cookie?.value ?? '{}' ) ) as { consentId?: string } ).consentId ?? '';
}

test.beforeAll( async ( { browser } ) => {
	// A page with the Chat block and its "privacy settings" button, plus a marker the tests check for reloads.
	const rest = await Rest.as( browser );
	const res = await rest.post( '/wp/v2/pages', {
		slug: SLUG,
		status: 'publish',
		title: 'Consent demo',
		content: '<!-- wp:paragraph --><p id="marker">Questions?</p><!-- /wp:paragraph -->\n<!-- wp:consent-chat/chat {"preferencesLink":true} /-->',
	} );
	expect( res.status() ).toBe( 201 );
	pageUrl = `${ env.wpUrl }/?pagename=${ SLUG }`;
	admin = rest;
} );

test.afterAll( async () => {
	await admin?.close();
} );

test( 'declined: the chat works, no tracking request, no tracking cookie, no page view counted, the refusal logged', async ( { browser } ) => {
	const viewsBefore = await pageViews();
	const v = await Visitor.open( browser, pageUrl );
	const rec = new Recorder( v.page );
	const cfg = await banner( v.page );
	expect( cfg.mode ).toBe( 'banner' );
	const bar = v.page.locator( '#cc-main .cm' );
	await expect( bar ).toBeVisible();
	await expect( bar ).toContainText( cfg.texts.title );
	await bar.getByRole( 'button', { name: cfg.texts.rejectAll } ).click();
	await expect( bar ).toBeHidden();

	const bot = await AgentBot.connect( browser );
	await v.openChat();
	await v.startChat( 'Declined, but I can chat' );
	const chatId = await bot.chatWith( 'Declined, but I can chat' );
	bot.say( chatId, 'Hello from the agent' );
	await expect( v.log ).toContainText( 'Hello from the agent' );

	expect( rec.track ).toEqual( [] );
	expect( rec.trackingJs ).toEqual( [] );
	expect( v.sent.filter( ( f ) => f.type === 'page' ) ).toEqual( [] );
	// The only cookie is the one that records the refusal itself.
	expect( await cookieNames( v.context ) ).toEqual( [ 'consent_chat_consent' ] );
	expect( await pageViews() ).toBe( viewsBefore );

	const id = await consentId( v.context );
	await expect.poll( async () => ( await consentLog( browser ) ).filter( ( r ) => r.consentId === id ), LOG_POLL ).toEqual( [
		expect.objectContaining( { action: 'reject', revision: cfg.revision, categories: [], textVersion: cfg.textVersion, gpc: false } ),
	] );
	await bot.close();
	await v.close();
} );

test( 'accepted in the open page: tracking starts without a reload, the agent sees the page; withdrawn: it stops at once', async ( { browser } ) => {
	const agentContext = await browser.newContext();
	const agent = await agentContext.newPage();
	await logIn( agent, AGENT, env.consoleUrl );
	const online = agent.getByLabel( 'Online' );
	await expect( online ).toBeEnabled();
	await online.check();

	const viewsBefore = await pageViews();
	const v = await Visitor.open( browser, pageUrl );
	const rec = new Recorder( v.page );
	const cfg = await banner( v.page );
	await v.page.evaluate( () => ( ( window as unknown as { marker: string } ).marker = 'still here' ) );

	// A chat runs before the visitor decides: the agent sees no page.
	await v.openChat();
	await v.startChat( 'Tracking question' );
	await expect( agent.getByRole( 'log' ) ).toContainText( 'Tracking question' );
	await expect( agent.locator( '.consent-chat-console__page' ) ).toHaveCount( 0 );
	expect( rec.track ).toEqual( [] );

	await v.page.locator( '#cc-main .cm' ).getByRole( 'button', { name: cfg.texts.acceptAll } ).click();
	await expect.poll( () => rec.track.length ).toBe( 1 );
	// Exactly what the service keeps: the path without the page's query, no title, no time, and
	// no referrer (the page was opened directly, and the site itself is never an external referrer).
	expect( JSON.parse( rec.track[ 0 ] ) ).toStrictEqual( { site: 'demo', path: '/', returning: false } );
	expect( rec.track[ 0 ] ).not.toContain( SLUG );
	expect( await cookieNames( v.context ) ).toEqual( [ 'consent_chat_consent', 'consent_chat_vid' ] );
	await expect.poll( pageViews ).toBe( viewsBefore + 1 );
	// The running chat goes on, and the agent now sees the page.
	const current = agent.locator( '.consent-chat-console__page' );
	await expect( current ).toContainText( 'Current page:' );
	await expect( current ).toContainText( 'Consent demo' );
	await v.say( 'still chatting' );
	await expect( agent.getByRole( 'log' ) ).toContainText( 'still chatting' );
	expect( await v.page.evaluate( () => ( window as unknown as { marker?: string } ).marker ) ).toBe( 'still here' );

	// Withdraw through the block's privacy settings button, with the chat still open.
	await v.page.getByRole( 'button', { name: 'Chat privacy settings' } ).click();
	const prefs = v.page.locator( '#cc-main .pm' );
	await expect( prefs ).toBeVisible();
	await prefs.getByRole( 'button', { name: cfg.texts.rejectAll } ).click();
	await expect.poll( () => cookieNames( v.context ) ).toEqual( [ 'consent_chat_consent' ] );
	expect( await v.page.evaluate( () => window.consentChatTracking?.active ) ).toBe( false );
	expect( await v.page.evaluate( () => ( window as unknown as { marker?: string } ).marker ) ).toBe( 'still here' );

	// The running chat goes on; the agent no longer sees the page, and nothing more is sent.
	await expect( current ).toHaveCount( 0 );
	await v.say( 'after withdrawal' );
	await expect( agent.getByRole( 'log' ) ).toContainText( 'after withdrawal' );
	const pages = v.sent.filter( ( f ) => f.type === 'page' ).map( ( f ) => f.page );
	expect( pages ).toEqual( [ { path: '/', title: expect.stringContaining( 'Consent demo' ) }, null ] );
	expect( rec.track ).toHaveLength( 1 );
	expect( await pageViews() ).toBe( viewsBefore + 1 );

	const id = await consentId( v.context );
	await expect.poll( async () => ( await consentLog( browser ) ).filter( ( r ) => r.consentId === id ).map( ( r ) => [ r.action, r.categories ] ), LOG_POLL ).toEqual( [
		[ 'change', [] ],
		[ 'accept', [ 'chat_tracking' ] ],
	] );
	await agent.getByRole( 'button', { name: 'End chat' } ).click();
	await online.uncheck();
	await agentContext.close();
	await v.close();
} );

test( 'Global Privacy Control counts as a refusal: the banner says so, offers no way to tick tracking, and the log says what happened', async ( { browser } ) => {
	const gpcOn = () => Object.defineProperty( Navigator.prototype, 'globalPrivacyControl', { get: () => true } );
	const context = await browser.newContext( { extraHTTPHeaders: { 'Sec-GPC': '1' } } );
	await context.addInitScript( gpcOn );
	const page = await context.newPage();
	const rec = new Recorder( page );
	await page.goto( pageUrl );
	const cfg = await banner( page );
	const bar = page.locator( '#cc-main .cm' );
	await expect( bar ).toContainText( cfg.texts.gpc );
	await expect( bar.getByRole( 'button', { name: cfg.texts.acceptAll } ) ).toHaveCount( 0 );

	// A visitor who looks at the settings first: the category is described, with no toggle to tick.
	await bar.getByRole( 'button', { name: cfg.texts.preferences } ).click();
	const prefs = page.locator( '#cc-main .pm' );
	await expect( prefs ).toContainText( cfg.texts.gpc );
	await expect( prefs ).toContainText( cfg.texts.categoryDescription );
	await expect( prefs.locator( 'input[type="checkbox"]' ) ).toHaveCount( 0 );
	await expect( prefs.getByRole( 'button', { name: cfg.texts.acceptAll } ) ).toHaveCount( 0 );
	await expect( prefs.getByRole( 'button', { name: cfg.texts.save } ) ).toHaveCount( 0 );
	await prefs.getByRole( 'button', { name: cfg.texts.gpcOk, exact: true } ).click();
	await expect.poll( () => rec.logs.length ).toBe( 1 );
	expect( rec.logs[ 0 ] ).toMatchObject( { action: 'reject', gpc: true, categories: [], services: [] } );
	expect( rec.track ).toEqual( [] );
	expect( rec.trackingJs ).toEqual( [] );
	expect( await cookieNames( context ) ).toEqual( [ 'consent_chat_consent' ] );
	await context.close();

	// Tracking accepted before the browser sent the signal: from then on it is neither run nor logged as consent.
	const before = await browser.newContext();
	const page2 = await before.newPage();
	const rec2 = new Recorder( page2 );
	await page2.goto( pageUrl );
	await page2.locator( '#cc-main .cm' ).getByRole( 'button', { name: cfg.texts.acceptAll } ).click();
	await expect.poll( () => rec2.track.length ).toBe( 1 );
	await before.addInitScript( gpcOn );
	await page2.reload();
	await expect( page2.locator( 'html' ) ).toHaveAttribute( 'data-consent-chat-consent', 'ready' );
	expect( await cookieNames( before ) ).toEqual( [ 'consent_chat_consent' ] );
	await page2.getByRole( 'button', { name: 'Chat privacy settings' } ).click();
	await page2.locator( '#cc-main .pm' ).getByRole( 'button', { name: cfg.texts.gpcOk, exact: true } ).click();
	await expect.poll( () => rec2.logs.length ).toBe( 2 );
	expect( rec2.logs[ 1 ] ).toMatchObject( { action: 'change', gpc: true, categories: [], services: [] } );
	// The only page view is the one from before the signal (the reload's would have been sent before "ready").
	expect( rec2.track ).toHaveLength( 1 );
	await before.close();
} );

test( 'with another consent manager (WP Consent API) our banner stands down and its decisions are followed', async ( { browser } ) => {
	const context = await browser.newContext();
	const page = await context.newPage();
	const rec = new Recorder( page );
	await page.goto( `${ pageUrl }&consentapi=1` );
	const cfg = await banner( page );
	expect( cfg.mode ).toBe( 'wpconsent' );
	await expect( page.locator( 'html' ) ).toHaveAttribute( 'data-consent-chat-consent', 'ready' );
	await expect( page.locator( '#cc-main' ) ).toHaveCount( 0 );
	await expect( page.getByRole( 'button', { name: 'Chat privacy settings' } ) ).toHaveCount( 0 );
	// Registered as compliant, and our cookie described to the API.
	const api = page.locator( '#e2e-consent-api' );
	await expect( api ).toHaveAttribute( 'data-registered', '1' );
	expect( JSON.parse( ( await api.getAttribute( 'data-cookies' ) ) ?? '[]' )[ 0 ].slice( 0, 3 ) ).toEqual( [ 'consent_chat_vid', 'Consent Chat', 'statistics' ] );
	expect( rec.track ).toEqual( [] );
	await page.evaluate( () => ( ( window as unknown as { marker: string } ).marker = 'kept' ) );

	await page.evaluate( () => ( window as unknown as { wp_set_consent: ( c: string, v: string ) => void } ).wp_set_consent( 'statistics', 'allow' ) );
	await expect.poll( () => rec.track.length ).toBe( 1 );
	await expect.poll( () => cookieNames( context ) ).toContain( 'consent_chat_vid' );

	await page.evaluate( () => ( window as unknown as { wp_set_consent: ( c: string, v: string ) => void } ).wp_set_consent( 'statistics', 'deny' ) );
	await expect.poll( () => cookieNames( context ) ).not.toContain( 'consent_chat_vid' );
	expect( rec.track ).toHaveLength( 1 );
	expect( rec.logs ).toEqual( [] ); // the other manager keeps its own proof
	expect( await page.evaluate( () => ( window as unknown as { marker?: string } ).marker ) ).toBe( 'kept' );
	await context.close();
} );

test( 'a changed banner text raises the revision: the visitor is asked again and the new decision logged with it', async ( { browser } ) => {
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto( pageUrl );
	const before = await banner( page );
	await page.locator( '#cc-main .cm' ).getByRole( 'button', { name: before.texts.rejectAll } ).click();
	await page.reload();
	await expect( page.locator( 'html' ) ).toHaveAttribute( 'data-consent-chat-consent', 'ready' );
	await expect( page.locator( '#cc-main .cm' ) ).toBeHidden();

	const rest = await Rest.as( browser );
	const texts = ( ( await ( await rest.get( '/wp/v2/settings' ) ).json() ) as { consent_chat_texts: Record< string, { banner: Record< string, string > | null } > } ).consent_chat_texts;
	texts.en_US.banner = { ...before.texts, title: 'May the chat see your page?' };
	expect( ( await rest.post( '/wp/v2/settings', { consent_chat_texts: texts } ) ).status() ).toBe( 200 );
	// An invalid banner text is refused with a 400 and changes nothing.
	const bad = await rest.post( '/wp/v2/settings', { consent_chat_texts: { ...texts, en_US: { ...texts.en_US, banner: { title: '' } } } } );
	expect( bad.status() ).toBe( 400 );
	await rest.close();

	await page.reload();
	const after = await banner( page );
	expect( after.revision ).toBe( before.revision + 1 );
	expect( after.textVersion ).not.toBe( before.textVersion );
	const bar = page.locator( '#cc-main .cm' );
	await expect( bar ).toContainText( 'May the chat see your page?' );
	await bar.getByRole( 'button', { name: after.texts.rejectAll } ).click();
	const id = await consentId( context );
	await expect.poll( async () => ( await consentLog( browser ) ).filter( ( r ) => r.consentId === id ).map( ( r ) => [ r.revision, r.textVersion ] ), LOG_POLL ).toEqual( [
		[ after.revision, after.textVersion ],
		[ before.revision, before.textVersion ],
	] );
	await context.close();
} );

test( 'the consent log: typed refusals for bad input, admins only for reading, CSV export', async ( { browser, request } ) => {
	const url = `${ env.wpUrl }/wp-json/consent-chat/v1/consent-log`;
	const good = { consentId: '0f8fad5b-d9cb-469f-a165-70867728950e', revision: 1, action: 'reject', categories: [], services: [], textVersion: 'aaaaaaaaaaaa', lang: 'en_US' };
	const cases: Array< [ Record< string, unknown >, number, string ] > = [
		[ { ...good, consentId: 'nope' }, 400, 'rest_invalid_param' ],
		[ { ...good, action: 'maybe' }, 400, 'rest_invalid_param' ],
		[ { ...good, revision: 999999 }, 400, 'consent_chat_bad_revision' ],
		[ good, 400, 'consent_chat_bad_version' ],
		[ { ...good, pad: 'x'.repeat( 2100 ) }, 413, 'consent_chat_too_large' ],
	];
	for ( const [ data, status, code ] of cases ) {
		const res = await request.post( url, { data } );
		expect( { status: res.status(), code: ( ( await res.json() ) as { code: string } ).code } ).toEqual( { status, code } );
	}
	expect( ( await request.get( url ) ).status() ).toBe( 401 );

	const rest = await Rest.as( browser );
	const csv = await rest.get( '/consent-chat/v1/consent-log?format=csv' );
	expect( csv.status() ).toBe( 200 );
	expect( csv.headers()[ 'content-type' ] ).toContain( 'text/csv' );
	const lines = ( await csv.text() ).trim().split( '\r\n' );
	expect( lines[ 0 ] ).toBe( 'id,consent_id,revision,action,categories,services,text_version,lang,gpc,time' );
	expect( lines.length ).toBeGreaterThan( 3 );
	expect( await csv.text() ).not.toMatch( /127\.0\.0\.1/ );
	// The embed snippets for pages outside WordPress.
	const snippets = ( await ( await rest.get( '/consent-chat/v1/embed-snippets' ) ).json() ) as { plain: string; tracking: string };
	expect( snippets.plain ).toContain( 'data-consent-chat=' );
	expect( snippets.plain ).not.toContain( 'consent.js' );
	expect( snippets.tracking ).toContain( 'data-consent-chat-banner=' );
	expect( snippets.tracking ).toContain( 'consent.js' );
	await rest.close();
} );

test( 'the embed snippets run on a page outside WordPress: the plain one without any banner or tracking, the other with consent-gated tracking', async ( { browser } ) => {
	const rest = await Rest.as( browser );
	const snippets = ( await ( await rest.get( '/consent-chat/v1/embed-snippets' ) ).json() ) as { plain: string; tracking: string };
	await rest.close();
	// A static page of "another site" (on an origin the service allows), served by the test itself.
	const html = ( body: string ) => `<!doctype html><html lang="en"><head><title>Static shop</title></head><body><h1>Static shop</h1>${ body }</body></html>`;

	const context = await browser.newContext();
	await context.route( `${ env.wpUrl }/static-*.html*`, ( route ) =>
		route.fulfill( { contentType: 'text/html', body: html( route.request().url().includes( 'plain' ) ? snippets.plain : snippets.tracking ) } )
	);
	const plain = await context.newPage();
	const plainRec = new Recorder( plain );
	await plain.goto( `${ env.wpUrl }/static-plain.html` );
	await expect( plain.getByRole( 'button', { name: 'Chat with us' } ) ).toBeVisible();
	await plain.waitForLoadState( 'networkidle' );
	expect( plainRec.all.filter( ( r ) => /\/(consent|tracking)\.(js|css)$/.test( r ) ) ).toEqual( [] );
	await expect( plain.locator( '#cc-main' ) ).toHaveCount( 0 );
	await plain.close();

	const page = await context.newPage();
	const rec = new Recorder( page );
	// Arrived from a search: of the referrer only its host may leave the page, never its query.
	await page.goto( `${ env.wpUrl }/static-tracking.html?order=4711`, { referer: 'https://search.example/results?q=jane+doe' } );
	expect( await page.evaluate( () => document.referrer ) ).toContain( 'search.example' );
	await expect( page.getByRole( 'button', { name: 'Chat with us' } ) ).toBeVisible();
	const cfg = await banner( page );
	await page.locator( '#cc-main .cm' ).getByRole( 'button', { name: cfg.texts.acceptAll } ).click();
	await expect.poll( () => rec.track.length ).toBe( 1 );
	expect( JSON.parse( rec.track[ 0 ] ) ).toStrictEqual( { site: 'demo', path: '/static-tracking.html', referrerHost: 'search.example', returning: false } );
	for ( const kept of [ 'Static shop', 'jane', '4711', 'results' ] ) expect( rec.track[ 0 ] ).not.toContain( kept );
	await expect.poll( () => rec.logs.length ).toBe( 1 );
	expect( rec.logs[ 0 ] ).toMatchObject( { action: 'accept', categories: [ 'chat_tracking' ] } );
	expect( await cookieNames( context ) ).toEqual( [ 'consent_chat_consent', 'consent_chat_vid' ] );
	await context.close();
} );

test( 'with consent, the agent sees the pages of this visit as the visitor moves on; the chat resumes on the next page', async ( { browser } ) => {
	const bot = await AgentBot.connect( browser );
	const v = await Visitor.open( browser, pageUrl );
	const cfg = await banner( v.page );
	await v.page.locator( '#cc-main .cm' ).getByRole( 'button', { name: cfg.texts.acceptAll } ).click();
	await v.openChat();
	await v.startChat( 'Walking around' );
	const chatId = await bot.chatWith( 'Walking around' );
	await bot.client.next( 'chat', ( c ) => c.chat.id === chatId && ( c.chat.pages?.length ?? 0 ) === 1 );

	// Another page of the site, same tab: the chat comes back and the agent sees where the visitor went.
	await v.goto( env.demoUrl );
	const walked = await bot.client.next( 'chat', ( c ) => c.chat.id === chatId && ( c.chat.pages?.length ?? 0 ) === 2, 20_000 );
	expect( walked.chat.pages?.map( ( p ) => p.title.split( ' – ' )[ 0 ] ) ).toEqual( [ 'Consent demo', 'Talk to us' ] );
	expect( walked.chat.page?.title ).toContain( 'Talk to us' );
	await bot.close();
	await v.close();
} );
