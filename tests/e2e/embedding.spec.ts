/**
 * The chat where it is embedded in unusual ways: the standalone page a native
 * app's WebView opens (URL parameters, picking up a running chat), and a page
 * under a strict Content-Security-Policy.
 */
import { expect, test } from '@playwright/test';
import { AgentBot } from './agent-bot';
import { env } from './env';
import { Visitor } from './visitor';

const standalone = ( params: Record< string, string > ): string =>
	`${ env.wpUrl }/?${ new URLSearchParams( { 'consent-chat': 'standalone', site: 'demo', ...params } ) }`;

test( 'standalone page: from, direct and dept reach the chat; chat and code pick it up in another WebView', async ( { browser } ) => {
	const bot = await AgentBot.connect( browser );
	const v = await Visitor.open( browser, standalone( { from: 'ios-app/orders', direct: '1' } ) );
	const { s } = v;
	// Full screen, no launcher to click: the window is there, with its top bar.
	await expect( v.dialog ).toBeVisible();
	await expect( v.dialog ).toHaveClass( /cc-window--standalone/ );
	await expect( v.dialog.getByRole( 'button', { name: s.close } ) ).toBeVisible();
	// direct=1: no pre-chat form.
	for ( const f of v.config.prechat ) await expect( v.dialog.getByLabel( f.label ) ).toHaveCount( 0 );

	const text = `From the app ${ Date.now() }`;
	const code = await v.startChat( text );
	const chatId = await bot.chatWith( text );
	const chat = await bot.client.next( 'chat', ( c ) => c.chat.id === chatId );
	expect( chat.chat.from ).toBe( 'ios-app/orders' );
	bot.say( chatId, 'Hello app user' );
	await expect( v.log ).toContainText( 'Hello app user' );

	// The app closes this WebView (the chat sleeps), then opens another with the chat's parameters.
	await v.dialog.getByRole( 'button', { name: s.close } ).click();
	await v.close();
	bot.say( chatId, 'Sent while you were away' );
	const again = await Visitor.open( browser, standalone( { chat: chatId, code } ) );
	await expect( again.log ).toContainText( text );
	await expect( again.log ).toContainText( 'Hello app user' );
	await expect( again.log ).toContainText( 'Sent while you were away' );
	const reply = `Back again ${ Date.now() }`;
	const heard = bot.heard( chatId, reply );
	await again.say( reply );
	await heard;
	await again.close();
	await bot.close();
} );

test( 'under a strict Content-Security-Policy the chat loads and works, and nothing of ours is blocked', async ( { browser } ) => {
	const bot = await AgentBot.connect( browser );
	const context = await browser.newContext();
	const page = await context.newPage();
	const blocked: string[] = [];
	await page.exposeFunction( 'reportViolation', ( v: string ) => blocked.push( v ) );
	await page.addInitScript( () => {
		document.addEventListener( 'securitypolicyviolation', ( e ) =>
			( window as unknown as { reportViolation: ( v: string ) => void } ).reportViolation( `${ e.violatedDirective } ${ e.blockedURI } ${ e.sourceFile }` )
		);
	} );
	const res = await page.goto( `${ env.demoUrl }&csp=strict` );
	expect( res?.headers()[ 'content-security-policy' ] ).toContain( "script-src 'nonce-" );

	const v = { page, dialog: page.locator( '.cc-window' ) };
	const config = JSON.parse( ( await page.locator( '[data-consent-chat]' ).getAttribute( 'data-consent-chat' ) )! );
	await page.getByRole( 'button', { name: config.strings.launcher } ).click();
	await expect( v.dialog ).toBeVisible();
	// The widget's stylesheet applied (a blocked style would leave the window unstyled in the page flow).
	expect( await v.dialog.evaluate( ( d ) => getComputedStyle( d ).position ) ).toBe( 'fixed' );
	const text = `Under CSP ${ Date.now() }`;
	await v.dialog.getByLabel( config.strings.messageLabel ).fill( text );
	await v.dialog.getByRole( 'checkbox', { name: config.consent.text } ).check();
	await v.dialog.getByRole( 'button', { name: config.strings.start } ).click();
	const chatId = await bot.chatWith( text );
	bot.say( chatId, 'CSP is fine' );
	await expect( v.dialog.getByRole( 'log' ) ).toContainText( 'CSP is fine' );
	// WordPress's own inline scripts may be refused under this policy; ours must not be.
	expect( blocked.filter( ( b ) => /consent-chat|cc-|:8797/.test( b ) ) ).toEqual( [] );
	await context.close();
	await bot.close();
} );

test( 'standalone page: a chat that no longer exists is not picked up; the visitor gets a fresh start window', async ( { browser } ) => {
	const bot = await AgentBot.connect( browser );
	const v = await Visitor.open( browser, standalone( { chat: '00000000-0000-4000-8000-000000000000', code: 'AAAA-BBBB-CCCC' } ) );
	await expect( v.dialog.getByRole( 'button', { name: v.s.start } ) ).toBeVisible();
	expect( v.received.filter( ( f ) => f.type === 'error' ).map( ( f ) => f.type === 'error' && f.code ) ).toEqual( [ 'not_found' ] );
	expect( await v.page.evaluate( () => sessionStorage.length ) ).toBe( 0 );
	await v.close();
	await bot.close();
} );
