/**
 * WCAG 2.1 AA, checked by axe-core in real Chromium on each state a visitor
 * meets: the launcher, the start window (with the privacy flyout open too),
 * the running chat and the offline contact form. Only our own markup is
 * scanned: the theme around it is not ours to fix.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { AgentBot } from './agent-bot';
import { Visitor } from './visitor';

const WCAG = [ 'wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa' ];

async function violations( page: Page ): Promise< string[] > {
	const result = await new AxeBuilder( { page } ).include( '[data-consent-chat]' ).withTags( WCAG ).analyze();
	return result.violations.map( ( v ) => `${ v.id }: ${ v.nodes.map( ( n ) => n.target.join( ' ' ) ).join( ', ' ) }` );
}

test( 'launcher, contact form: no axe violations', async ( { browser } ) => {
	const v = await Visitor.open( browser );
	await expect( v.launcher ).toBeVisible();
	expect( await violations( v.page ) ).toEqual( [] );

	// Nobody is online in this test: the window offers the contact form.
	await v.openChat();
	await expect( v.dialog.getByText( v.s.contactIntro ) ).toBeVisible();
	await v.dialog.getByRole( 'button', { name: v.s.contactSend } ).click();
	// With its error messages showing, too.
	await expect( v.dialog.locator( '.cc-error:not([hidden])' ).first() ).toBeVisible();
	expect( await violations( v.page ) ).toEqual( [] );
	await v.close();
} );

test( 'start window, privacy flyout and running chat: no axe violations', async ( { browser } ) => {
	const bot = await AgentBot.connect( browser );
	const v = await Visitor.open( browser );
	await v.openChat();
	await expect( v.dialog.getByRole( 'button', { name: v.s.start } ) ).toBeVisible();
	expect( await violations( v.page ) ).toEqual( [] );

	await v.dialog.getByRole( 'button', { name: v.s.privacyInfo } ).click();
	await expect( v.dialog.getByRole( 'region', { name: v.s.privacyInfo } ) ).toBeVisible();
	expect( await violations( v.page ) ).toEqual( [] );
	await v.page.keyboard.press( 'Escape' );

	const text = `Accessible? ${ Date.now() }`;
	await v.startChat( text );
	const chatId = await bot.chatWith( text );
	bot.say( chatId, 'Pick one, **please**:', [ 'Yes', 'No' ] );
	await expect( v.dialog.getByRole( 'group', { name: v.s.chooseOption } ) ).toBeVisible();
	expect( await violations( v.page ) ).toEqual( [] );
	await v.close();
	await bot.close();
} );
