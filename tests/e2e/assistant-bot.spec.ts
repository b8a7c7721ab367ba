/**
 * A site's own bot, configured through WordPress (the assistant option, as
 * the Assistant tab saves it; WordPress pushes it to the real service): the
 * demo page's start window names the service the messages go to, in English
 * and German, and the privacy flyout carries WordPress's automatic sentence
 * naming it. The bot's round trip and failures are the service's
 * (tests/integration/assistant-bot.test.ts). Puts back what it changed.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser } from '@playwright/test';
import { env } from './env';
import { Rest } from './rest';
import { Visitor } from './visitor';

const NAME = 'Acme Helpdesk';
const BOT = { url: 'http://127.0.0.1:9/events', name: NAME, secret: 'e2e-secret-'.padEnd( 43, 'x' ), timeoutSeconds: 5 };

async function withBot( browser: Browser, run: () => Promise< void > ): Promise< void > {
	const admin = await Rest.as( browser );
	const before = ( ( await ( await admin.get( '/wp/v2/settings' ) ).json() ) as Record< string, unknown > ).consent_chat_assistant;
	const put = await admin.post( '/wp/v2/settings', { consent_chat_assistant: { settings: { mode: 'first', departments: {}, handoverAfter: 2, bot: BOT }, content: { locales: {} } } } );
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
