/**
 * The plugin's German reaches the browser: an admin whose requests are in
 * de_DE (the cookie cc_e2e_locale=de_DE, read by the fixture
 * tests/e2e/fixtures/mu-plugins/consent-chat-locale.php) sees the settings
 * screen, the agent console, the statistics and the Chat block's sidebar in
 * German. Those are React scripts: their strings come from the JSON files
 * `npm run build` makes from languages/consent-chat-de_DE.po, which
 * wp_set_script_translations() prints before each script. WordPress itself
 * has no German on the test site, so its own labels stay English.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { draftPageForEditor, editorCanvas } from './editor';
import { env, logIn } from './env';
import { ADMIN, Rest } from './rest';

test.describe.configure( { timeout: 150_000 } );

/** A fresh browser context whose requests ask for German, logged in as the admin at `url`. */
async function germanAdmin( browser: Browser, url: string ): Promise< Page > {
	const context = await browser.newContext( { viewport: { width: 1400, height: 1000 } } );
	await context.addCookies( [ { name: 'cc_e2e_locale', value: 'de_DE', url: env.wpUrl } ] );
	const page = await context.newPage();
	await logIn( page, ADMIN, url );
	return page;
}

/** The inline script wp_set_script_translations() prints, with the JSON's strings, before the script `handle`. */
async function expectScriptTranslations( page: Page, handle: string, german: string ): Promise< void > {
	const printed = page.locator( `script#${ handle }-js-translations` );
	await expect( printed ).toHaveCount( 1 );
	expect( await printed.textContent() ).toContain( JSON.stringify( german ).slice( 1, -1 ) );
}

test( 'Settings → Consent Chat is in German, every tab', async ( { browser } ) => {
	const page = await germanAdmin( browser, `${ env.wpUrl }/wp-admin/options-general.php?page=consent-chat-settings` );
	// The page's title is PHP (the .mo), the tabs and buttons are the script's (the JSON).
	await expect( page.getByRole( 'heading', { name: 'Consent-Chat-Einstellungen', level: 1 } ) ).toBeVisible();
	await expect( page.getByRole( 'tab' ) ).toHaveText( [ 'Verbindung', 'Darstellung', 'Datenschutz & Einwilligung', 'Abteilungen & Mitarbeitende', 'Assistent', 'Einbetten' ] );
	await expect( page.getByRole( 'button', { name: 'Einstellungen speichern' } ) ).toBeVisible();
	await expectScriptTranslations( page, 'consent-chat-settings', 'Datenschutz & Einwilligung' );

	await page.getByRole( 'tab', { name: 'Datenschutz & Einwilligung' } ).click();
	await expect( page.getByRole( 'heading', { name: 'Datenschutzhinweise' } ) ).toBeVisible();
	// WordPress 7.1's RadioControl is a fieldset with role="radiogroup"; 6.8's a plain fieldset (a group).
	const linkChoice = page.getByRole( 'radiogroup', { name: 'Der §-Link im Chatfenster' } ).or( page.getByRole( 'group', { name: 'Der §-Link im Chatfenster' } ) );
	await expect( linkChoice.getByRole( 'radio', { name: 'öffnet die Datenschutzseite in einem neuen Tab' } ) ).toBeVisible();
	await page.getByRole( 'tab', { name: 'Abteilungen & Mitarbeitende' } ).click();
	await expect( page.getByRole( 'button', { name: 'Abteilung hinzufügen' } ) ).toBeVisible();
	// A string the Embed tab shares with PHP: it must be in the script's JSON, too.
	await page.getByRole( 'tab', { name: 'Einbetten' } ).click();
	await expect( page.getByRole( 'heading', { name: 'Einbettungscode für Seiten außerhalb von WordPress' } ) ).toBeVisible();
	await page.context().close();
} );

test( 'Live chat (the agent console) is in German', async ( { browser } ) => {
	const page = await germanAdmin( browser, env.consoleUrl );
	// The menu is PHP; the console is the script.
	await expect( page.locator( '#toplevel_page_consent-chat .wp-menu-name' ) ).toHaveText( 'Live-Chat' );
	// Enabled once the service has welcomed the console ("Online" is the same word in German).
	await expect( page.getByRole( 'checkbox', { name: 'Online' } ) ).toBeEnabled();
	await expect( page.getByRole( 'checkbox', { name: 'Bei neuen Chats benachrichtigen' } ) ).toBeVisible();
	await expect( page.getByRole( 'checkbox', { name: 'Alle Abteilungen' } ) ).toBeVisible();
	await expect( page.getByRole( 'heading', { name: /^Warteschlange/ } ) ).toBeVisible();
	await expect( page.getByRole( 'region', { name: 'Offene Chats' } ) ).toBeVisible();
	await expect( page.getByText( 'Alert me of new chats' ) ).toHaveCount( 0 );
	await expectScriptTranslations( page, 'consent-chat-console', 'Bei neuen Chats benachrichtigen' );
	await page.context().close();
} );

test( 'Live chat → Statistics is in German', async ( { browser } ) => {
	const page = await germanAdmin( browser, `${ env.wpUrl }/wp-admin/admin.php?page=consent-chat-stats` );
	await expect( page.getByRole( 'heading', { name: 'Chat-Statistik', level: 1 } ) ).toBeVisible();
	await expect( page.getByRole( 'combobox', { name: 'Zeitraum' } ) ).toBeVisible();
	await page.getByRole( 'checkbox', { name: 'Zahlen der Diagramme als Tabellen anzeigen' } ).check();
	await expect( page.getByRole( 'table', { name: 'Chats pro Tag' } ) ).toBeVisible();
	await expect( page.getByRole( 'table', { name: 'Besuche nach Seite' } ) ).toHaveCount( 1 );
	await expect( page.getByRole( 'term' ).getByText( 'Nachrichten von Besuchern', { exact: true } ) ).toBeVisible();
	await expectScriptTranslations( page, 'consent-chat-stats', 'Chats pro Tag' );
	await page.context().close();
} );

test( 'the Chat block’s sidebar and preview in the block editor are in German', async ( { browser } ) => {
	// A draft page, and no welcome guide or pattern chooser in the way (editor.ts).
	const rest = await Rest.as( browser );
	const id = await draftPageForEditor( rest, 'Deutsch im Editor' );
	await rest.close();

	const page = await germanAdmin( browser, `${ env.wpUrl }/wp-admin/post.php?post=${ id }&action=edit` );
	const canvas = await editorCanvas( page );
	await expect( canvas.getByRole( 'textbox', { name: 'Add title' } ) ).toHaveText( 'Deutsch im Editor' );

	// The editor itself stays English (no German WordPress here); the block is inserted and selected.
	const inserter = page.getByRole( 'button', { name: /^(Block Inserter|Toggle block inserter)$/ } );
	await inserter.click();
	await page.getByRole( 'searchbox', { name: /Search/ } ).fill( 'Consent Chat' );
	await page.getByRole( 'option', { name: 'Consent Chat' } ).click();
	await inserter.click();
	const block = canvas.locator( '[data-type="consent-chat/chat"]' );
	const note = block.locator( '.consent-chat-preview__note' );
	await expect( note ).toHaveText( /^Besucher sehen diesen Chat-Button unten (rechts|links) auf der Seite\. Chats gehen an alle Mitarbeitenden\.$/ );

	const settings = page.getByRole( 'region', { name: 'Editor settings' } );
	if ( ! ( await settings.isVisible() ) ) await page.getByRole( 'button', { name: 'Settings', exact: true } ).click();
	await expect( settings.getByLabel( 'Abteilung' ) ).toBeVisible();
	await expect( settings.getByLabel( 'Darstellung' ) ).toBeVisible();
	await expect( settings.getByLabel( 'Direkt starten' ) ).toBeVisible();
	await expect( settings.getByLabel( 'Begrüßung auf dieser Seite' ) ).toBeVisible();
	await expect( settings.getByText( 'Department', { exact: true } ) ).toHaveCount( 0 );

	// A translation with a plural form: the greeting's delay note follows the number.
	await settings.getByLabel( 'Begrüßung auf dieser Seite' ).fill( 'Fragen? Wir sind für Sie da.' );
	const delay = settings.getByLabel( 'Verzögerung der Begrüßung (Sekunden)' );
	await delay.fill( '1' );
	await expect( note ).toContainText( 'Die Begrüßung erscheint nach 1 Sekunde.' );
	await delay.fill( '3' );
	await expect( note ).toContainText( 'Die Begrüßung erscheint nach 3 Sekunden.' );
	await expectScriptTranslations( page, 'consent-chat-chat-editor-script', 'Begrüßung auf dieser Seite' );
	await page.context().close();
} );
