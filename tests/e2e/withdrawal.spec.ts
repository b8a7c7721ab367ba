/**
 * Consent must be as easy to withdraw as to give (GDPR Art. 7(3)). On a
 * default install, once the banner is answered it is gone, and the demo
 * page's block has no "privacy settings" link. The chat window is where the
 * visitor finds the choice again: "Privacy settings" in the start window, the
 * § flyout and the running chat. Themes get `window.consentChatConsent` and
 * the `[consent_chat_settings]` shortcode.
 *
 * And on a phone the open banner must not hide the chat window's header.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { AgentBot } from './agent-bot';
import { env } from './env';
import { Rest } from './rest';
import { bannerConfig, Visitor } from './visitor';

test.describe.configure( { timeout: 180_000 } );

async function cookieNames( context: BrowserContext ): Promise< string[] > {
	return ( await context.cookies() ).map( ( c ) => c.name ).sort();
}

/** Our consent bundle has run and decided on this page (it starts tracking, or not, before saying so). */
async function consentReady( page: Page ): Promise< void > {
	await expect( page.locator( 'html' ) ).toHaveAttribute( 'data-consent-chat-consent', 'ready' );
}

test( 'on the default demo page, a visitor withdraws from the chat window: the cookie goes at once, nothing is tracked after, no reload', async ( { browser } ) => {
	const v = await Visitor.open( browser );
	const track: string[] = [];
	const loads: string[] = [];
	v.page.on( 'request', ( r ) => new URL( r.url() ).pathname === '/track' && track.push( r.url() ) );
	v.page.on( 'load', () => loads.push( v.page.url() ) );
	const cfg = await bannerConfig( v.page );
	await v.page.locator( '#cc-main .cm' ).getByRole( 'button', { name: cfg.texts.acceptAll } ).click();
	await expect.poll( () => track.length ).toBe( 1 );
	expect( await cookieNames( v.context ) ).toEqual( [ 'consent_chat_consent', 'consent_chat_vid' ] );
	await v.page.evaluate( () => ( ( window as unknown as { marker: string } ).marker = 'still here' ) );
	// The default page offers no link of its own: the banner is gone and the block has none.
	await expect( v.page.locator( '#cc-main .cm' ) ).toBeHidden();
	await expect( v.page.locator( '.consent-chat-preferences' ) ).toHaveCount( 0 );

	// The chat window's start window offers it, with the § link (an agent is online: the start window, not the contact form).
	const bot = await AgentBot.connect( browser );
	await v.openChat();
	const settings = v.dialog.getByRole( 'button', { name: v.s.privacySettings } );
	await expect( settings ).toBeVisible();
	await settings.click();
	const prefs = v.page.locator( '#cc-main .pm' );
	await expect( prefs ).toBeVisible();
	await prefs.getByRole( 'button', { name: cfg.texts.rejectAll } ).click();
	await expect( prefs ).toBeHidden();
	// At once: the visitor-id cookie is gone and the tracking embed stopped, in the same page.
	expect( await cookieNames( v.context ) ).toEqual( [ 'consent_chat_consent' ] );
	expect( await v.page.evaluate( () => window.consentChatTracking?.active ) ).toBe( false );
	expect( await v.page.evaluate( () => ( window as unknown as { marker?: string } ).marker ) ).toBe( 'still here' );

	// The § flyout offers it too.
	await v.dialog.getByRole( 'button', { name: v.s.privacyInfo } ).click();
	const flyout = v.dialog.getByRole( 'region', { name: v.s.privacyInfo } );
	await expect( flyout.getByRole( 'button', { name: v.s.privacySettings } ) ).toBeVisible();
	await v.page.keyboard.press( 'Escape' );

	// And the running chat.
	await v.startChat( 'After withdrawing' );
	await bot.chatWith( 'After withdrawing' );
	await expect( v.dialog.locator( '.cc-actions' ).getByRole( 'button', { name: v.s.privacySettings } ) ).toBeVisible();
	await v.dialog.getByRole( 'button', { name: v.s.endChat } ).click();
	await bot.close();

	// The visitor keeps clicking and moves on through the site: nothing is tracked any more.
	await v.dialog.getByRole( 'button', { name: v.s.close } ).click();
	await v.page.getByText( 'Questions about your order?' ).click();
	await v.page.goto( `${ env.wpUrl }/` );
	await v.goto( env.demoUrl );
	await consentReady( v.page );
	expect( await cookieNames( v.context ) ).toEqual( [ 'consent_chat_consent' ] );
	// Barrier: a round trip to the service from this page (opening the chat asks who is online); a page view would have gone first.
	await v.openChat();
	expect( track ).toHaveLength( 1 );
	// The withdrawal itself reloaded nothing: the only loads since the first are the two pages visited after.
	expect( loads ).toEqual( [ `${ env.wpUrl }/`, env.demoUrl ] );
	await v.close();
} );

test( 'themes: window.consentChatConsent.showSettings() and the [consent_chat_settings] shortcode open the settings', async ( { browser } ) => {
	const rest = await Rest.as( browser );
	const slug = `settings-link-${ Date.now() }`;
	const res = await rest.post( '/wp/v2/pages', { slug, status: 'publish', title: 'Settings link', content: '<!-- wp:shortcode -->[consent_chat_settings label="Cookie choices"]<!-- /wp:shortcode -->' } );
	expect( res.status() ).toBe( 201 );
	await rest.close();

	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto( `${ env.wpUrl }/?pagename=${ slug }` );
	await consentReady( page );
	const prefs = page.locator( '#cc-main .pm' );
	await page.getByRole( 'button', { name: 'Cookie choices' } ).click();
	await expect( prefs ).toBeVisible();
	await page.keyboard.press( 'Escape' );
	await expect( prefs ).toBeHidden();
	await page.evaluate( () => window.consentChatConsent!.showSettings() );
	await expect( prefs ).toBeVisible();
	await context.close();
} );

const VIEWPORTS = [
	{ name: 'phone', width: 390, height: 844 },
	{ name: 'phone-landscape', width: 844, height: 390 },
	{ name: 'laptop', width: 1280, height: 720 },
	{ name: 'desktop', width: 1400, height: 1000 },
];

for ( const viewport of VIEWPORTS ) {
	test( `${ viewport.name } (${ viewport.width }×${ viewport.height }): the open banner leaves the chat window’s header and close button usable`, async ( { browser }, testInfo ) => {
		const v = await Visitor.open( browser, env.demoUrl, { viewport } );
		const bar = v.page.locator( '#cc-main .cm' );
		await expect( bar ).toBeVisible();
		await v.openChat();
		const close = v.dialog.getByRole( 'button', { name: v.s.close } );
		const title = v.dialog.getByRole( 'heading', { name: v.s.title } );
		// Nothing lies over them: at each one's centre, the top element is that element.
		for ( const target of [ close, title ] ) {
			await expect( target ).toBeInViewport();
			expect( await target.evaluate( ( el ) => {
				const r = el.getBoundingClientRect();
				const top = document.elementFromPoint( r.left + r.width / 2, r.top + r.height / 2 );
				return top !== null && el.contains( top );
			} ) ).toBe( true );
		}
		// The window starts below the banner: they do not overlap.
		const barBox = ( await bar.boundingBox() )!;
		const windowBox = ( await v.dialog.boundingBox() )!;
		expect( windowBox.y ).toBeGreaterThanOrEqual( barBox.y + barBox.height - 1 );
		// For a person to look at (test-results/…/<viewport>.png, and in the report).
		const shot = testInfo.outputPath( `${ viewport.name }.png` );
		await v.page.screenshot( { path: shot } );
		await testInfo.attach( `${ viewport.name }.png`, { path: shot, contentType: 'image/png' } );
		if ( viewport.name === 'phone' ) {
			const result = await new AxeBuilder( { page: v.page } ).include( '[data-consent-chat]' ).include( '#cc-main' ).withTags( [ 'wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa' ] ).analyze();
			expect( result.violations.map( ( x ) => `${ x.id }: ${ x.nodes.map( ( n ) => n.target.join( ' ' ) ).join( ', ' ) }` ) ).toEqual( [] );
		}
		// Answered, the banner goes and the window may use the whole height again.
		await bar.getByRole( 'button', { name: ( await bannerConfig( v.page ) ).texts.rejectAll } ).click();
		await expect( bar ).toBeHidden();
		await expect( v.page.locator( 'html' ) ).not.toHaveAttribute( 'style', /consent-chat-banner-offset/ );
		if ( viewport.name === 'phone' ) await expect.poll( async () => ( await v.dialog.boundingBox() )!.y ).toBe( 0 );
		await v.close();
	} );
}
