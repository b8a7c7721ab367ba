/**
 * A site's own bot, configured through WordPress (the assistant option, as
 * the Assistant tab saves it; WordPress pushes it to the real service): the
 * demo page's start window names the service the messages go to, in English
 * and German, and the privacy flyout carries WordPress's automatic sentence
 * naming it; an administrator turns the bot on in the Assistant tab, where
 * the secret is made and shown, and saving hands it to the service; a real
 * local bot (tests/helpers/test-bot.ts) answers a visitor in Chromium, and
 * HTML in its reply is shown as text. The bot's failures are the service's
 * (tests/integration/assistant-bot.test.ts). Puts back what it changed.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser } from '@playwright/test';
import { env, logIn } from './env';
import { ADMIN, Rest } from './rest';
import { Visitor } from './visitor';
import { startTestBot } from '../helpers/test-bot';

const NAME = 'Acme Helpdesk';
const BOT = { url: 'http://127.0.0.1:9/events', name: NAME, secret: 'e2e-secret-'.padEnd( 43, 'x' ), timeoutSeconds: 5 };

async function withBot( browser: Browser, run: () => Promise< void >, bot: typeof BOT = BOT ): Promise< void > {
	const admin = await Rest.as( browser );
	const before = ( ( await ( await admin.get( '/wp/v2/settings' ) ).json() ) as Record< string, unknown > ).consent_chat_assistant;
	const put = await admin.post( '/wp/v2/settings', { consent_chat_assistant: { settings: { mode: 'first', departments: {}, handoverAfter: 2, bot }, content: { locales: {} } } } );
	expect( put.status(), await put.text() ).toBe( 200 );
	try {
		// WordPress told the service at the end of that request: availability names the bot now.
		const availability = await ( await fetch( `${ env.serviceUrl }/availability?site=demo` ) ).json();
		expect( availability ).toMatchObject( { assistant: true, bot: NAME } );
		await run();
	} finally {
		const back = await admin.post( '/wp/v2/settings', { consent_chat_assistant: before } );
		expect( back.status(), await back.text() ).toBe( 200 );
		await admin.close();
	}
}

for ( const [ lang, notice, disclosure ] of [
	[ 'en_US', `Your messages go to ${ NAME }, an automated service this site uses.`, `may be answered by ${ NAME }, an automated service this site uses` ],
	[ 'de_DE', `Ihre Nachrichten gehen an ${ NAME }, einen automatischen Dienst, den diese Website nutzt.`, `beantwortet gegebenenfalls ${ NAME }, ein automatischer Dienst` ],
] as const ) {
	test( `with the site's own bot on, the start window and the privacy flyout name it (${ lang })`, async ( { browser } ) => {
		await withBot( browser, async () => {
			const v = await Visitor.open( browser, env.demoUrl, {} );
			if ( lang === 'de_DE' ) {
				await v.context.addCookies( [ { name: 'cc_e2e_locale', value: 'de_DE', url: env.wpUrl } ] );
				await v.goto( env.demoUrl );
			}
			expect( v.s.botNotice.replace( '%s', NAME ) ).toBe( notice );
			await v.openChat();
			await expect( v.dialog.getByText( notice ) ).toBeVisible();
			// The start window, not the contact form, though nobody is online: the bot answers.
			await expect( v.dialog.getByRole( 'button', { name: v.s.start } ) ).toBeVisible();
			await v.dialog.getByRole( 'button', { name: v.s.privacyInfo } ).click();
			const flyout = v.dialog.getByRole( 'region', { name: v.s.privacyInfo } );
			await expect( flyout ).toContainText( disclosure );
			const axe = await new AxeBuilder( { page: v.page } ).include( '.cc-window' ).withTags( [ 'wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa' ] ).analyze();
			expect( axe.violations ).toEqual( [] );
			await v.context.close();
		} );
	} );
}

test( 'without a bot, neither says so', async ( { browser } ) => {
	const v = await Visitor.open( browser );
	expect( v.config.privacy.text ).not.toContain( 'automated service' );
	await v.openChat();
	await expect( v.dialog.locator( '.cc-bot-notice' ) ).toHaveCount( 0 );
	await v.context.close();
} );

test( 'an administrator turns the bot on in the Assistant tab: a secret is made and shown, a blank name is refused at its field, saving tells the service; axe finds nothing', async ( { browser } ) => {
	const admin = await Rest.as( browser );
	const before = ( ( await ( await admin.get( '/wp/v2/settings' ) ).json() ) as Record< string, unknown > ).consent_chat_assistant;
	const context = await browser.newContext( { viewport: { width: 1400, height: 1000 } } );
	try {
		const page = await context.newPage();
		await logIn( page, ADMIN, `${ env.wpUrl }/wp-admin/options-general.php?page=consent-chat-settings&tab=assistant` );
		await page.getByLabel( 'Assistant for the whole site' ).selectOption( 'first' );
		await page.getByRole( 'checkbox', { name: 'Let our own bot answer instead of the built-in answers' } ).check();
		const secretField = page.getByLabel( /^Secret/ );
		const secret = await secretField.inputValue();
		expect( secret ).toMatch( /^[A-Za-z0-9_-]{43}$/ );
		await expect( secretField ).toHaveAttribute( 'readonly', '' );
		await page.getByLabel( 'Bot address (URL the chat service posts to)' ).fill( BOT.url );
		await page.getByLabel( 'Name shown to visitors (the service their messages go to)' ).fill( '   ' );
		const save = async () => {
			const answered = page.waitForResponse( ( r ) => r.url().includes( 'consent-chat/v1/settings' ) && r.request().method() === 'POST' );
			await page.getByRole( 'button', { name: 'Save settings' } ).click();
			return answered;
		};
		expect( ( await save() ).status() ).toBe( 400 );
		// At its field, tied to it for screen readers.
		await expect( page.locator( '#consent-chat-error-assistant-settings-bot-name' ) ).toHaveText( 'Enter the name visitors are shown: the service their messages go to.' );
		await expect( page.getByLabel( 'Name shown to visitors (the service their messages go to)' ) ).toHaveAttribute( 'aria-invalid', 'true' );
		await page.getByLabel( 'Name shown to visitors (the service their messages go to)' ).fill( NAME );
		expect( ( await save() ).status() ).toBe( 200 );
		// What WordPress keeps is what the screen showed, and the service has it in force.
		const kept = ( ( await ( await admin.get( '/wp/v2/settings' ) ).json() ) as { consent_chat_assistant: { settings: { bot: unknown } } } ).consent_chat_assistant.settings.bot;
		expect( kept ).toEqual( { url: BOT.url, name: NAME, secret, timeoutSeconds: 8 } );
		expect( await ( await fetch( `${ env.serviceUrl }/availability?site=demo` ) ).json() ).toMatchObject( { assistant: true, bot: NAME } );
		const axe = await new AxeBuilder( { page } ).include( '.consent-chat-settings__assistant' ).withTags( [ 'wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa' ] ).analyze();
		expect( axe.violations ).toEqual( [] );
	} finally {
		await context.close();
		const back = await admin.post( '/wp/v2/settings', { consent_chat_assistant: before } );
		expect( back.status(), await back.text() ).toBe( 200 );
		await admin.close();
	}
} );

test( 'a real bot answers the visitor in the browser: its Markdown formatted, its HTML shown as text and never run, its options offered', async ( { browser } ) => {
	const bot = await startTestBot( 'e2e-bot-secret-'.padEnd( 43, 'y' ) );
	try {
		await withBot( browser, async () => {
			const v = await Visitor.open( browser );
			const alerts = v.recordAlerts();
			await v.openChat();
			await v.startChat( 'Where is my parcel?' );
			// The bot was told the visitor's words, signed (the test bot checks every signature), with the chat's storage mode.
			const said = await bot.next( ( e ) => e.type === 'message' && e.message?.text === 'Where is my parcel?' );
			expect( said.chat.mode ).toMatch( /^(stored|ephemeral)$/ );
			expect( bot.badSignatures ).toBe( 0 );
			const hostile = 'Your parcel: <img src=x onerror="window.botXss=1;alert(1)"> <script>window.botXss=2</script> **ships today**';
			const reply = await bot.reply( env.serviceUrl, { site: 'demo', chatId: said.chat.id, text: hostile, options: [ 'Track it', 'Cancel it' ] } );
			expect( reply ).toEqual( { status: 200, body: { delivered: true } } );
			const answer = v.log.locator( '.cc-msg--assistant' ).last();
			await expect( answer.locator( 'strong' ) ).toHaveText( 'ships today' );
			await expect( answer ).toContainText( '<img src=x onerror="window.botXss=1;alert(1)">' );
			await expect( answer ).toContainText( '<script>window.botXss=2</script>' );
			await expect( v.dialog.locator( 'img, script' ) ).toHaveCount( 0 );
			expect( await v.page.evaluate( () => ( window as unknown as { botXss?: number } ).botXss ) ).toBeUndefined();
			expect( alerts ).toEqual( [] );
			// Its options, as buttons; the one picked goes back to the bot as the visitor's message.
			await v.dialog.getByRole( 'button', { name: 'Track it' } ).click();
			await bot.next( ( e ) => e.type === 'message' && e.message?.text === 'Track it' && e.chat.id === said.chat.id );
			await v.close();
		}, { ...BOT, url: bot.url, secret: bot.secret } );
	} finally {
		await bot.close();
	}
} );
