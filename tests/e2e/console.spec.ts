/**
 * The agent console as agents use it, in real Chromium against the real
 * WordPress and service: the queue with its waiting time, taking a chat,
 * two chats at once in tabs with the pre-chat answers, typing both ways, a
 * transfer to a second agent (a user created through WordPress's REST API)
 * who gets it in their own console, "keep" (the visitor's chat code can then
 * no longer delete it), ending a chat, and the opt-in alert for a new chat.
 * And an agent whose Chat agent role an admin removes loses access in the
 * open console within seconds.
 */
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TestClient } from '../helpers/ws-client';
import { env, logIn } from './env';
import { Rest } from './rest';
import { Visitor } from './visitor';

// Three browsers (two agents, visitors) on one WordPress: more than the default 90 s on two shared cores.
test.describe.configure( { timeout: 180_000 } );

interface AgentUser {
	id: number;
	login: string;
	password: string;
	name: string;
}

/** A fresh user with the Chat agent role, made by the admin through /wp/v2/users. */
async function createAgent( admin: Rest, name: string ): Promise< AgentUser > {
	const login = `${ name.toLowerCase().replace( /\W+/g, '-' ) }-${ Math.random().toString( 36 ).slice( 2, 8 ) }`;
	const password = `pw-${ login }-Secret!`;
	const res = await admin.post( '/wp/v2/users', {
		username: login,
		password,
		email: `${ login }@example.org`,
		name,
		roles: [ 'consent_chat_agent' ],
	} );
	expect( res.status(), await res.text() ).toBe( 201 );
	return { id: ( ( await res.json() ) as { id: number } ).id, login, password, name };
}

/** An agent in their own browser, on the console, connected. */
async function openConsole( browser: Browser, user: AgentUser, init?: ( p: Page ) => Promise< void > ): Promise< { context: BrowserContext; page: Page } > {
	const context = await browser.newContext( { viewport: { width: 1280, height: 860 } } );
	const page = await context.newPage();
	if ( init ) await init( page );
	await logIn( page, user, env.consoleUrl );
	// The toggle is enabled once the service has welcomed the console.
	await expect( page.getByRole( 'checkbox', { name: 'Online' } ) ).toBeEnabled();
	return { context, page };
}

test( 'an agent handles two chats in tabs, transfers one to another agent, keeps and ends the other', async ( { browser }, testInfo ) => {
	const admin = await Rest.as( browser );
	const ann = await createAgent( admin, 'Ann Console' );
	const bob = await createAgent( admin, 'Bob Console' );
	await admin.close();

	// Ann's page runs on a controllable clock, so "waiting 2 min" needs no waiting.
	const a = await openConsole( browser, ann, ( p ) => p.clock.install() );
	const annPage = a.page;
	const queue = annPage.locator( '.consent-chat-console__queue' );
	await expect( queue ).toContainText( 'Nobody is waiting.' );
	await expect( annPage.getByRole( 'checkbox', { name: 'Online' } ) ).not.toBeChecked();
	// The token names no departments: Ann serves all of them.
	await expect( annPage.getByRole( 'checkbox', { name: 'All departments' } ) ).toBeChecked();

	// Visitor 1 opens the chat window while Ann is online (nobody online would
	// mean the contact form), Ann goes offline, then the visitor starts (with a
	// name in the pre-chat form): the chat waits in the queue.
	const online = annPage.getByRole( 'checkbox', { name: 'Online' } );
	await online.check();
	await expect( annPage.getByText( 'You can be assigned new chats.' ) ).toBeVisible();
	const v1 = await Visitor.open( browser );
	await v1.openChat();
	await online.uncheck();
	await expect( annPage.getByText( 'You get no new chats; your open chats go on.' ) ).toBeVisible();
	const nameLabel = v1.config.prechat.find( ( f ) => f.id === 'name' )!.label;
	const code1 = await v1.startChat( 'First question: my invoice', { [ nameLabel ]: 'Vera Visitor' } );
	expect( code1 ).toMatch( /-/ );
	const item = queue.getByRole( 'listitem' ).filter( { hasText: 'First question: my invoice' } );
	await expect( item ).toContainText( 'Vera Visitor' );
	await expect( item ).toContainText( 'waiting under 1 min' );
	await annPage.clock.fastForward( '02:00' );
	await expect( item ).toContainText( 'waiting 2 min' );

	await item.getByRole( 'button', { name: 'Take chat' } ).click();
	const tabs = annPage.getByRole( 'tab' );
	await expect( tabs ).toHaveCount( 1 );
	const panel1 = annPage.getByRole( 'tabpanel' );
	await expect( panel1.getByRole( 'log' ) ).toContainText( 'First question: my invoice' );
	// The pre-chat form's answers, under the agent's label for the field.
	const answers = panel1.getByRole( 'definition' );
	await expect( answers.first() ).toHaveText( 'Vera Visitor' );
	await expect( panel1.getByRole( 'term' ).first() ).toHaveText( 'Name' );
	await expect( v1.log ).toContainText( `${ ann.name } joined the chat` );

	// Online now: visitor 2's chat reaches Ann directly, in a second tab.
	await online.check();
	await expect( annPage.getByText( 'You can be assigned new chats.' ) ).toBeVisible();
	const v2 = await Visitor.open( browser );
	await v2.openChat();
	const code2 = await v2.startChat( 'Second question: delivery' );
	await expect( tabs ).toHaveCount( 2 );
	const tab2 = tabs.nth( 1 );
	await tab2.click();
	await expect( tab2 ).toHaveAttribute( 'aria-selected', 'true' );
	const panel2 = annPage.getByRole( 'tabpanel' );
	await expect( panel2.getByRole( 'log' ) ).toContainText( 'Second question: delivery' );

	// Typing, both ways: the visitor sees Ann typing, Ann sees the visitor typing.
	await panel2.getByLabel( 'Reply' ).fill( 'Let me check' );
	await expect( v2.dialog.locator( '.cc-typing' ) ).toHaveText( v2.s.typing.replace( '%s', ann.name ) );
	await v2.dialog.getByLabel( v2.s.messageLabel ).fill( 'Take your time' );
	await expect( panel2.getByText( 'Visitor is typing…' ) ).toBeVisible();
	await panel2.getByLabel( 'Reply' ).press( 'Enter' );
	await expect( v2.log ).toContainText( 'Let me check' );
	// Sent: Ann no longer shows as typing.
	await expect( v2.dialog.locator( '.cc-typing' ) ).toHaveText( '' );
	await v2.dialog.getByLabel( v2.s.messageLabel ).press( 'Enter' );
	await expect( panel2.getByRole( 'log' ) ).toContainText( 'Take your time' );
	await expect( panel2.getByText( 'Visitor is typing…' ) ).toHaveCount( 0 );

	// For the README: the console with both chats, the first one shown.
	await tabs.first().click();
	await expect( annPage.getByRole( 'tabpanel' ).getByRole( 'definition' ).first() ).toHaveText( 'Vera Visitor' );
	// Into docs/ only when asked (CC_SCREENSHOTS=1), so test runs leave the checkout unchanged.
	const shot = process.env.CC_SCREENSHOTS ? join( __dirname, '../../docs/screenshots/console.png' ) : testInfo.outputPath( 'console.png' );
	mkdirSync( dirname( shot ), { recursive: true } );
	await annPage.evaluate( () => window.scrollTo( 0, 0 ) );
	await annPage.screenshot( { path: shot } );

	// Bob comes online in his own browser; Ann transfers chat 1 to him.
	const b = await openConsole( browser, bob );
	const bobPage = b.page;
	await bobPage.getByRole( 'checkbox', { name: 'Online' } ).check();
	await tabs.first().click();
	const panelA = annPage.getByRole( 'tabpanel' );
	await panelA.getByRole( 'button', { name: 'Transfer…' } ).click();
	const modal = annPage.getByRole( 'dialog', { name: /Transfer the chat with Vera Visitor/ } );
	await expect( modal.getByRole( 'combobox', { name: 'Agent' } ) ).toContainText( bob.name );
	await modal.getByRole( 'combobox', { name: 'Agent' } ).selectOption( { label: `${ bob.name } (0 open chats)` } );
	await modal.getByRole( 'button', { name: 'Transfer', exact: true } ).click();
	await expect( modal ).toHaveCount( 0 );
	await expect( panelA.getByText( `You transferred this chat to ${ bob.name }.` ) ).toBeVisible();
	await expect( panelA.getByLabel( 'Reply' ) ).toHaveCount( 0 );
	await expect( tabs.first() ).toContainText( 'Transferred' );

	const bobPanel = bobPage.getByRole( 'tabpanel' );
	await expect( bobPanel.getByRole( 'log' ) ).toContainText( 'First question: my invoice' );
	await expect( bobPanel.getByRole( 'definition' ).first() ).toHaveText( 'Vera Visitor' );
	await expect( v1.log ).toContainText( v1.s.transferred.replace( '%s', bob.name ) );
	await bobPanel.getByLabel( 'Reply' ).fill( 'Bob here, I can help with invoices.' );
	await bobPanel.getByLabel( 'Reply' ).press( 'Enter' );
	await expect( v1.log ).toContainText( 'Bob here, I can help with invoices.' );

	// Ann keeps chat 2 as a record: the visitor's code can no longer delete it.
	await tab2.click();
	// The toggle shows what the service confirmed, so it flips a moment after the click.
	const keep = panel2.getByRole( 'checkbox', { name: 'Keep this chat as a record' } );
	await keep.click();
	await expect( keep ).toBeChecked();
	await expect( panel2.getByText( 'Kept as a record' ) ).toBeVisible();
	await expect( panel2.getByText( /exempts the chat and its transcript from automatic deletion/i ) ).toBeVisible();
	const refused = await annPage.request.post( `${ env.serviceUrl }/chats/delete`, { data: { site: v2.config.site, code: code2 } } );
	expect( refused.status() ).toBe( 409 );

	// Ann ends chat 2: the visitor is told, the tab stays readable as closed.
	await panel2.getByRole( 'button', { name: 'End chat' } ).click();
	await expect( v2.log ).toContainText( v2.s.ended );
	await expect( tab2 ).toContainText( 'Closed' );
	await expect( panel2.getByRole( 'button', { name: 'Close tab' } ) ).toBeVisible();

	// Tidy up for the tests after this one: Bob ends chat 1, both go offline.
	await bobPanel.getByRole( 'button', { name: 'End chat' } ).click();
	await expect( v1.log ).toContainText( v1.s.ended );
	await bobPage.getByRole( 'checkbox', { name: 'Online' } ).uncheck();
	await annPage.getByRole( 'checkbox', { name: 'Online' } ).uncheck();
	await expect( annPage.getByText( 'You get no new chats; your open chats go on.' ) ).toBeVisible();
	await expect( bobPage.getByText( 'You get no new chats; your open chats go on.' ) ).toBeVisible();
	await Promise.all( [ v1.close(), v2.close(), a.context.close(), b.context.close() ] );
} );

test( 'an agent who opted in hears and sees a chat assigned to them while in another window', async ( { browser } ) => {
	const admin = await Rest.as( browser );
	const cleo = await createAgent( admin, 'Cleo Console' );
	await admin.close();

	const c = await openConsole( browser, cleo, async ( p ) => {
		// Record notifications and tones instead of showing/playing them; the
		// console is "in another window" (Playwright's pages always have the focus).
		await p.addInitScript( () => {
			const w = window as unknown as { ccAlerts: string[]; Notification: unknown };
			w.ccAlerts = [];
			class FakeNotification {
				static permission = 'default';
				static requestPermission = () => {
					w.ccAlerts.push( 'permission asked' );
					FakeNotification.permission = 'granted';
					return Promise.resolve( 'granted' );
				};
				onclick: null | ( () => void ) = null;
				constructor( title: string, opts?: { body?: string; tag?: string } ) {
					w.ccAlerts.push( `notification: ${ title } | ${ opts?.body ?? '' } | ${ opts?.tag ?? '' }` );
				}
				close() {}
			}
			w.Notification = FakeNotification;
			const osc = AudioContext.prototype.createOscillator;
			AudioContext.prototype.createOscillator = function ( this: AudioContext ) {
				w.ccAlerts.push( 'tone' );
				return osc.call( this );
			};
			document.hasFocus = () => false;
		} );
	} );
	const page = c.page;
	const alerts = () => page.evaluate( () => ( window as unknown as { ccAlerts: string[] } ).ccAlerts );
	const optIn = page.getByRole( 'checkbox', { name: 'Alert me of new chats' } );
	await expect( optIn ).not.toBeChecked();
	// Nothing is asked of the browser before the agent's click.
	expect( await alerts() ).toEqual( [] );
	await optIn.check();
	await expect( page.getByText( /a desktop notification while you are in another window/ ) ).toBeVisible();
	expect( await alerts() ).toEqual( [ 'permission asked' ] );
	await page.getByRole( 'checkbox', { name: 'Online' } ).check();
	await expect( page.getByText( 'You can be assigned new chats.' ) ).toBeVisible();

	const v = await Visitor.open( browser );
	await v.openChat();
	await v.startChat( 'Anyone there?' );
	await expect( page.getByRole( 'tabpanel' ).getByRole( 'log' ) ).toContainText( 'Anyone there?' );
	await expect.poll( async () => ( await alerts() ).filter( ( x ) => x.startsWith( 'notification: New chat assigned' ) ) ).toHaveLength( 1 );
	const all = await alerts();
	// The chat may show in the queue for a moment before it is assigned: one
	// tone, and its notifications share a tag (the browser shows only the latest).
	expect( all.filter( ( x ) => x === 'tone' ) ).toHaveLength( 2 ); // one chime: two oscillators
	const notes = all.filter( ( x ) => x.startsWith( 'notification' ) );
	expect( notes[ notes.length - 1 ] ).toMatch( /^notification: New chat assigned to you \| Visitor [0-9A-Z]{4} .* \| consent-chat-\S+$/ );
	expect( new Set( notes.map( ( n ) => n.split( ' | ' )[ 2 ] ) ).size ).toBe( 1 );

	// End it and go offline, so nothing is left for later tests.
	await page.getByRole( 'tabpanel' ).getByRole( 'button', { name: 'End chat' } ).click();
	await expect( v.log ).toContainText( v.s.ended );
	await page.getByRole( 'checkbox', { name: 'Online' } ).uncheck();
	await expect( page.getByText( 'You get no new chats; your open chats go on.' ) ).toBeVisible();
	await Promise.all( [ v.close(), c.context.close() ] );
} );

test( 'an agent online for one department gets only its chats, and transfers a chat to another department’s queue', async ( { browser } ) => {
	const admin = await Rest.as( browser );
	const dana = await createAgent( admin, 'Dana Console' );
	await admin.close();
	const d = await openConsole( browser, dana );
	const page = d.page;
	const availability = async ( dept: string ) =>
		( ( await ( await page.request.get( `${ env.serviceUrl }/availability?site=demo&dept=${ dept }` ) ).json() ) as { online: boolean } ).online;

	await page.getByRole( 'checkbox', { name: 'Online' } ).check();
	await expect( page.getByText( 'You can be assigned new chats.' ) ).toBeVisible();
	await expect.poll( () => availability( 'billing' ) ).toBe( true );
	// Only sales: a department typed into the token field.
	await page.getByRole( 'checkbox', { name: 'All departments' } ).uncheck();
	const field = page.getByRole( 'combobox', { name: 'Only these departments' } );
	await field.fill( 'sales' );
	await field.press( 'Enter' );
	await expect( page.getByText( 'You get only chats of the departments below, and chats without a department.' ) ).toBeVisible();
	await expect.poll( () => availability( 'billing' ) ).toBe( false );
	expect( await availability( 'sales' ) ).toBe( true );

	// A sales chat (the standalone page with dept=sales) reaches Dana.
	const v = await Visitor.open( browser, `${ env.wpUrl }/?consent-chat=standalone&site=demo&direct=1&dept=sales` );
	await v.startChat( 'A question for sales' );
	const panel = page.getByRole( 'tabpanel' );
	await expect( panel.getByRole( 'log' ) ).toContainText( 'A question for sales' );
	await expect( panel ).toContainText( 'department sales' );

	// Dana hands it to billing's waiting list, where nobody is online: it waits there.
	await panel.getByRole( 'button', { name: 'Transfer…' } ).click();
	const modal = page.getByRole( 'dialog', { name: /Transfer the chat with/ } );
	// Nobody else is online: the department is preselected, and the agent choice says why.
	await expect( modal.getByRole( 'radio', { name: 'A department’s waiting list' } ) ).toBeChecked();
	await modal.getByRole( 'radio', { name: 'Another agent who is online' } ).check();
	await expect( modal.getByText( 'No other agent is online.' ) ).toBeVisible();
	await expect( modal.getByRole( 'button', { name: 'Transfer', exact: true } ) ).toBeDisabled();
	await modal.getByRole( 'radio', { name: 'A department’s waiting list' } ).check();
	// A text field with suggestions (a datalist): a combobox.
	await modal.getByRole( 'combobox', { name: 'Department' } ).fill( 'billing' );
	await modal.getByRole( 'button', { name: 'Transfer', exact: true } ).click();
	await expect( panel.getByText( 'You transferred this chat back to the waiting list.' ) ).toBeVisible();
	const item = page.locator( '.consent-chat-console__queue' ).getByRole( 'listitem' ).filter( { hasText: 'A question for sales' } );
	await expect( item ).toContainText( 'department billing' );

	// Taken back by hand: the departments Dana is online for choose what is sent to her, not what her
	// token allows her to take (all of them). Then ended.
	await item.getByRole( 'button', { name: 'Take chat' } ).click();
	await expect( panel.getByRole( 'button', { name: 'End chat' } ) ).toBeVisible();
	await panel.getByRole( 'button', { name: 'End chat' } ).click();
	await expect( v.log ).toContainText( v.s.ended );
	await page.getByRole( 'checkbox', { name: 'All departments' } ).check();
	await page.getByRole( 'checkbox', { name: 'Online' } ).uncheck();
	await expect( page.getByText( 'You get no new chats; your open chats go on.' ) ).toBeVisible();
	await Promise.all( [ v.close(), d.context.close() ] );
} );

test( 'the console asks no third party (no Gravatar): every request goes to the site or the chat service, and the agent’s initials stand in for the avatar', async ( { browser } ) => {
	const admin = await Rest.as( browser );
	const cleo = await createAgent( admin, 'Cleo Initials' );
	await admin.close();

	const context = await browser.newContext();
	const page = await context.newPage();
	// Every request of the page, answered or not: other hosts fail at once here
	// (playwright.config.ts), but the browser has still asked them.
	const asked: string[] = [];
	page.on( 'request', ( r ) => asked.push( r.url() ) );
	page.on( 'websocket', ( ws ) => asked.push( ws.url() ) );
	await logIn( page, cleo, env.consoleUrl );
	await expect( page.getByRole( 'checkbox', { name: 'Online' } ) ).toBeEnabled();
	// Barrier: the load event comes once every image, script and style of the document was asked for.
	await page.waitForLoadState( 'load' );

	const ours = new Set( [ new URL( env.wpUrl ).host, new URL( env.serviceUrl ).host ] );
	const network = asked.filter( ( u ) => ! /^(data|blob):/.test( u ) );
	expect( network.length ).toBeGreaterThan( 5 );
	expect( network.filter( ( u ) => ! ours.has( new URL( u ).host ) ) ).toEqual( [] );
	expect( network.filter( ( u ) => /gravatar/i.test( u ) ) ).toEqual( [] );

	// The admin bar's avatars are the initials, coloured from the name (the same in both places),
	// decorative there since the name stands beside them.
	const badges = page.locator( '#wpadminbar .consent-chat-initials' );
	await expect( badges ).toHaveCount( 2 );
	await expect( badges.first() ).toHaveText( 'CI' );
	await expect( badges.nth( 1 ) ).toHaveText( 'CI' );
	await expect( badges.first() ).toHaveAttribute( 'aria-hidden', 'true' );
	const colours = await badges.evaluateAll( ( els ) => els.map( ( e ) => getComputedStyle( e ).backgroundColor ) );
	expect( new Set( colours ).size ).toBe( 1 );
	await expect( page.locator( '#wpadminbar img[src*="gravatar"]' ) ).toHaveCount( 0 );
	await context.close();
} );

test( 'an agent whose Chat agent role is removed loses agent access in the open console within seconds', async ( { browser } ) => {
	const admin = await Rest.as( browser );
	const eve = await createAgent( admin, 'Eve Console' );
	const e = await openConsole( browser, eve );
	const page = e.page;
	await page.getByRole( 'checkbox', { name: 'Online' } ).check();
	await expect( page.getByText( 'You can be assigned new chats.' ) ).toBeVisible();
	const v = await Visitor.open( browser );
	await v.openChat();
	await v.startChat( 'A question for Eve' );
	await expect( page.getByRole( 'tabpanel' ).getByRole( 'log' ) ).toContainText( 'A question for Eve' );
	// A copy of one of Eve's tokens, taken before the change (as if someone kept it).
	const asEve = await Rest.as( browser, eve );
	const kept = ( await ( await asEve.post( '/consent-chat/v1/agent-token', {} ) ).json() ) as { token: string; service: string };

	// The admin makes Eve a subscriber (wp-admin's Users screen and the REST API both go through set_role).
	const changed = await admin.post( `/wp/v2/users/${ eve.id }`, { roles: [ 'subscriber' ] } );
	expect( changed.status(), await changed.text() ).toBe( 200 );

	// The open console: a clear message within seconds, and nothing of the chats left.
	await expect( page.locator( '#consent-chat-console' ).getByText( 'You no longer have access to live chat' ) ).toBeVisible( { timeout: 10_000 } );
	await expect( page.getByRole( 'tab' ) ).toHaveCount( 0 );
	await expect( page.locator( '.consent-chat-console__queue' ).getByRole( 'listitem' ) ).toHaveCount( 0 );
	await expect( page.getByRole( 'checkbox', { name: 'Online' } ) ).toBeDisabled();
	// The visitor is told honestly that the agent is away (the chat goes back to the queue after the grace period).
	await expect( v.dialog.locator( '.cc-status' ) ).toContainText( v.s.agentAway );
	// WordPress gives Eve no token now, and the kept one opens nothing at the service.
	expect( ( await asEve.post( '/consent-chat/v1/agent-token', {} ) ).status() ).toBe( 403 );
	const client = await TestClient.open( kept.service, env.wpUrl );
	client.send( { type: 'hello', token: kept.token } );
	expect( await client.next( 'error' ) ).toMatchObject( { code: 'token_revoked' } );
	await client.closed;

	await v.dialog.getByRole( 'button', { name: v.s.endChat } ).click();
	await expect( v.log ).toContainText( v.s.ended );
	await Promise.all( [ v.close(), e.context.close(), asEve.close(), admin.close() ] );
} );
