/**
 * The site owner's path with the zip: a fresh WordPress that has never seen the
 * plugin, Plugins → Add Plugin → Upload Plugin with the zip `npm run plugin-zip`
 * makes, Activate, Settings → Consent Chat (Connection: address, site id,
 * secret, Test connection; Appearance: the site-wide launcher), and a visitor
 * chats with an agent. Everything the plugin needs must come from the zip:
 * nothing of this checkout is mounted into that WordPress.
 *
 * The fresh site has its own origin, which the test stack's service does not
 * allow (its origins are fixed when it starts), so this test starts a second
 * service for it, with its own secret, exactly as a site owner would configure
 * one. Ports: E2E_FRESH_WP_PORT / E2E_FRESH_CHAT_PORT, else free ones.
 */
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestClient } from '../helpers/ws-client';
import { logIn } from './env';
import { ADMIN } from './rest';
import { Visitor } from './visitor';

const ROOT = join( __dirname, '../..' );

/** A port nothing listens on now (the kernel's pick), unless one is given. */
async function port( given: string | undefined ): Promise< number > {
	if ( given ) return Number( given );
	const server = createServer();
	await new Promise< void >( ( resolve ) => server.listen( 0, '127.0.0.1', resolve ) );
	const { port: free } = server.address() as { port: number };
	await new Promise( ( resolve ) => server.close( resolve ) );
	return free;
}

type Started = { stop: () => Promise< void > };

test( 'the zip installs through Upload Plugin into a fresh WordPress, is set up in its settings, and chats', async ( { browser } ) => {
	test.setTimeout( 300_000 );
	const dir = mkdtempSync( join( tmpdir(), 'cc-zip-e2e-' ) );
	const zip = join( dir, 'consent-chat.zip' );
	execFileSync( process.execPath, [ join( ROOT, 'scripts/plugin-zip.mjs' ), `--out=${ zip }` ], { cwd: ROOT, stdio: 'pipe' } );

	const wordpress = await import( '../../scripts/wordpress.mjs' );
	const stack = await import( '../../scripts/stack.mjs' );
	const wpPort = await port( process.env.E2E_FRESH_WP_PORT );
	const chatPort = await port( process.env.E2E_FRESH_CHAT_PORT );
	const siteUrl = `http://127.0.0.1:${ wpPort }`;
	const secret = randomBytes( 32 ).toString( 'hex' );
	const started: Started[] = [];
	try {
		const service = await stack.startService( { port: chatPort, dataDir: dir, origins: [ siteUrl ], secret } );
		started.push( service );
		const pristineDir = await wordpress.preparePristineWordPress( { root: ROOT } );
		const siteDir = await wordpress.ensureSite( { pristineDir, siteDir: join( dir, 'wordpress' ), fresh: true } );
		// No mounts and no setup scripts: the plugin comes only from the upload.
		started.push( await wordpress.startWordPress( { siteDir, port: wpPort } ) );
		expect( existsSync( join( siteDir, 'wp-content/plugins/consent-chat' ) ) ).toBe( false );

		// Plugins → Add Plugin → Upload Plugin, as an administrator.
		const admin = await ( await browser.newContext() ).newPage();
		await logIn( admin, ADMIN, `${ siteUrl }/wp-admin/` );
		await admin.goto( `${ siteUrl }/wp-admin/plugin-install.php` );
		await admin.getByRole( 'button', { name: 'Upload Plugin' } ).click();
		await admin.locator( '#pluginzip' ).setInputFiles( zip );
		await admin.getByRole( 'button', { name: 'Install Now' } ).click();
		await expect( admin.getByText( 'Plugin installed successfully.' ) ).toBeVisible( { timeout: 60_000 } );
		await admin.getByRole( 'link', { name: 'Activate Plugin' } ).click();
		await expect( admin.getByText( 'Plugin activated.' ) ).toBeVisible();
		// WordPress unpacked it where the zip's top folder says.
		expect( existsSync( join( siteDir, 'wp-content/plugins/consent-chat/plugin.php' ) ) ).toBe( true );

		// Settings → Consent Chat, from the admin menu: the connection, tested, then the launcher on every page.
		// (Settings first: on the dashboard its submenu is a flyout that shows only on hover.)
		await admin.locator( '#menu-settings > a' ).click();
		await admin.locator( '#menu-settings' ).getByRole( 'link', { name: 'Consent Chat' } ).click();
		const screen = admin.locator( '#consent-chat-settings' );
		await admin.getByRole( 'tab', { name: 'Connection' } ).click();
		await admin.getByLabel( 'Service address' ).fill( service.wsUrl );
		await admin.getByLabel( 'Site id' ).fill( stack.SITE_ID );
		await admin.getByLabel( 'Shared secret' ).fill( secret );
		await admin.getByRole( 'button', { name: 'Test connection' } ).click();
		await expect( screen.getByText( new RegExp( `^Connected in \\d+ ms as site “${ stack.SITE_ID }”` ) ) ).toBeVisible();
		await admin.getByRole( 'tab', { name: 'Appearance' } ).click();
		await admin.getByRole( 'checkbox', { name: 'Show the chat on every page (site-wide launcher)' } ).check();
		await admin.getByRole( 'button', { name: 'Save settings' } ).click();
		await expect( screen.getByText( 'Settings saved.' ) ).toBeVisible();

		// The administrator answers as an agent (administrators are agents), with the token the
		// site signs with the secret just saved, over a socket to the service it points to.
		const nonce = await ( await admin.request.get( `${ siteUrl }/wp-admin/admin-ajax.php?action=rest-nonce` ) ).text();
		const ticket = ( await (
			await admin.request.post( `${ siteUrl }/wp-json/consent-chat/v1/agent-token`, { headers: { 'X-WP-Nonce': nonce }, data: {} } )
		).json() ) as { token: string; service: string };
		expect( ticket.service ).toBe( service.wsUrl );
		const agent = await TestClient.open( ticket.service, siteUrl );
		started.push( { stop: async () => agent.close() } );
		agent.send( { type: 'hello', token: ticket.token } );
		await agent.next( 'welcome' );
		agent.send( { type: 'presence', online: true } );
		await agent.next( 'presence', ( p ) => p.online );

		// A visitor on the home page, where no block was placed: the site-wide launcher.
		const visitor = await Visitor.open( browser, `${ siteUrl }/` );
		await visitor.openChat();
		await visitor.startChat( 'Hello from a site that installed the zip' );
		// As the console does for a chat it does not hold yet: its history, from the start.
		const { chat } = await agent.next( 'chat', ( f ) => f.chat.agent === 'wp:1' && f.chat.status !== 'closed', 20_000 );
		agent.send( { type: 'sync', chatId: chat.id, afterSeq: 0 } );
		const heard = await agent.next( 'message', ( m ) => m.from === 'visitor' && m.text.includes( 'installed the zip' ), 20_000 );
		agent.send( { type: 'send', chatId: heard.chatId, clientId: 'zip-e2e-1', text: 'Hello, it works.' } );
		await expect( visitor.log ).toContainText( 'Hello, it works.' );
		agent.send( { type: 'end', chatId: heard.chatId } );
		await visitor.close();
		await admin.context().close();
	} finally {
		for ( const s of started.reverse() ) await s.stop();
		rmSync( dir, { recursive: true, force: true } );
	}
} );
