/**
 * The PHP side that feeds the widget, in a real WordPress and Chromium:
 * the standalone chat page (URL parameters, languages, refusals), the
 * settings through core's REST endpoint /wp/v2/settings, the "delete my
 * chat" shortcode and the CSP nonce on our tags.
 */
import { createHash } from 'node:crypto';
import { expect, test, type APIResponse, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type { DeleteFormConfig, FrontendConfig } from '../../client/contract';
import { env, logIn } from './env';

const ADMIN = { login: 'admin', password: 'password' };
const SITE = 'demo';

function standaloneUrl( params: Record< string, string > ): string {
	const query = new URLSearchParams( { 'consent-chat': 'standalone', ...params } );
	return `${ env.wpUrl }/?${ query.toString() }`;
}

async function configOf( page: Page, selector = '[data-consent-chat]' ): Promise< FrontendConfig > {
	const raw = await page.locator( selector ).first().getAttribute( 'data-consent-chat' );
	expect( raw, 'the mount carries its configuration' ).toBeTruthy();
	return JSON.parse( raw! ) as FrontendConfig;
}

const version = ( text: string ): string => createHash( 'sha256' ).update( text ).digest( 'hex' ).slice( 0, 12 );

/** The REST API as a logged-in admin: the login cookie plus the nonce wp-admin uses. */
class AdminRest {
	private constructor(
		readonly context: BrowserContext,
		private readonly nonce: string
	) {}

	static async open( browser: Browser ): Promise< AdminRest > {
		const context = await browser.newContext();
		const page = await context.newPage();
		await logIn( page, ADMIN, `${ env.wpUrl }/wp-admin/profile.php` );
		const response = await page.request.get( `${ env.wpUrl }/wp-admin/admin-ajax.php?action=rest-nonce` );
		const nonce = ( await response.text() ).trim();
		expect( nonce ).toMatch( /^[0-9a-f]{10}$/ );
		await page.close();
		return new AdminRest( context, nonce );
	}

	get( route: string ): Promise< APIResponse > {
		return this.context.request.get( `${ env.wpUrl }/?rest_route=${ encodeURIComponent( route ) }`, {
			headers: { 'X-WP-Nonce': this.nonce },
		} );
	}

	delete( route: string ): Promise< APIResponse > {
		return this.context.request.delete( `${ env.wpUrl }/?rest_route=${ encodeURIComponent( route ) }&force=true`, {
			headers: { 'X-WP-Nonce': this.nonce },
		} );
	}

	post( route: string, data: unknown ): Promise< APIResponse > {
		return this.context.request.post( `${ env.wpUrl }/?rest_route=${ encodeURIComponent( route ) }`, {
			headers: { 'X-WP-Nonce': this.nonce },
			data,
		} );
	}
}

type Settings = {
	consent_chat_texts: Record< string, { consent: string; privacy: { mode: string; url: string; text: string; inChat: boolean } } & Record< string, unknown > >;
	consent_chat_storage: { defaultMode: string; visitorChooses: boolean; retentionDays: number };
	consent_chat_appearance: { accent: string; position: string };
};

async function readSettings( rest: AdminRest ): Promise< Settings > {
	const response = await rest.get( '/wp/v2/settings' );
	expect( response.status() ).toBe( 200 );
	return ( await response.json() ) as Settings;
}

test.describe( 'standalone chat page', () => {
	test( 'site, from, direct and dept configure an inline chat with the language list', async ( { page } ) => {
		const response = await page.goto(
			standaloneUrl( { site: SITE, from: 'App: order #1234 <b>help</b>', direct: '1', dept: 'sales' } )
		);
		expect( response?.status() ).toBe( 200 );
		expect( response?.headers()[ 'content-type' ] ).toContain( 'text/html' );
		await expect( page.locator( 'html' ) ).toHaveAttribute( 'lang', 'en-US' );
		await expect( page.locator( 'meta[name="viewport"]' ) ).toHaveAttribute( 'content', /width=device-width/ );
		// No theme: the served page links only our loader's style and script
		// (the loader then adds the widget's at once, for an inline chat).
		const html = ( await response?.text() ) ?? '';
		expect( [ ...html.matchAll( /<link\b[^>]*\bhref=['"]([^'"]+)/g ) ].map( ( m ) => m[ 1 ] ) ).toEqual( [
			expect.stringContaining( '/build/client/loader.css' ),
		] );
		expect( [ ...html.matchAll( /<script\b[^>]*\bsrc=['"]([^'"]+)/g ) ].map( ( m ) => m[ 1 ] ) ).toEqual( [
			expect.stringContaining( '/build/client/loader.js' ),
		] );
		// The loader takes it from there: the inline window opens without a click.
		await expect( page.locator( 'link[href*="/build/client/widget.css"]' ) ).toHaveCount( 1 );

		const config = await configOf( page );
		expect( config.site ).toBe( SITE );
		expect( config.display ).toBe( 'inline' );
		expect( config.dept ).toBe( 'sales' );
		expect( config.direct ).toBe( true );
		expect( config.prechat ).toEqual( [] );
		// Kept as typed, like every text: the agent's console shows it as text, never as markup.
		expect( config.from ).toBe( 'App: order #1234 <b>help</b>' );
		expect( config.lang ).toBe( 'en_US' );
		expect( config.serviceHttp ).toBe( new URL( env.serviceUrl ).origin );
		expect( config.tokenUrl ).toContain( 'consent-chat/v1/visitor-token' );
		expect( config.standalone ).toEqual( { languages: { en_US: 'English', de_DE: 'Deutsch' } } );
		expect( config.strings.launcher ).toBe( 'Chat with us' );
		expect( config.nonce ).toBeUndefined();
		// The built-in defaults, with versions derived from the texts.
		expect( config.consent?.text ).toMatch( /^I agree that my messages are processed to answer my request\./ );
		expect( config.consent?.version ).toBe( version( config.consent!.text ) );
		expect( config.privacy ).toMatchObject( { mode: 'text', inChat: true } );
		expect( config.privacy.text ).toContain( 'tracking cookies' );
		expect( config.storage ).toEqual( { defaultMode: 'stored', visitorChooses: true, retentionDays: 30 } );
		const optIn = config.contact.find( ( f ) => f.optIn );
		expect( optIn ).toMatchObject( { type: 'checkbox', required: true, label: 'I agree to be contacted about my request by email.' } );
		expect( optIn?.version ).toBe( version( optIn!.label ) );
		expect( config.contact.filter( ( f ) => f.required ).map( ( f ) => f.id ) ).toEqual( [ 'email', 'message', 'contact_optin' ] );
	} );

	test( 'without direct the pre-chat form is there; chat and code pick up a running chat', async ( { page } ) => {
		await page.goto( standaloneUrl( { site: SITE, chat: 'c_0123-abcdef', code: 'abcd efgh-jkmo' } ) );
		const config = await configOf( page );
		expect( config.direct ).toBe( false );
		expect( config.prechat.map( ( f ) => [ f.id, f.type, f.required ] ) ).toEqual( [
			[ 'name', 'text', false ],
			[ 'email', 'email', false ],
		] );
		expect( config.from ).toBeUndefined();
		// Typed codes are normalised like the service does (case, spaces, O→0).
		expect( config.standalone?.resume ).toEqual( { chatId: 'c_0123-abcdef', code: 'ABCD-EFGH-JKM0' } );
	} );

	test( 'lang=de_DE gives German strings and texts', async ( { page } ) => {
		const response = await page.goto( standaloneUrl( { site: SITE, lang: 'de_DE' } ) );
		expect( response?.status() ).toBe( 200 );
		await expect( page.locator( 'html' ) ).toHaveAttribute( 'lang', 'de-DE' );
		const config = await configOf( page );
		expect( config.lang ).toBe( 'de_DE' );
		expect( config.strings.launcher ).toBe( 'Chatten Sie mit uns' );
		expect( config.strings.start ).toBe( 'Chat starten' );
		expect( config.strings.position ).toContain( '%d' );
		expect( config.consent?.text ).toMatch( /^Ich bin einverstanden/ );
		expect( config.privacy.text ).toContain( 'Ihre Privatsphäre' );
		expect( config.contact.find( ( f ) => f.optIn )?.label ).toBe(
			'Ich bin einverstanden, per E-Mail zu meiner Anfrage kontaktiert zu werden.'
		);
		await expect( page ).toHaveTitle( /^Chat – / );
	} );

	const refusals: Array< [ string, Record< string, string >, RegExp ] > = [
		[ 'missing site', {}, /the parameter “site” is missing/ ],
		[ 'wrong site', { site: 'someone-else' }, /the parameter “site” does not match this site/ ],
		[ 'malformed chat', { site: SITE, chat: '../../etc/passwd', code: 'ABCD-EFGH-JKMN' }, /needs both “chat”/ ],
		[ 'code without chat', { site: SITE, code: 'ABCD-EFGH-JKMN' }, /needs both “chat”/ ],
		[ 'malformed code', { site: SITE, chat: 'abc', code: 'ABCD-EFGH-JKM!' }, /needs both “chat”/ ],
		[ 'bad dept', { site: SITE, dept: 'sales<script>' }, /department \(“dept”\)/ ],
	];
	for ( const [ name, params, message ] of refusals ) {
		test( `${ name} is answered with 400 and a clear message`, async ( { page } ) => {
			const response = await page.goto( standaloneUrl( params ) );
			expect( response?.status() ).toBe( 400 );
			await expect( page.getByRole( 'heading', { level: 1 } ) ).toHaveText( 'The chat cannot be opened' );
			await expect( page.locator( '.consent-chat-error__message' ) ).toHaveText( message );
			await expect( page.locator( '[data-consent-chat]' ) ).toHaveCount( 0 );
		} );
	}
} );

test.describe( 'settings through /wp/v2/settings', () => {
	let rest: AdminRest;
	let original: Settings;

	test.beforeAll( async ( { browser } ) => {
		rest = await AdminRest.open( browser );
		original = await readSettings( rest );
	} );

	test.afterAll( async () => {
		// Other tests expect the defaults.
		const restored = await rest.post( '/wp/v2/settings', {
			consent_chat_texts: original.consent_chat_texts,
			consent_chat_storage: original.consent_chat_storage,
			consent_chat_appearance: original.consent_chat_appearance,
		} );
		expect( restored.status() ).toBe( 200 );
		await rest.context.close();
	} );

	test( 'the defaults are readable, and invalid values are refused with 400 without saving anything', async () => {
		expect( Object.keys( original.consent_chat_texts ) ).toEqual( [ 'en_US', 'de_DE' ] );
		expect( original.consent_chat_appearance ).toEqual( { accent: '#1d4ed8', position: 'right' } );
		expect( original.consent_chat_storage ).toEqual( { defaultMode: 'stored', visitorChooses: true, retentionDays: 30 } );

		const texts = structuredClone( original.consent_chat_texts );
		texts.en_US.privacy = { ...texts.en_US.privacy, mode: 'url', url: 'javascript:alert(1)' };
		const badUrl = await rest.post( '/wp/v2/settings', {
			consent_chat_texts: texts,
			// Valid on its own: must not be saved either, since the request as a whole is refused.
			consent_chat_storage: { ...original.consent_chat_storage, retentionDays: 7 },
		} );
		expect( badUrl.status() ).toBe( 400 );
		expect( JSON.stringify( await badUrl.json() ) ).toContain( 'consent_chat_texts' );

		const badAccent = await rest.post( '/wp/v2/settings', { consent_chat_appearance: { accent: 'red; background:url(x)', position: 'left' } } );
		expect( badAccent.status() ).toBe( 400 );
		expect( ( await badAccent.json() ).code ).toBe( 'rest_invalid_param' );

		const badPosition = await rest.post( '/wp/v2/settings', { consent_chat_appearance: { accent: '#123456', position: 'top' } } );
		expect( badPosition.status() ).toBe( 400 );

		const badLocale = await rest.post( '/wp/v2/settings', { consent_chat_texts: { 'not a locale': texts.en_US } } );
		expect( badLocale.status() ).toBe( 400 );

		const badField = structuredClone( original.consent_chat_texts );
		( badField.en_US.contact as Array< Record< string, unknown > > ).push( { id: 'x', type: 'select', label: 'X' } );
		expect( ( await rest.post( '/wp/v2/settings', { consent_chat_texts: badField } ) ).status() ).toBe( 400 );

		expect( await readSettings( rest ) ).toMatchObject( {
			consent_chat_texts: original.consent_chat_texts,
			consent_chat_storage: original.consent_chat_storage,
			consent_chat_appearance: original.consent_chat_appearance,
		} );
	} );

	test( 'a valid change shows up in the demo page’s configuration, with a new consent version', async ( { page } ) => {
		await page.goto( env.demoUrl );
		const before = await configOf( page );

		const texts = structuredClone( original.consent_chat_texts );
		const consent = 'I agree that my messages are processed to answer my request (edited in the e2e test).';
		texts.en_US.consent = consent;
		texts.en_US.privacy = { mode: 'url', url: 'https://example.org/privacy', text: '', inChat: false };
		Object.assign( texts.en_US, { greeting: { text: 'Need help?', delay: 3 }, home: { welcome: 'Hello!', suggestions: [ 'Where is my order?' ] } } );
		const saved = await rest.post( '/wp/v2/settings', {
			consent_chat_texts: texts,
			consent_chat_appearance: { accent: '#aa3300', position: 'left' },
			consent_chat_storage: { defaultMode: 'ephemeral', visitorChooses: false, retentionDays: 7 },
		} );
		expect( saved.status() ).toBe( 200 );
		expect( ( await saved.json() ).consent_chat_appearance ).toEqual( { accent: '#aa3300', position: 'left' } );

		await page.goto( env.demoUrl );
		const after = await configOf( page );
		expect( after.appearance ).toEqual( { accent: '#aa3300', position: 'left' } );
		expect( after.storage ).toEqual( { defaultMode: 'ephemeral', visitorChooses: false, retentionDays: 7 } );
		expect( after.privacy ).toEqual( { mode: 'url', url: 'https://example.org/privacy', text: '', inChat: false } );
		expect( after.greeting ).toEqual( { text: 'Need help?', delayMs: 3000 } );
		expect( after.home ).toEqual( { welcome: 'Hello!', suggestions: [ 'Where is my order?' ] } );
		expect( after.display ).toBe( 'launcher' );
		expect( after.consent ).toEqual( { text: consent, version: version( consent ) } );
		expect( after.consent?.version ).not.toBe( before.consent?.version );

		// Both texts stay provable: the one shown before and the new one.
		const history = ( await ( await rest.get( '/consent-chat/v1/text-versions' ) ).json() ) as Record< string, { text: string; lang: string; kind: string; first: string } >;
		expect( history[ after.consent!.version ] ).toMatchObject( { text: consent, lang: 'en_US', kind: 'consent' } );
		expect( history[ before.consent!.version ] ).toMatchObject( { text: before.consent!.text, lang: 'en_US', kind: 'consent' } );
		const optIn = before.contact.find( ( f ) => f.optIn )!;
		expect( history[ optIn.version! ] ).toMatchObject( { text: optIn.label, kind: 'optin' } );
		// …and only for those who manage them.
		expect( ( await page.request.get( `${ env.wpUrl }/?rest_route=/consent-chat/v1/text-versions` ) ).status() ).toBe( 401 );

		// An empty consent text: no checkbox.
		texts.en_US.consent = '';
		expect( ( await rest.post( '/wp/v2/settings', { consent_chat_texts: texts } ) ).status() ).toBe( 200 );
		await page.goto( env.demoUrl );
		expect( ( await configOf( page ) ).consent ).toBeNull();
	} );
} );

test( '[consent_chat_delete] renders the delete form’s mount and script', async ( { browser, page } ) => {
	const rest = await AdminRest.open( browser );
	const created = await rest.post( '/wp/v2/pages', { title: 'Delete my chat', status: 'publish', content: '[consent_chat_delete]' } );
	expect( created.status() ).toBe( 201 );
	const { id, link } = ( await created.json() ) as { id: number; link: string };
	try {
		await page.goto( link );
		const raw = await page.locator( '[data-consent-chat-delete]' ).getAttribute( 'data-consent-chat-delete' );
		const config = JSON.parse( raw! ) as DeleteFormConfig;
		expect( config.site ).toBe( SITE );
		expect( config.serviceHttp ).toBe( new URL( env.serviceUrl ).origin );
		expect( config.lang ).toBe( 'en_US' );
		expect( Object.keys( config.strings ).sort() ).toEqual(
			[ 'deleteTitle', 'deleteIntro', 'deleteLabel', 'deleteButton', 'deleted', 'deleteNotFound', 'deleteKept', 'deleteLimited', 'error' ].sort()
		);
		expect( config.strings.deleteButton ).toBe( 'Delete chat' );
		await expect( page.locator( 'script[src*="/build/client/delete-form.js"]' ) ).toHaveCount( 1 );
	} finally {
		expect( ( await rest.delete( `/wp/v2/pages/${ id }` ) ).status() ).toBe( 200 );
		await rest.context.close();
	}
} );

test( 'with a strict CSP (fixture ?csp=strict) our tags and the config carry the page’s nonce', async ( { page } ) => {
	for ( const url of [ `${ env.demoUrl }&csp=strict`, `${ standaloneUrl( { site: SITE } ) }&csp=strict` ] ) {
		const response = await page.goto( url );
		const csp = response?.headers()[ 'content-security-policy' ] ?? '';
		const nonce = csp.match( /script-src 'nonce-([^']+)' 'strict-dynamic'/ )?.[ 1 ];
		expect( nonce, `CSP header on ${ url }: ${ csp }` ).toBeTruthy();
		expect( csp ).toContain( `style-src 'self' 'nonce-${ nonce }'` );
		expect( ( await configOf( page ) ).nonce ).toBe( nonce );
		// The browser hides nonce attributes from getAttribute; the property keeps the value.
		const script = page.locator( 'script[src*="/build/client/loader.js"]' );
		await expect( script ).toHaveCount( 1 );
		expect( await script.evaluate( ( s ) => ( s as HTMLScriptElement ).nonce ) ).toBe( nonce );
		const style = page.locator( 'link[href*="/build/client/loader.css"]' );
		await expect( style ).toHaveCount( 1 );
		expect( await style.evaluate( ( l ) => ( l as HTMLLinkElement ).nonce ) ).toBe( nonce );
	}
	// Without the switch: no header, no nonce.
	const plain = await page.goto( env.demoUrl );
	expect( plain?.headers()[ 'content-security-policy' ] ).toBeUndefined();
	expect( ( await configOf( page ) ).nonce ).toBeUndefined();
} );
