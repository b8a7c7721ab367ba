/**
 * The Chat block in the real block editor (the local WordPress, 7.1, in real Chromium):
 * its sidebar, its preview drawn by the visitors' own code, and what the
 * published page then carries. The site-wide launcher, and the rule that a
 * page never gets two chats. Hostile attribute values in post content.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, test, type Browser, type FrameLocator, type Page } from '@playwright/test';
import type { FrontendConfig } from '../../client/contract';
import { AgentBot } from './agent-bot';
import { draftPageForEditor, editorCanvas } from './editor';
import { env, logIn } from './env';
import { ADMIN, Rest } from './rest';
import { Visitor } from './visitor';

const unique = ( label: string ): string => `${ label } ${ Math.random().toString( 36 ).slice( 2, 8 ) }`;

/** Block comment JSON as WordPress writes it (<, > and & escaped), so any string survives the parser. */
const chatBlock = ( attrs: Record< string, unknown > = {} ): string =>
	`<!-- wp:consent-chat/chat ${ JSON.stringify( attrs ).replace( /</g, '\\u003c' ).replace( />/g, '\\u003e' ).replace( /&/g, '\\u0026' ) } /-->`;
const paragraph = ( text: string ): string => `<!-- wp:paragraph --><p>${ text }</p><!-- /wp:paragraph -->`;

async function publishPage( rest: Rest, title: string, content: string ): Promise< string > {
	const res = await rest.post( '/wp/v2/pages', { title, status: 'publish', content } );
	expect( res.status() ).toBe( 201 );
	return ( ( await res.json() ) as { link: string } ).link;
}

async function setSitewide( rest: Rest, on: boolean ): Promise< void > {
	const res = await rest.post( '/wp/v2/settings', { consent_chat_sitewide: on } );
	expect( res.status() ).toBe( 200 );
	expect( ( ( await res.json() ) as { consent_chat_sitewide: boolean } ).consent_chat_sitewide ).toBe( on );
}

/** Every mount, launcher and inline window on a visitor's page, once the loader has run. */
async function chatsOn( page: Page ): Promise< { mounts: number; sitewideMounts: number; launchers: number; windows: number } > {
	// The loader marks the mount it started; a page with a chat has exactly one.
	await expect( page.locator( '[data-consent-chat-started]' ) ).toHaveCount( 1 );
	return {
		mounts: await page.locator( '[data-consent-chat]' ).count(),
		sitewideMounts: await page.locator( '[data-consent-chat-sitewide]' ).count(),
		launchers: await page.locator( 'button.cc-launcher' ).count(),
		windows: await page.locator( '.cc-window' ).count(),
	};
}

/** Opens the editor on an empty draft page (see draftPageForEditor for why preferences come first). */
async function editEmptyPage( page: Page, rest: Rest, title: string ): Promise< FrameLocator > {
	const id = await draftPageForEditor( rest, title );
	await logIn( page, ADMIN, `${ env.wpUrl }/wp-admin/post.php?post=${ id }&action=edit` );
	return editorCanvas( page );
}

test.describe( 'the Chat block in the editor', () => {
	let rest: Rest;
	let appearance: unknown;

	test.beforeAll( async ( { browser } ) => {
		rest = await Rest.as( browser );
		appearance = ( ( await ( await rest.get( '/wp/v2/settings' ) ).json() ) as { consent_chat_appearance: unknown } ).consent_chat_appearance;
		// The preview must follow the site's appearance, so make it differ from the defaults.
		expect( ( await rest.post( '/wp/v2/settings', { consent_chat_appearance: { accent: '#b91c1c', position: 'left' } } ) ).status() ).toBe( 200 );
	} );

	test.afterAll( async () => {
		await rest.post( '/wp/v2/settings', { consent_chat_appearance: appearance } );
		await rest.close();
	} );

	test( 'sidebar settings change the preview, and the published page carries them', async ( { browser }, testInfo ) => {
		test.setTimeout( 300_000 );
		const context = await browser.newContext( { viewport: { width: 1400, height: 1000 } } );
		const page = await context.newPage();
		// The editor must never talk to the chat service: no request, no socket.
		const serviceRequests: string[] = [];
		page.on( 'request', ( r ) => new URL( r.url() ).port === env.servicePort && serviceRequests.push( r.url() ) );
		page.on( 'websocket', ( ws ) => serviceRequests.push( ws.url() ) );
		// Fixed texts (each run makes its own page): the screenshot goes into the README.
		const canvas = await editEmptyPage( page, rest, 'Talk to our sales team' );
		await expect( canvas.getByRole( 'textbox', { name: 'Add title' } ) ).toHaveText( 'Talk to our sales team' );

		// Insert the block through the inserter, as an admin would.
		const inserter = page.getByRole( 'button', { name: /^(Block Inserter|Toggle block inserter)$/ } );
		await inserter.click();
		await page.getByRole( 'searchbox', { name: /Search/ } ).fill( 'Consent Chat' );
		await page.getByRole( 'option', { name: 'Consent Chat' } ).click();
		await inserter.click();
		const block = canvas.locator( '[data-type="consent-chat/chat"]' );
		await expect( block ).toBeVisible();

		// The launcher preview: the visitors' launcher, in the site's accent, in its left corner.
		const launcher = block.locator( '.consent-chat-preview__stage button.cc-launcher' );
		await expect( launcher ).toHaveText( 'Chat with us' );
		await expect( launcher ).toHaveCSS( 'background-color', 'rgb(185, 28, 28)' );
		await expect( launcher ).toHaveClass( /cc-launcher--left/ );
		await expect( block.getByText( 'Visitors see this launcher in the bottom left corner of the page.' ) ).toBeVisible();

		const settings = page.getByRole( 'region', { name: 'Editor settings' } );
		if ( ! ( await settings.isVisible() ) ) await page.getByRole( 'button', { name: 'Settings', exact: true } ).click();
		await expect( settings.getByLabel( 'Department' ) ).toBeVisible();

		// Department: a value breaking the rule is flagged at once, a good one is taken.
		await settings.getByLabel( 'Department' ).fill( 'sales<script>' );
		await expect( settings.getByText( /Only letters, digits/ ) ).toBeVisible();
		await expect( block.getByText( 'Chats go to any agent.' ) ).toBeVisible();
		await settings.getByLabel( 'Department' ).fill( 'sales' );
		await expect( settings.getByText( /Only letters, digits/ ) ).toBeHidden();
		await expect( block.getByText( 'Chats go to the department “sales”.' ) ).toBeVisible();

		// Greeting: shown in the preview's bubble as it is typed.
		const greeting = 'Questions about an order? We are here.';
		await settings.getByLabel( 'Greeting on this page' ).fill( greeting );
		await settings.getByLabel( 'Greeting delay (seconds)' ).fill( '1' );
		await expect( block.locator( '.cc-greeting__text' ) ).toHaveText( greeting );
		await expect( block.getByText( 'The greeting appears after 1 second.' ) ).toBeVisible();

		// Publish in launcher mode; the front end carries the same settings.
		await page.getByRole( 'region', { name: 'Editor top bar' } ).getByRole( 'button', { name: 'Publish', exact: true } ).click();
		await expect.poll( () => page.evaluate( () => ( window as unknown as { wp: { data: { select: ( s: string ) => { isCurrentPostPublished(): boolean } } } } ).wp.data.select( 'core/editor' ).isCurrentPostPublished() ), { timeout: 60_000 } ).toBe( true );
		const link = await page.evaluate( () => ( window as unknown as { wp: { data: { select: ( s: string ) => { getPermalink(): string } } } } ).wp.data.select( 'core/editor' ).getPermalink() );

		const v = await Visitor.open( browser, link );
		expect( v.config ).toMatchObject( { dept: 'sales', display: 'launcher', direct: false, greeting: { text: greeting, delayMs: 1000 } } );
		expect( await chatsOn( v.page ) ).toEqual( { mounts: 1, sitewideMounts: 0, launchers: 1, windows: 0 } );
		await expect( v.page.locator( '.cc-greeting__text' ) ).toHaveText( greeting );
		await expect( v.launcher ).toHaveCSS( 'background-color', 'rgb(185, 28, 28)' );
		expect( v.serviceRequests ).toEqual( [] );
		expect( v.sockets ).toEqual( [] );
		await v.close();

		// Inline, started directly: the preview becomes the start window, without the pre-chat form.
		const site = await page.evaluate( () => ( window as unknown as { consentChatBlockEditor: { config: FrontendConfig } } ).consentChatBlockEditor.config );
		await settings.getByLabel( 'Display' ).selectOption( 'inline' );
		const win = block.locator( '.cc-window--inline' );
		await expect( win ).toBeVisible();
		await expect( block.locator( '.cc-launcher' ) ).toHaveCount( 0 );
		await expect( win.locator( '.cc-title' ) ).toHaveText( site.strings.title );
		await expect( win.locator( '.cc-privacy' ) ).toHaveText( `§ ${ site.strings.privacy }` );
		await expect( win.locator( '.cc-check__label', { hasText: site.consent!.text } ) ).toBeVisible();
		await expect( win.locator( 'button[type="submit"]' ) ).toHaveText( site.strings.start );
		await expect( win.locator( '.cc-header' ) ).toHaveCSS( 'background-color', 'rgb(185, 28, 28)' );
		const firstPrechat = site.prechat[ 0 ].label;
		await expect( win.getByText( firstPrechat, { exact: true } ) ).toBeVisible();
		await settings.getByLabel( 'Start directly' ).check();
		await expect( win.getByText( firstPrechat, { exact: true } ) ).toHaveCount( 0 );
		await expect( block.getByText( 'Visitors see this chat window here in the page.' ) ).toBeVisible();

		// For the README: the block selected, its sidebar open (CC_SCREENSHOTS=1 writes it into docs/).
		const shot = process.env.CC_SCREENSHOTS ? join( __dirname, '../../docs/screenshots/block-editor.png' ) : testInfo.outputPath( 'block-editor.png' );
		mkdirSync( dirname( shot ), { recursive: true } );
		await page.screenshot( { path: shot } );

		await page.getByRole( 'region', { name: 'Editor top bar' } ).getByRole( 'button', { name: /^(Save|Update)$/ } ).click();
		await expect.poll( () => page.evaluate( () => {
			const editor = ( window as unknown as { wp: { data: { select: ( s: string ) => { isSavingPost(): boolean; isEditedPostDirty(): boolean } } } } ).wp.data.select( 'core/editor' );
			return ! editor.isSavingPost() && ! editor.isEditedPostDirty();
		} ) ).toBe( true );

		// Someone is online, so the inline window offers the chat rather than the contact form.
		const bot = await AgentBot.connect( browser );
		const inline = await Visitor.open( browser, link );
		expect( inline.config ).toMatchObject( { dept: 'sales', display: 'inline', direct: true, prechat: [] } );
		await expect( inline.dialog ).toBeVisible();
		await expect( inline.dialog ).toHaveAttribute( 'role', 'region' );
		await expect( inline.dialog.locator( '.cc-check__label', { hasText: site.consent!.text } ) ).toBeVisible();
		expect( await chatsOn( inline.page ) ).toEqual( { mounts: 1, sitewideMounts: 0, launchers: 0, windows: 1 } );
		// An inline window is open from the start: its one request asks who is online; no socket yet.
		await expect.poll( () => inline.serviceRequests ).toEqual( [ 'GET /availability' ] );
		expect( inline.sockets ).toEqual( [] );
		await inline.close();
		await bot.close();

		expect( serviceRequests ).toEqual( [] );
		await context.close();
	} );
} );

test.describe( 'one chat per page', () => {
	let rest: Rest;
	const pages: Record< string, string > = {};

	test.beforeAll( async ( { browser } ) => {
		rest = await Rest.as( browser );
		pages.plain = await publishPage( rest, unique( 'No chat block' ), paragraph( 'A page without the Chat block.' ) );
		pages.launcher = await publishPage( rest, unique( 'Launcher block' ), paragraph( 'Questions?' ) + chatBlock( { dept: 'sales' } ) );
		pages.inline = await publishPage( rest, unique( 'Inline block' ), chatBlock( { display: 'inline' } ) );
		// Two blocks in one post: the editor prevents it (multiple: false), hand-written content does not.
		pages.two = await publishPage( rest, unique( 'Two blocks' ), chatBlock( { dept: 'first' } ) + chatBlock( { dept: 'second' } ) );
	} );

	test.afterAll( async () => {
		await setSitewide( rest, false );
		await rest.close();
	} );

	async function visit( browser: Browser, url: string ): Promise< Visitor > {
		return Visitor.open( browser, url );
	}

	test( 'site-wide launcher on: exactly one chat everywhere, and nothing talks to the service before opening', async ( { browser } ) => {
		// Anything but a boolean is refused by the setting's schema.
		expect( ( await rest.post( '/wp/v2/settings', { consent_chat_sitewide: 'sometimes' } ) ).status() ).toBe( 400 );
		await setSitewide( rest, true );

		// No block: the site-wide mount, with the site's defaults.
		const plain = await visit( browser, pages.plain );
		expect( await chatsOn( plain.page ) ).toEqual( { mounts: 1, sitewideMounts: 1, launchers: 1, windows: 0 } );
		expect( plain.config ).toMatchObject( { dept: '', display: 'launcher' } );
		// The cookie banner comes with the chat, as it does with the block.
		await expect( plain.page.locator( '[data-consent-chat-banner]' ) ).toHaveCount( 1 );
		expect( plain.serviceRequests ).toEqual( [] );
		expect( plain.sockets ).toEqual( [] );
		// Opening it works like the block's launcher: the first request is the availability check.
		await plain.openChat();
		expect( plain.serviceRequests ).toEqual( [ 'GET /availability' ] );
		await plain.close();

		// A launcher block: PHP leaves the site-wide mount out; the block's settings apply.
		const launcher = await visit( browser, pages.launcher );
		expect( await chatsOn( launcher.page ) ).toEqual( { mounts: 1, sitewideMounts: 0, launchers: 1, windows: 0 } );
		expect( launcher.config.dept ).toBe( 'sales' );
		expect( launcher.serviceRequests ).toEqual( [] );
		await launcher.close();

		// An inline block: its window, and no launcher on top of it.
		const inline = await visit( browser, pages.inline );
		await expect( inline.dialog ).toBeVisible();
		expect( await chatsOn( inline.page ) ).toEqual( { mounts: 1, sitewideMounts: 0, launchers: 0, windows: 1 } );
		expect( inline.sockets ).toEqual( [] );
		await inline.close();

		// The standalone chat page keeps only its own chat.
		const standalone = await visit( browser, `${ env.wpUrl }/?consent-chat=standalone&site=demo` );
		await expect( standalone.dialog ).toBeVisible();
		expect( await chatsOn( standalone.page ) ).toEqual( { mounts: 1, sitewideMounts: 0, launchers: 0, windows: 1 } );
		await standalone.close();
	} );

	test( 'two mounts on one page: the loader starts one launcher', async ( { browser } ) => {
		const two = await visit( browser, pages.two );
		expect( await chatsOn( two.page ) ).toEqual( { mounts: 2, sitewideMounts: 0, launchers: 1, windows: 0 } );
		// The first block's chat is the one started.
		await expect( two.page.locator( '[data-consent-chat-started]' ) ).toHaveAttribute( 'data-consent-chat', /"dept":"first"/ );
		expect( two.serviceRequests ).toEqual( [] );
		await two.close();
	} );

	test( 'site-wide launcher off: a page without the block has no chat and loads nothing of it', async ( { browser } ) => {
		await setSitewide( rest, false );
		const context = await browser.newContext();
		const page = await context.newPage();
		const ours: string[] = [];
		page.on( 'request', ( r ) => ( r.url().includes( '/consent-chat/' ) || new URL( r.url() ).port === env.servicePort ) && ours.push( r.url() ) );
		await page.goto( pages.plain );
		await expect( page.getByText( 'A page without the Chat block.' ) ).toBeVisible();
		await expect( page.locator( '[data-consent-chat]' ) ).toHaveCount( 0 );
		await expect( page.locator( 'button.cc-launcher' ) ).toHaveCount( 0 );
		expect( ours ).toEqual( [] );
		await context.close();

		// The block still brings its own chat.
		const launcher = await visit( browser, pages.launcher );
		expect( await chatsOn( launcher.page ) ).toEqual( { mounts: 1, sitewideMounts: 0, launchers: 1, windows: 0 } );
		await launcher.close();
	} );
} );

test( 'hostile attribute values in post content render safely and fall back', async ( { browser } ) => {
	const rest = await Rest.as( browser );
	const hostile = '<img src=x onerror="window.__pwned=1"> Hi';
	const url = await publishPage(
		rest,
		unique( 'Hostile block' ),
		chatBlock( { dept: '"><script>window.__pwned=2</script>', greetingText: `${ hostile }\n\n\t`, greetingDelay: -5, display: 'popup' } )
	);
	const slow = await publishPage( rest, unique( 'Slow greeting' ), chatBlock( { dept: 'a'.repeat( 65 ), greetingText: 'Later', greetingDelay: 99999999 } ) );
	await rest.close();

	const v = await Visitor.open( browser, url );
	const dialogs: string[] = [];
	v.page.on( 'dialog', ( d ) => dialogs.push( d.message() ) );
	// Bad department: any agent; unknown display: the launcher; the greeting as plain text, at once.
	expect( v.config ).toMatchObject( { dept: '', display: 'launcher', greeting: { text: hostile, delayMs: 0 } } );
	expect( await chatsOn( v.page ) ).toEqual( { mounts: 1, sitewideMounts: 0, launchers: 1, windows: 0 } );
	await expect( v.page.locator( '.cc-greeting__text' ) ).toHaveText( hostile );
	expect( await v.page.content() ).not.toContain( '<script>window.__pwned' );
	await expect( v.page.locator( '.cc-greeting img' ) ).toHaveCount( 0 );
	expect( await v.page.evaluate( () => ( window as unknown as { __pwned?: number } ).__pwned ) ).toBeUndefined();
	expect( dialogs ).toEqual( [] );
	await v.close();

	// A department over 64 characters is dropped; a delay is held to an hour at most.
	const s = await Visitor.open( browser, slow );
	expect( s.config ).toMatchObject( { dept: '', greeting: { text: 'Later', delayMs: 3_600_000 } } );
	await s.close();
} );
