/**
 * What an officer or admin types is text wherever it reaches a browser. The
 * cookie banner's library renders its texts as HTML, so a privacy officer's
 * banner text was script on every visitor's page and in every admin's
 * session (stored XSS: an escalation from officer to administrator). Here a
 * privacy officer saves markup and entity-encoded markup in every banner
 * text; a visitor and an administrator open the site: nothing runs, no
 * element is made, and each text shows exactly as typed.
 *
 * The PHP side: the stored value is what was typed (less what cannot be
 * text), and the JSON in the page's attribute reads back to exactly that.
 */
import { expect, test, type Page } from '@playwright/test';
import type { BannerTexts } from '../../client/contract';
import { env, logIn } from './env';
import { jsonOut, withFreshSite } from './fresh-site';
import { ADMIN, Rest } from './rest';
import { bannerConfig } from './visitor';

/** One payload per banner text: raw markup, entity-encoded markup, numeric entities, a placeholder of the library. */
function payloads(): BannerTexts {
	const run = ( key: string ): string => `window.__xss=(window.__xss||[]).concat('${ key }')`;
	return {
		title: `<img src=x onerror="${ run( 'title' ) }"> Title`,
		description: `&lt;img src=x onerror=${ run( 'description' ) }&gt; and <script>${ run( 'description-script' ) }</script>\nSecond line & "quotes" 'too'`,
		acceptAll: `&#60;svg onload=${ run( 'acceptAll' ) }&#62; Yes`,
		rejectAll: `<b onmouseover=alert(1)>No</b>`,
		preferences: `{{revisionMessage}} <u>Choose</u>`,
		preferencesTitle: `<iframe srcdoc="<script>${ run( 'preferencesTitle' ) }</script>"></iframe> Settings`,
		save: `&amp;lt;i&amp;gt; Save`,
		close: `Close " onfocus="${ run( 'close' ) }`,
		categoryLabel: `<details open ontoggle="${ run( 'categoryLabel' ) }">Tracking</details>`,
		categoryDescription: `<a href="javascript:${ run( 'categoryDescription' ) }">link</a>`,
		gpc: `<img src=x onerror=alert(2)> GPC`,
		gpcOk: `&lt;b&gt;OK&lt;/b&gt;`,
	};
}

/** Neither script nor markup of ours in the banner: only cookieconsent's own elements and icons. */
async function assertInert( page: Page, dialogs: string[] ): Promise< void > {
	expect( await page.evaluate( () => ( window as unknown as { __xss?: string[] } ).__xss ?? [] ) ).toEqual( [] );
	expect( dialogs ).toEqual( [] );
	const foreign = await page.evaluate( () =>
		[ ...document.querySelectorAll( '#cc-main *' ) ]
			.filter( ( el ) => [ 'IMG', 'SCRIPT', 'IFRAME', 'DETAILS', 'B', 'U', 'A' ].includes( el.tagName ) || [ ...el.attributes ].some( ( a ) => a.name.startsWith( 'on' ) ) )
			.map( ( el ) => el.outerHTML.slice( 0, 80 ) )
	);
	expect( foreign ).toEqual( [] );
}

test( 'a privacy officer’s banner texts run nothing for a visitor or an admin, and show exactly as typed', async ( { browser } ) => {
	test.setTimeout( 240_000 );
	const admin = await Rest.as( browser );
	const before = ( ( await ( await admin.get( '/wp/v2/settings' ) ).json() ) as { consent_chat_texts: Record< string, Record< string, unknown > > } ).consent_chat_texts;
	const login = `officer-${ Math.random().toString( 36 ).slice( 2, 8 ) }`;
	const officerUser = { login, password: `pw-${ login }-Secret!` };
	const created = await admin.post( '/wp/v2/users', { username: login, password: officerUser.password, email: `${ login }@example.org`, name: 'Xena Officer', roles: [ 'consent_chat_privacy_officer' ] } );
	expect( created.status(), await created.text() ).toBe( 201 );
	const typed = payloads();
	try {
		const officer = await Rest.as( browser, officerUser );
		const texts = ( ( await ( await officer.get( '/consent-chat/v1/settings' ) ).json() ) as { texts: Record< string, Record< string, unknown > > } ).texts;
		const saved = await officer.post( '/consent-chat/v1/settings', { texts: { ...texts, en_US: { ...texts.en_US, banner: typed } } } );
		expect( saved.status(), await saved.text() ).toBe( 200 );
		await officer.close();
		// Stored as typed: what the settings screen reads back is what was sent.
		const stored = ( ( await ( await admin.get( '/wp/v2/settings' ) ).json() ) as { consent_chat_texts: Record< string, { banner: BannerTexts } > } ).consent_chat_texts;
		expect( stored.en_US.banner ).toEqual( typed );

		const visitorContext = await browser.newContext();
		const adminContext = await browser.newContext();
		const adminPage = await adminContext.newPage();
		await logIn( adminPage, ADMIN, `${ env.wpUrl }/wp-admin/` );
		for ( const page of [ await visitorContext.newPage(), adminPage ] ) {
			const dialogs: string[] = [];
			page.on( 'dialog', ( d ) => {
				dialogs.push( d.message() );
				void d.dismiss();
			} );
			await page.goto( env.demoUrl );
			// The page hands the banner exactly the typed strings (no entity decoded into markup on the way).
			expect( ( await bannerConfig( page ) ).texts ).toEqual( typed );

			const bar = page.locator( '#cc-main .cm' );
			await expect( bar ).toBeVisible();
			await expect( bar.locator( '.cm__title' ) ).toHaveText( typed.title );
			expect( await bar.locator( '.cm__desc' ).innerText() ).toBe( typed.description );
			await expect( bar.getByRole( 'button', { name: typed.acceptAll, exact: true } ) ).toBeVisible();
			await expect( bar.getByRole( 'button', { name: typed.rejectAll, exact: true } ) ).toBeVisible();
			await bar.getByRole( 'button', { name: typed.preferences, exact: true } ).click();

			const prefs = page.locator( '#cc-main .pm' );
			await expect( prefs ).toBeVisible();
			await expect( prefs.locator( '.pm__title' ) ).toHaveText( typed.preferencesTitle );
			await expect( prefs.locator( '.pm__section-title' ).first() ).toHaveText( typed.categoryLabel );
			await expect( prefs.getByRole( 'checkbox', { name: typed.categoryLabel, exact: true } ) ).toHaveCount( 1 );
			await expect( prefs.getByText( typed.categoryDescription, { exact: true } ) ).toHaveCount( 1 );
			await expect( prefs.getByRole( 'button', { name: typed.save, exact: true } ) ).toBeVisible();
			await expect( prefs.getByRole( 'button', { name: typed.close, exact: true } ) ).toBeVisible();
			// Hovering and focusing what would have carried handlers runs nothing either.
			await prefs.getByRole( 'button', { name: typed.close, exact: true } ).focus();
			await prefs.getByRole( 'button', { name: typed.rejectAll, exact: true } ).hover();
			await assertInert( page, dialogs );
			await prefs.getByRole( 'button', { name: typed.rejectAll, exact: true } ).click();
			await expect( prefs ).toBeHidden();
			await assertInert( page, dialogs );
		}
		await visitorContext.close();
		await adminContext.close();
	} finally {
		expect( ( await admin.post( '/wp/v2/settings', { consent_chat_texts: before } ) ).status() ).toBe( 200 );
		await admin.close();
	}
} );

test( 'PHP: a typed text is stored as typed, and the page’s JSON attribute reads back to exactly it', async () => {
	test.setTimeout( 180_000 );
	await withFreshSite( 'plain-text', async ( site ) => {
		const typed = payloads();
		const code = `<?php
require './wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
activate_plugin( 'consent-chat/plugin.php' );
// Activated in this request, after init: register the settings (and their sanitising) as init would have.
ConsentChat\\Settings::register();
$typed = json_decode( base64_decode( '${ Buffer.from( JSON.stringify( typed ) ).toString( 'base64' ) }' ), true );
$texts = ConsentChat\\Defaults::texts();
$texts['en_US']['banner']  = $typed;
$texts['en_US']['consent'] = "I agree to <b>this</b> &amp; that\\r\\nand the next\\x07 line";
$texts['en_US']['greeting'] = array( 'text' => "Hi <there>\\n&lt;you&gt;", 'delay' => 3 );
update_option( 'consent_chat_texts', $texts );
$stored = get_option( 'consent_chat_texts' )['en_US'];
$attr   = ConsentChat\\Plain_Text::json_attr( $stored['banner'] );
echo json_encode( array(
	'banner'   => $stored['banner'],
	'consent'  => $stored['consent'],
	'greeting' => $stored['greeting']['text'],
	'attr'     => $attr,
	'decoded'  => json_decode( html_entity_decode( $attr, ENT_QUOTES | ENT_HTML5, 'UTF-8' ), true ),
) );
`;
		const result = await site.php( code );
		expect( result.exitCode, result.stderr ).toBe( 0 );
		const out = jsonOut< { banner: BannerTexts; consent: string; greeting: string; attr: string; decoded: BannerTexts } >( result.stdout );
		expect( out.banner ).toEqual( typed );
		// Kept as typed, less a control character; Windows line ends become "\n".
		expect( out.consent ).toBe( 'I agree to <b>this</b> &amp; that\nand the next line' );
		// A one-line text: the line break is a space.
		expect( out.greeting ).toBe( 'Hi <there> &lt;you&gt;' );
		// The attribute holds no markup and no entity but the quotes esc_attr() makes; a browser reads back the typed strings.
		expect( out.attr ).not.toMatch( /[<>']|&(?!quot;)/ );
		expect( out.decoded ).toEqual( typed );
	} );
} );
