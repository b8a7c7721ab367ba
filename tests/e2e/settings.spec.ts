/**
 * Settings → Consent Chat, used as admins and privacy officers use it, in
 * real Chromium against the real WordPress and service: an admin's changes
 * reach the visitors' page and the service; a refused submission shows its
 * message next to the field and saves nothing; a privacy officer edits the
 * consent texts and nothing else; the connection test; departments and
 * agents end up in the agent's token. Every test puts back what it changed,
 * because the other specs share this WordPress.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { siteToken } from './agent-bot';
import { AGENT, env, logIn } from './env';
import { ADMIN, Rest } from './rest';

test.describe.configure( { timeout: 150_000 } );

const SETTINGS = `${ env.wpUrl }/wp-admin/options-general.php?page=consent-chat-settings`;
const OPTIONS = [ 'consent_chat_texts', 'consent_chat_storage', 'consent_chat_appearance', 'consent_chat_departments', 'consent_chat_sitewide' ] as const;

type Saved = Record< ( typeof OPTIONS )[ number ], unknown >;

/** The options as they are, to put back afterwards through /wp/v2/settings. */
async function snapshot( admin: Rest ): Promise< Saved > {
	const all = ( await ( await admin.get( '/wp/v2/settings' ) ).json() ) as Record< string, unknown >;
	return Object.fromEntries( OPTIONS.map( ( o ) => [ o, all[ o ] ] ) ) as Saved;
}

async function restore( admin: Rest, saved: Saved ): Promise< void > {
	const res = await admin.post( '/wp/v2/settings', saved );
	expect( res.status(), await res.text() ).toBe( 200 );
}

async function service( path: string ): Promise< Record< string, unknown > > {
	const res = await fetch( `${ env.serviceUrl }${ path }`, { headers: { authorization: `Bearer ${ siteToken() }` } } );
	expect( res.status ).toBe( 200 );
	return ( await res.json() ) as Record< string, unknown >;
}

async function openSettings( browser: Browser, user: { login: string; password: string } = ADMIN, tab = '' ): Promise< Page > {
	const page = await ( await browser.newContext() ).newPage();
	await logIn( page, user, SETTINGS + ( tab ? `&tab=${ tab }` : '' ) );
	await expect( page.getByRole( 'button', { name: 'Save settings' } ) ).toBeVisible();
	return page;
}

/** For the README, when CC_SCREENSHOTS is set: the top of the screen, as an admin sees it. */
async function screenshot( page: Page, name: string ): Promise< void > {
	if ( ! process.env.CC_SCREENSHOTS ) return;
	const file = join( __dirname, `../../docs/screenshots/${ name }.png` );
	mkdirSync( dirname( file ), { recursive: true } );
	await page.setViewportSize( { width: 1280, height: 1000 } );
	await page.evaluate( () => window.scrollTo( 0, 0 ) );
	await page.screenshot( { path: file } );
}

async function save( page: Page ): Promise< void > {
	const answered = page.waitForResponse( ( r ) => r.url().includes( 'consent-chat/v1/settings' ) && r.request().method() === 'POST' );
	await page.getByRole( 'button', { name: 'Save settings' } ).click();
	await answered;
}

test( 'an admin changes appearance, greeting, consent text and storage; the visitors’ page and the service follow', async ( { browser } ) => {
	const admin = await Rest.as( browser );
	const before = await snapshot( admin );
	const policyBefore = await service( '/admin/policy' );
	try {
		const page = await openSettings( browser, ADMIN, 'appearance' );
		await page.getByLabel( 'Accent colour (#rrggbb)' ).fill( '#0b6e4f' );
		await page.getByRole( 'radio', { name: 'Bottom left' } ).check();
		await page.getByRole( 'checkbox', { name: 'Show the chat on every page (site-wide launcher)' } ).check();
		await page.getByLabel( 'Language', { exact: true } ).selectOption( 'en_US' );
		await page.getByRole( 'checkbox', { name: 'Show a greeting beside the launcher' } ).check();
		await page.getByLabel( 'Greeting text' ).fill( 'Questions about your order?' );
		await page.getByLabel( 'Show it after (seconds)' ).fill( '0' );
		// The preview follows as the admin types.
		const preview = page.locator( '.consent-chat-settings__preview' );
		await expect( preview.locator( '.cc-greeting__text' ) ).toHaveText( 'Questions about your order?' );
		await expect( preview.locator( '.cc-launcher' ) ).toHaveClass( /cc-launcher--left/ );
		await expect( preview.locator( '.cc-launcher' ) ).toHaveCSS( 'background-color', 'rgb(11, 110, 79)' );
		await screenshot( page, 'settings-appearance' );

		await page.getByRole( 'tab', { name: 'Privacy & consent' } ).click();
		await page.getByLabel( /Text of the checkbox visitors must tick/ ).fill( 'I agree that my messages are used to answer me (v2).' );
		await page.getByRole( 'tab', { name: 'Connection' } ).click();
		await page.getByRole( 'radio', { name: /^Not stored/ } ).check();
		await save( page );
		await expect( page.locator( '#consent-chat-settings' ).getByText( 'Settings saved.' ) ).toBeVisible();

		// The visitors' page: colour, corner, greeting and consent text, as saved.
		const visitor = await ( await browser.newContext() ).newPage();
		await visitor.goto( env.demoUrl );
		const launcher = visitor.locator( '.cc-launcher' );
		await expect( launcher ).toHaveClass( /cc-launcher--left/ );
		await expect( launcher ).toHaveCSS( 'background-color', 'rgb(11, 110, 79)' );
		await expect( visitor.locator( '.cc-greeting' ) ).toContainText( 'Questions about your order?' );
		const config = JSON.parse( ( await visitor.locator( '[data-consent-chat]' ).first().getAttribute( 'data-consent-chat' ) )! ) as {
			consent: { text: string } | null;
			storage: { defaultMode: string };
		};
		expect( config.consent?.text ).toBe( 'I agree that my messages are used to answer me (v2).' );
		expect( config.storage.defaultMode ).toBe( 'ephemeral' );
		// Site-wide: a page without the block has the launcher too, once; the demo page (with the block) still has one.
		await expect( visitor.locator( '.cc-launcher' ) ).toHaveCount( 1 );
		await visitor.goto( `${ env.wpUrl }/?p=1` );
		await expect( visitor.locator( '.cc-launcher' ) ).toHaveCount( 1 );
		await expect( visitor.locator( '.cc-launcher' ) ).toHaveClass( /cc-launcher--left/ );
		await visitor.context().close();

		// The service was told: new chats are not stored.
		expect( await service( '/admin/policy' ) ).toMatchObject( { defaultMode: 'ephemeral' } );
		// The new consent text got a version of its own, kept with the old one.
		const versions = ( await ( await admin.get( '/consent-chat/v1/text-versions' ) ).json() ) as Record< string, { text: string } >;
		expect( Object.values( versions ).map( ( v ) => v.text ) ).toContain( 'I agree that my messages are used to answer me (v2).' );
		await page.context().close();
	} finally {
		await restore( admin, before );
		expect( await service( '/admin/policy' ) ).toEqual( policyBefore );
		await admin.close();
	}
} );

test( 'bad input is refused next to its field and nothing of the submission is saved', async ( { browser } ) => {
	const admin = await Rest.as( browser );
	const before = await snapshot( admin );
	try {
		const page = await openSettings( browser, ADMIN, 'appearance' );
		await page.getByLabel( 'Accent colour (#rrggbb)' ).fill( '#123456' );
		await page.getByRole( 'tab', { name: 'Privacy & consent' } ).click();
		await page.getByRole( 'radio', { name: 'opens the privacy page in a new tab' } ).check();
		const url = page.getByLabel( 'Address of the privacy page' );
		await url.fill( 'javascript:alert(1)' );
		// A contact field without a label, and two fields with one id.
		const contact = page.getByRole( 'group', { name: 'Contact form (when no agent is online)' } );
		await contact.getByRole( 'button', { name: 'Add field' } ).click();
		const ids = contact.getByLabel( 'Id' );
		await ids.last().fill( 'email' );
		await save( page );

		await expect( page.getByRole( 'alert' ).or( page.locator( '.components-notice.is-error' ) ).first() ).toContainText( 'Nothing was saved' );
		await expect( url ).toHaveAttribute( 'aria-invalid', 'true' );
		const urlError = page.locator( `#${ ( await url.getAttribute( 'aria-describedby' ) )! }` );
		await expect( urlError ).toHaveText( 'Enter the full address of your privacy page, starting with https://.' );
		await expect( contact.getByText( 'Every field needs a label.' ) ).toBeVisible();
		await expect( contact.getByText( 'Another field already has the id “email”.' ) ).toBeVisible();
		await expect( page.getByRole( 'tab', { name: /Privacy & consent \(3\)/ } ) ).toBeVisible();

		// Nothing saved: not the bad texts, and not the valid colour sent with them.
		expect( await snapshot( admin ) ).toEqual( before );

		// Correcting the fields makes the messages go and the save go through.
		await url.fill( 'https://example.org/privacy' );
		await contact.getByRole( 'button', { name: /^Remove email$/ } ).last().click();
		await save( page );
		await expect( page.locator( '#consent-chat-settings' ).getByText( 'Settings saved.' ) ).toBeVisible();
		await expect( url ).not.toHaveAttribute( 'aria-invalid', 'true' );
		const after = ( await snapshot( admin ) ) as { consent_chat_appearance: { accent: string }; consent_chat_texts: Record< string, { privacy: { url: string } } > };
		expect( after.consent_chat_appearance.accent ).toBe( '#123456' );
		expect( Object.values( after.consent_chat_texts ).some( ( l ) => l.privacy.url === 'https://example.org/privacy' ) ).toBe( true );
		await page.context().close();

		// The REST route refuses malformed sections the screen could never send.
		for ( const body of [
			{ texts: [ 'not', 'per', 'language' ] },
			{ texts: { 'xx-bad': {} } },
			{ departments: [ { id: 'a b', name: '' } ] },
			{ storage: { retentionDays: 0 } },
			{ connection: { serviceUrl: 'http://not-a-websocket.example' } },
			{ appearance: { accent: 'red' } },
			{},
		] ) {
			const res = await admin.post( '/consent-chat/v1/settings', body );
			expect( res.status(), JSON.stringify( body ) ).toBe( 400 );
			expect( ( ( await res.json() ) as { message: string } ).message ).toBeTruthy();
		}
		expect( await snapshot( admin ) ).toMatchObject( { consent_chat_storage: ( after as unknown as Saved ).consent_chat_storage } );
	} finally {
		await restore( admin, before );
		await admin.close();
	}
} );

test( 'a privacy officer edits the consent texts, and only those', async ( { browser } ) => {
	const admin = await Rest.as( browser );
	const before = await snapshot( admin );
	const login = `officer-${ Math.random().toString( 36 ).slice( 2, 8 ) }`;
	const officer = { login, password: `pw-${ login }-Secret!` };
	const created = await admin.post( '/wp/v2/users', { username: login, password: officer.password, email: `${ login }@example.org`, name: 'Pia Privacy', roles: [ 'consent_chat_privacy_officer' ] } );
	expect( created.status(), await created.text() ).toBe( 201 );
	try {
		// The officer's way in: from Chat privacy.
		const page = await ( await browser.newContext() ).newPage();
		await logIn( page, officer, `${ env.wpUrl }/wp-admin/admin.php?page=consent-chat-privacy` );
		await page.getByRole( 'link', { name: 'Edit privacy and consent texts' } ).click();
		await expect( page.getByRole( 'button', { name: 'Save settings' } ) ).toBeVisible();
		await expect( page.getByRole( 'tab' ) ).toHaveText( [ 'Privacy & consent' ] );
		await page.getByLabel( 'Language', { exact: true } ).selectOption( 'de_DE' );
		await page.getByLabel( /Text of the checkbox visitors must tick/ ).fill( 'Ich bin einverstanden (Fassung der Datenschutzbeauftragten).' );
		await page.getByLabel( /Delete stored chats this many days/ ).fill( '14' );
		await screenshot( page, 'settings-privacy' );
		await save( page );
		await expect( page.locator( '#consent-chat-settings' ).getByText( 'Settings saved.' ) ).toBeVisible();
		const saved = ( await snapshot( admin ) ) as { consent_chat_texts: Record< string, { consent: string } >; consent_chat_storage: { retentionDays: number } };
		expect( saved.consent_chat_texts.de_DE.consent ).toBe( 'Ich bin einverstanden (Fassung der Datenschutzbeauftragten).' );
		expect( saved.consent_chat_storage.retentionDays ).toBe( 14 );
		expect( await service( '/admin/policy' ) ).toMatchObject( { retentionDays: 14 } );

		// The officer's REST access: no connection or appearance data, and no way to change them.
		const rest = await Rest.as( browser, officer );
		const data = ( await ( await rest.get( '/consent-chat/v1/settings' ) ).json() ) as Record< string, unknown >;
		expect( data ).not.toHaveProperty( 'connection' );
		expect( data ).not.toHaveProperty( 'appearance' );
		for ( const body of [ { appearance: { accent: '#000000', position: 'left' } }, { storage: { defaultMode: 'ephemeral' } }, { departments: [] } ] ) {
			const res = await rest.post( '/consent-chat/v1/settings', body );
			expect( res.status(), JSON.stringify( body ) ).toBe( 403 );
		}
		// The greeting is appearance: an officer's submission cannot change it.
		const texts = saved.consent_chat_texts as Record< string, Record< string, unknown > >;
		const withGreeting = { ...texts, en_US: { ...texts.en_US, greeting: { text: 'Officer greeting', delay: 1 } } };
		expect( ( await rest.post( '/consent-chat/v1/settings', { texts: withGreeting } ) ).status() ).toBe( 200 );
		const after = ( await snapshot( admin ) ) as { consent_chat_texts: Record< string, { greeting: unknown } > };
		expect( after.consent_chat_texts.en_US.greeting ).toEqual( texts.en_US.greeting ?? null );
		for ( const route of [ '/consent-chat/v1/agents', '/wp/v2/settings' ] ) {
			expect( ( await rest.get( route ) ).status(), route ).toBe( 403 );
		}
		expect( ( await rest.post( '/consent-chat/v1/settings/test-connection', {} ) ).status() ).toBe( 403 );
		await rest.close();
		await page.context().close();
	} finally {
		await restore( admin, before );
		await admin.close();
	}
} );

test( 'the connection test, and the secret that never comes back', async ( { browser } ) => {
	const admin = await Rest.as( browser );
	const page = await openSettings( browser, ADMIN, 'connection' );
	await page.getByRole( 'button', { name: 'Test connection' } ).click();
	await expect( page.locator( '#consent-chat-settings' ).getByText( /^Connected in \d+ ms as site “demo”/ ) ).toBeVisible();
	await screenshot( page, 'settings-connection' );

	// An unsaved wrong secret is tested as typed, and refused by the service.
	await page.getByLabel( 'Shared secret' ).fill( 'w'.repeat( 40 ) );
	await page.getByRole( 'button', { name: 'Test connection' } ).click();
	await expect( page.locator( '#consent-chat-settings' ).getByText( /does not accept this site id and secret/ ) ).toBeVisible();
	// A service that is not there.
	await page.getByLabel( 'Shared secret' ).fill( '' );
	await page.getByLabel( 'Service address' ).fill( 'ws://127.0.0.1:9/ws' );
	await page.getByRole( 'button', { name: 'Test connection' } ).click();
	await expect( page.locator( '#consent-chat-settings' ).getByText( /could not be reached/ ) ).toBeVisible();
	await page.context().close();

	const secret = ( await import( 'node:fs' ) ).readFileSync( join( process.env.CC_DATA_DIR!, 'shared-secret' ), 'utf8' ).trim();
	const body = await ( await admin.get( '/consent-chat/v1/settings' ) ).text();
	expect( body ).not.toContain( secret );
	expect( JSON.parse( body ).connection ).toMatchObject( { secretSet: true, siteId: 'demo' } );
	const wpSettings = await ( await admin.get( '/wp/v2/settings' ) ).text();
	expect( wpSettings ).not.toContain( secret );
	const bad = await admin.post( '/consent-chat/v1/settings', { connection: { secret: 'short' } } );
	expect( bad.status() ).toBe( 400 );
	expect( ( await bad.json() ).data.errors[ 0 ] ).toMatchObject( { field: 'connection.secret' } );
	await admin.close();
} );

test( 'departments and agents: a department given to the agent is in the agent’s token, and its open console follows at once', async ( { browser } ) => {
	const admin = await Rest.as( browser );
	const before = await snapshot( admin );
	const agents = ( await ( await admin.get( '/consent-chat/v1/agents' ) ).json() ) as Array< { id: number; login: string } >;
	const agent = agents.find( ( a ) => a.login === AGENT.login )!;
	// The agent's console is open all along, serving every department.
	const open = await ( await browser.newContext() ).newPage();
	await logIn( open, AGENT, env.consoleUrl );
	await expect( open.getByRole( 'checkbox', { name: 'All departments' } ) ).toBeEnabled();
	try {
		const page = await openSettings( browser, ADMIN, 'agents' );
		await page.getByRole( 'button', { name: 'Add department' } ).click();
		await page.getByLabel( 'Name' ).last().fill( 'Sales' );
		await page.getByLabel( 'Id (used in links and blocks)' ).last().fill( 'sales' );
		await save( page );
		await expect( page.locator( '#consent-chat-settings' ).getByText( 'Settings saved.' ) ).toBeVisible();

		const row = page.locator( 'tr', { hasText: AGENT.name } );
		const updated = page.waitForResponse( ( r ) => r.url().includes( `/agents/${ agent.id }` ) );
		await row.getByLabel( `Departments of ${ AGENT.name }` ).fill( 'Sales' );
		await row.getByLabel( `Departments of ${ AGENT.name }` ).press( 'Enter' );
		expect( ( await updated ).status() ).toBe( 200 );
		const limit = page.waitForResponse( ( r ) => r.url().includes( `/agents/${ agent.id }` ) );
		await row.getByLabel( `Chats at once for ${ AGENT.name }` ).fill( '2' );
		await row.getByLabel( `Chats at once for ${ AGENT.name }` ).blur();
		expect( ( await limit ).status() ).toBe( 200 );
		await screenshot( page, 'settings-agents' );
		await page.context().close();

		// WordPress told the service: the open console reconnected by itself with a token for sales only
		// (the page was loaded before the department existed, so it shows the department's id).
		await expect( open.getByRole( 'group', { name: 'Departments' } ).getByRole( 'checkbox', { name: /^sales$/i } ) ).toBeChecked( { timeout: 10_000 } );
		await expect( open.getByRole( 'checkbox', { name: 'All departments' } ) ).toHaveCount( 0 );

		const asAgent = await Rest.as( browser, AGENT );
		const { token } = ( await ( await asAgent.post( '/consent-chat/v1/agent-token', {} ) ).json() ) as { token: string };
		const claims = JSON.parse( Buffer.from( token.split( '.' )[ 1 ], 'base64url' ).toString() ) as { depts: string[]; maxChats: number };
		expect( claims ).toMatchObject( { depts: [ 'sales' ], maxChats: 2 } );
		await asAgent.close();

		// The agent's console offers the department by its name.
		const agentPage = await ( await browser.newContext() ).newPage();
		await logIn( agentPage, AGENT, env.consoleUrl );
		await expect( agentPage.getByRole( 'group', { name: 'Departments' } ).getByRole( 'checkbox', { name: 'Sales' } ) ).toBeChecked();
		await agentPage.context().close();

		// The agent logs out in another tab: the console left open loses its access within seconds.
		const logout = await open.locator( '#wp-admin-bar-logout a' ).getAttribute( 'href' );
		const other = await open.context().newPage();
		await other.goto( logout! );
		await expect( open.locator( '#consent-chat-console' ).getByText( 'You no longer have access to live chat' ) ).toBeVisible( { timeout: 10_000 } );

		// Unknown departments and out-of-range limits are refused.
		expect( ( await admin.post( `/consent-chat/v1/agents/${ agent.id }`, { depts: [ 'nope' ] } ) ).status() ).toBe( 400 );
		expect( ( await admin.post( `/consent-chat/v1/agents/${ agent.id }`, { maxChats: 0 } ) ).status() ).toBe( 400 );
		expect( ( await admin.post( '/consent-chat/v1/agents/999999', { maxChats: 1 } ) ).status() ).toBe( 404 );
	} finally {
		await open.context().close();
		await admin.post( `/consent-chat/v1/agents/${ agent.id }`, { depts: [], maxChats: null } );
		await restore( admin, before );
		await admin.close();
	}
} );

/** A privacy officer with a fresh login, made through the REST API. */
async function makeOfficer( admin: Rest ): Promise< { login: string; password: string } > {
	const login = `officer-${ Math.random().toString( 36 ).slice( 2, 8 ) }`;
	const password = `pw-${ login }-Secret!`;
	const created = await admin.post( '/wp/v2/users', { username: login, password, email: `${ login }@example.org`, name: 'Pia Privacy', roles: [ 'consent_chat_privacy_officer' ] } );
	expect( created.status(), await created.text() ).toBe( 201 );
	return { login, password };
}

test( 'a privacy officer’s save changes only the languages and fields it sent and the officer may change', async ( { browser } ) => {
	type Lang = Record< string, unknown > & { privacy: Record< string, unknown >; consent: string; greeting: unknown; home: unknown };
	const admin = await Rest.as( browser );
	const before = await snapshot( admin );
	const officer = await makeOfficer( admin );
	const texts = () => snapshot( admin ).then( ( s ) => s.consent_chat_texts as Record< string, Lang > );
	try {
		// The admin's texts: both languages with a greeting and a home screen, which only admins may change.
		const start = structuredClone( before.consent_chat_texts ) as Record< string, Lang >;
		start.en_US.greeting = { text: 'Admin greeting', delay: 2 };
		start.en_US.home = { welcome: 'Admin welcome', suggestions: [ 'Prices?' ] };
		start.de_DE.greeting = { text: 'Hallo vom Admin', delay: 3 };
		start.de_DE.home = { welcome: 'Willkommen', suggestions: [] };
		await restore( admin, { ...before, consent_chat_texts: start } );
		const rest = await Rest.as( browser, officer );
		const save = async ( body: unknown, status = 200 ) => {
			const res = await rest.post( '/consent-chat/v1/settings', body );
			expect( res.status(), await res.text() ).toBe( status );
			return ( await res.json() ) as { message?: string };
		};

		// One language, whole, as an older screen sent it: the language not sent stays, with its greeting.
		await save( { texts: { de_DE: { ...start.de_DE, consent: 'Ich stimme zu (Fassung 2).' } } } );
		let now = await texts();
		expect( now.en_US ).toEqual( start.en_US );
		expect( now.de_DE ).toEqual( { ...start.de_DE, consent: 'Ich stimme zu (Fassung 2).' } );

		// One field: only it changes; the fields not sent keep their stored values.
		await save( { texts: { en_US: { consent: 'I agree (version 2).' } } } );
		now = await texts();
		expect( now.en_US ).toEqual( { ...start.en_US, consent: 'I agree (version 2).' } );
		expect( now.de_DE.consent ).toBe( 'Ich stimme zu (Fassung 2).' );
		// privacy per sub-field: switching to a link keeps the stored flyout text for a switch back.
		await save( { texts: { en_US: { privacy: { mode: 'url', url: 'https://example.org/privacy' } } } } );
		now = await texts();
		expect( now.en_US.privacy ).toEqual( { ...start.en_US.privacy, mode: 'url', url: 'https://example.org/privacy' } );

		// Fields only admins may change keep their stored value, whatever the officer sent.
		await save( { texts: { de_DE: { greeting: { text: 'Officer greeting', delay: 1 }, home: null, consent: 'Ich stimme zu (Fassung 3).' } } } );
		now = await texts();
		expect( now.de_DE ).toMatchObject( { greeting: start.de_DE.greeting, home: start.de_DE.home, consent: 'Ich stimme zu (Fassung 3).' } );

		// A language is removed only on purpose (null), and an officer may not remove one that holds admins' texts.
		const refused = await save( { texts: { de_DE: null } }, 403 );
		expect( refused.message ).toContain( 'only administrators' );
		expect( Object.keys( await texts() ).sort() ).toEqual( [ 'de_DE', 'en_US' ] );
		// A language the officer adds has no greeting or home screen; the officer may remove it again.
		const { greeting: _g, home: _h, ...officerFields } = start.en_US;
		await save( { texts: { fr_FR: { ...officerFields, consent: 'J’accepte.' } } } );
		now = await texts();
		expect( now.fr_FR ).toMatchObject( { consent: 'J’accepte.', greeting: null, home: null } );
		expect( now.en_US.greeting ).toEqual( start.en_US.greeting );
		await save( { texts: { fr_FR: null } } );
		expect( Object.keys( await texts() ).sort() ).toEqual( [ 'de_DE', 'en_US' ] );
		await rest.close();

		// An administrator may remove any language, and only the one named.
		const res = await admin.post( '/consent-chat/v1/settings', { texts: { de_DE: null } } );
		expect( res.status(), await res.text() ).toBe( 200 );
		now = await texts();
		expect( Object.keys( now ) ).toEqual( [ 'en_US' ] );
		expect( now.en_US.greeting ).toEqual( start.en_US.greeting );
	} finally {
		await restore( admin, before );
		await admin.close();
	}
} );

test( 'testing an unsaved address sends it no token: only /health, and the result says what was not checked', async ( { browser } ) => {
	// A throw-away listener that answers like a chat service and records every request as it arrived.
	const seen: Array< { method: string; url: string; headers: Record< string, string | string[] | undefined >; body: string } > = [];
	const { createServer } = await import( 'node:http' );
	const server = createServer( ( req, res ) => {
		let body = '';
		req.on( 'data', ( c ) => ( body += c ) );
		req.on( 'end', () => {
			seen.push( { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body } );
			res.writeHead( 200, { 'content-type': 'application/json' } );
			res.end( req.url === '/health' ? JSON.stringify( { status: 'ok', open: 0, waiting: 0, agentsOnline: 0 } ) : JSON.stringify( { site: 'demo', open: 0, agentsOnline: 0 } ) );
		} );
	} );
	await new Promise< void >( ( resolve ) => server.listen( 0, '127.0.0.1', resolve ) );
	const port = ( server.address() as { port: number } ).port;
	const JWT = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/;
	try {
		const page = await openSettings( browser, ADMIN, 'connection' );
		const result = page.locator( '#consent-chat-settings' );
		await page.getByLabel( 'Service address' ).fill( `ws://127.0.0.1:${ port }/ws` );
		const answered = page.waitForResponse( ( r ) => r.url().includes( 'test-connection' ) );
		await page.getByRole( 'button', { name: 'Test connection' } ).click();
		expect( ( await answered ).status() ).toBe( 200 );
		await expect( result.getByText( /^A chat service answers at this address \(in \d+ ms\)\. Not checked: the site id and the secret\./ ) ).toBeVisible();
		await expect( result.getByText( /Connected in/ ) ).toHaveCount( 0 );
		// The WordPress request is over when its answer arrived: everything the listener got is in `seen`.
		expect( seen.map( ( r ) => `${ r.method } ${ r.url }` ) ).toEqual( [ 'GET /health' ] );
		for ( const r of seen ) {
			expect( r.headers.authorization ).toBeUndefined();
			expect( JSON.stringify( r ) ).not.toMatch( JWT );
		}

		// With the secret typed for that address it is tested fully, signed with that secret and no other.
		seen.length = 0;
		const typed = 't'.repeat( 40 );
		await page.getByLabel( 'Shared secret' ).fill( typed );
		await page.getByRole( 'button', { name: 'Test connection' } ).click();
		await expect( result.getByText( /^Connected in \d+ ms as site “demo”/ ) ).toBeVisible();
		expect( seen.map( ( r ) => `${ r.method } ${ r.url }` ) ).toEqual( [ 'GET /admin/status' ] );
		const token = String( seen[ 0 ].headers.authorization ).replace( /^Bearer /, '' );
		const [ h, p, sig ] = token.split( '.' );
		const { createHmac } = await import( 'node:crypto' );
		expect( sig ).toBe( createHmac( 'sha256', typed ).update( `${ h }.${ p }` ).digest( 'base64url' ) );
		await page.context().close();
	} finally {
		server.close();
	}
} );
