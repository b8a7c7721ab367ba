/**
 * What the agent who takes a chat from the site's assistant sees, in real
 * Chromium against the real WordPress and service: the admin puts the
 * assistant's answers into WordPress (which pushes them to the service);
 * visitors, driven over the service's real WebSocket, ask a question the
 * assistant answers, one whose answer holds an XSS attempt, one it cannot
 * answer, then ask for a person. The agent's console shows the history with
 * the assistant's messages marked as its own, their Markdown drawn (bold is
 * <strong>) and the HTML in an answer as text; the same for a no-storage
 * chat (what the service still holds in memory); the new events in German;
 * axe finds nothing on the console showing such a chat. The Statistics page
 * then shows the assistant's three counts, up by exactly what happened.
 *
 * One WordPress and one service serve every spec of a run, so counts are
 * compared before and after, never against fixed totals. Every change to
 * WordPress is put back.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { TestClient } from '../helpers/ws-client';
import { env, logIn } from './env';
import { ADMIN, Rest } from './rest';

test.describe.configure( { timeout: 180_000 } );

const WCAG = [ 'wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa' ];
const STATS = `${ env.wpUrl }/wp-admin/admin.php?page=consent-chat-stats`;

/** Written as an admin would, Markdown and all; the second answer tries to run script in the console. */
const XSS = 'Look: <img src=x onerror="window.ccXss=1"> <script>window.ccXss=2</script> and **bold**';
const ASSISTANT = {
	settings: { mode: 'first', departments: {}, handoverAfter: 3 },
	content: {
		locales: {
			en_US: {
				answers: [
					{ id: 'shipping', title: 'Shipping costs', questions: [ 'How much is shipping?', 'What does delivery cost?' ], answer: 'Shipping is **free** from 50 €.' },
					{ id: 'markup', title: 'Markup sample', questions: [ 'Can you show the markup sample?' ], answer: XSS },
				],
				dialogs: [],
			},
		},
	},
};

type Counts = { answered: number; noAnswer: number; handedOver: number };

const LABELS: Record< keyof Counts, string > = {
	answered: 'Answered by the assistant',
	noAnswer: 'No answer found',
	handedOver: 'Handed over to a person',
};

const number = ( text: string | null ): number => Number( ( text ?? '' ).replace( /\D/g, '' ) || '0' );

/** The assistant's totals and today's row of "Assistant per day", as the Statistics page shows them. */
async function readStats( page: Page ): Promise< { totals: Counts; today: Counts } > {
	await page.goto( STATS );
	const section = page.getByRole( 'region', { name: 'Automatic assistant' } );
	await expect( section ).toBeVisible();
	await expect( section ).toContainText( 'the more it pays to write answers for what visitors ask. What they asked is not kept, only how often.' );
	const totals = {} as Counts;
	for ( const [ key, label ] of Object.entries( LABELS ) as Array< [ keyof Counts, string ] > ) {
		totals[ key ] = number( await section.locator( 'div' ).filter( { has: page.getByRole( 'term' ).getByText( label, { exact: true } ) } ).getByRole( 'definition' ).textContent() );
	}
	await page.getByRole( 'checkbox', { name: 'Show the charts’ figures as tables' } ).check();
	const table = page.getByRole( 'table', { name: 'Assistant per day' } );
	const headers = await table.locator( 'thead th' ).allTextContents();
	const cells = await table.locator( 'tbody tr' ).last().locator( 'td' ).allTextContents();
	// Columns after the day, in the order the table names them.
	const cell = ( label: string ): number => number( cells[ headers.indexOf( label ) - 1 ] );
	return { totals, today: { answered: cell( LABELS.answered ), noAnswer: cell( LABELS.noAnswer ), handedOver: cell( LABELS.handedOver ) } };
}

/** A fresh user with the Chat agent role, made by the admin through /wp/v2/users. */
async function createAgent( admin: Rest ): Promise< { login: string; password: string } > {
	const login = `assist-agent-${ Math.random().toString( 36 ).slice( 2, 8 ) }`;
	const password = `pw-${ login }-Secret!`;
	const res = await admin.post( '/wp/v2/users', { username: login, password, email: `${ login }@example.org`, name: 'Asa Agent', roles: [ 'consent_chat_agent' ] } );
	expect( res.status(), await res.text() ).toBe( 201 );
	return { login, password };
}

/** The agent's console in its own browser context (German when asked), connected. */
async function openConsole( browser: Browser, user: { login: string; password: string }, german = false ): Promise< { context: BrowserContext; page: Page } > {
	const context = await browser.newContext( { viewport: { width: 1280, height: 900 } } );
	if ( german ) await context.addCookies( [ { name: 'cc_e2e_locale', value: 'de_DE', url: env.wpUrl } ] );
	const page = await context.newPage();
	await logIn( page, user, env.consoleUrl );
	await expect( page.getByRole( 'checkbox', { name: 'Online' } ) ).toBeEnabled();
	return { context, page };
}

/** A visitor over the service's WebSocket, with a token from WordPress as the widget gets one. */
async function visitor(): Promise< TestClient > {
	const ticket = ( await ( await fetch( `${ env.wpUrl }/?rest_route=/consent-chat/v1/visitor-token`, { method: 'POST' } ) ).json() ) as { token: string; service: string };
	const client = await TestClient.open( ticket.service, env.wpUrl );
	client.send( { type: 'hello', token: ticket.token } );
	await client.next( 'welcome' );
	return client;
}

/** The visitor writes `text`; resolves with the assistant's reply. */
async function ask( v: TestClient, chatId: string, clientId: string, text: string ) {
	v.send( { type: 'send', chatId, clientId, text } );
	const seq = await v.acked( clientId );
	return v.next( 'message', ( m ) => m.chatId === chatId && m.from === 'assistant' && m.seq > seq );
}

/** The open chat's panel in the console, selected by its tab ("Visitor ABCD", German "Besucher ABCD"). */
async function chatPanel( page: Page, chatId: string ) {
	await page.getByRole( 'tab', { name: new RegExp( `(Visitor|Besucher) ${ chatId.slice( 0, 4 ).toUpperCase() }` ) } ).click();
	return page.getByRole( 'tabpanel' ).locator( '.consent-chat-console__log' );
}

test( 'the agent who takes a chat from the assistant sees what it said, marked and safely drawn; the statistics count it', async ( { browser } ) => {
	const admin = await Rest.as( browser );
	const before = ( ( await ( await admin.get( '/wp/v2/settings' ) ).json() ) as Record< string, unknown > ).consent_chat_assistant;
	const statsContext = await browser.newContext( { viewport: { width: 1280, height: 1100 } } );
	const statsPage = await statsContext.newPage();
	await logIn( statsPage, ADMIN, STATS );
	const agent = await createAgent( admin );
	const visitors: TestClient[] = [];
	const contexts: BrowserContext[] = [];
	try {
		const statsBefore = await readStats( statsPage );
		// As the Assistant tab saves it: WordPress pushes it to the service in that request.
		const put = await admin.post( '/wp/v2/settings', { consent_chat_assistant: ASSISTANT } );
		expect( put.status(), await put.text() ).toBe( 200 );

		// The agent is online, so a hand-over reaches the queue (nobody online: the contact form).
		const { context, page } = await openConsole( browser, agent );
		contexts.push( context );
		await page.getByRole( 'checkbox', { name: 'Online' } ).check();
		await expect( page.getByText( 'You can be assigned new chats.' ) ).toBeVisible();

		// A stored chat: answered, an answer with HTML in it, nothing found.
		const v1 = await visitor();
		visitors.push( v1 );
		v1.send( { type: 'start', clientId: 'ac-q1', text: 'How much is shipping?' } );
		const started = await v1.next( 'started' );
		expect( started.chat ).toMatchObject( { status: 'assistant', mode: 'stored' } );
		const chat1 = started.chat.id;
		expect( ( await v1.next( 'message', ( m ) => m.chatId === chat1 && m.from === 'assistant' ) ).text ).toBe( 'Shipping is **free** from 50 €.' );
		expect( ( await ask( v1, chat1, 'ac-q2', 'Can you show the markup sample?' ) ).text ).toBe( XSS );
		expect( await ask( v1, chat1, 'ac-q3', 'Zzyzx qwghlm vrrp?' ) ).toMatchObject( { event: 'no_answer', person: true } );
		// A second chat, still with the assistant when the first is handed over: one that stores
		// nothing ("forget this chat" starts one), so the agent will see what the service holds in memory.
		const v2 = await visitor();
		visitors.push( v2 );
		v2.send( { type: 'start', clientId: 'ac-s1' } );
		const first = await v2.next( 'started' );
		v2.send( { type: 'restart', chatId: first.chat.id, clientId: 'ac-s2' } );
		const restarted = await v2.next( 'started' );
		expect( restarted.chat.id ).not.toBe( first.chat.id );
		expect( restarted.chat ).toMatchObject( { status: 'assistant', mode: 'ephemeral' } );
		const chat2 = restarted.chat.id;
		expect( ( await ask( v2, chat2, 'ac-s3', 'What does delivery cost?' ) ).text ).toBe( 'Shipping is **free** from 50 €.' );

		// "Talk to a person": handed over, and (the only agent online) assigned to this one.
		v1.send( { type: 'handover', chatId: chat1 } );
		await v1.next( 'message', ( m ) => m.chatId === chat1 && m.event === 'handed_over' );
		await v1.next( 'message', ( m ) => m.chatId === chat1 && m.event === 'agent_joined' );

		const log1 = await chatPanel( page, chat1 );
		await expect( log1.getByText( 'The assistant handed the chat over to a person' ) ).toBeVisible();
		const fromAssistant = log1.locator( '.consent-chat-console__msg--assistant' );
		await expect( fromAssistant ).toHaveCount( 3 );
		await expect( fromAssistant.getByText( 'Automatic assistant' ) ).toHaveCount( 3 );
		// Markdown drawn: **free** is bold.
		await expect( fromAssistant.nth( 0 ).locator( 'strong' ) ).toHaveText( 'free' );
		await expect( fromAssistant.nth( 0 ) ).toContainText( 'Shipping is free from 50 €.' );
		// The HTML in an answer is text: no element made of it, nothing run.
		await expect( fromAssistant.nth( 1 ) ).toContainText( '<img src=x onerror="window.ccXss=1"> <script>window.ccXss=2</script>' );
		await expect( fromAssistant.nth( 1 ).locator( 'strong' ) ).toHaveText( 'bold' );
		await expect( log1.locator( 'img, script' ) ).toHaveCount( 0 );
		expect( await page.evaluate( () => ( window as unknown as { ccXss?: number } ).ccXss ) ).toBeUndefined();
		await expect( fromAssistant.nth( 2 ) ).toContainText( 'No answer found' );
		await expect( fromAssistant.nth( 2 ) ).toContainText( 'Offered to talk to a person' );
		// The visitor's own messages stay theirs, as text.
		await expect( log1.locator( '.consent-chat-console__msg--visitor' ) ).toHaveCount( 3 );
		// The hand-over's dispatch sent every agent its queue before the history this console asked
		// for (one connection, in order): the chat still with the assistant is in neither queue nor tabs.
		await expect( page.locator( '.consent-chat-console__queue' ) ).toContainText( 'Nobody is waiting.' );
		await expect( page.getByRole( 'tab' ) ).toHaveCount( 1 );

		// The no-storage chat is handed over too.
		v2.send( { type: 'handover', chatId: chat2 } );
		await v2.next( 'message', ( m ) => m.chatId === chat2 && m.event === 'agent_joined' );
		const log2 = await chatPanel( page, chat2 );
		await expect( log2.locator( '.consent-chat-console__msg--assistant strong' ) ).toHaveText( 'free' );
		await expect( log2.locator( '.consent-chat-console__msg--visitor' ) ).toContainText( 'What does delivery cost?' );
		await expect( log2.getByText( 'The assistant handed the chat over to a person' ) ).toBeVisible();

		// axe on the console showing a handed-over chat (the stored one, with every kind of the assistant's messages).
		await chatPanel( page, chat1 );
		const axe = await new AxeBuilder( { page } ).include( '#consent-chat-console' ).withTags( WCAG ).analyze();
		expect( axe.violations.map( ( v ) => `${ v.id }: ${ v.nodes.map( ( n ) => n.target.join( ' ' ) ).join( ', ' ) }` ) ).toEqual( [] );

		// The same agent in German: a second console (it syncs both chats from the service).
		const german = await openConsole( browser, agent, true );
		contexts.push( german.context );
		const de1 = await chatPanel( german.page, chat1 );
		await expect( de1.getByText( 'Der Assistent hat den Chat an einen Menschen übergeben' ) ).toBeVisible();
		await expect( de1.getByText( 'Keine Antwort gefunden' ) ).toBeVisible();
		await expect( de1.getByText( 'Hat angeboten, mit einem Menschen zu sprechen' ) ).toBeVisible();
		await expect( de1.locator( '.consent-chat-console__msg--assistant' ).getByText( 'Automatischer Assistent' ) ).toHaveCount( 3 );
		const de2 = await chatPanel( german.page, chat2 );
		await expect( de2.locator( '.consent-chat-console__msg--assistant strong' ) ).toHaveText( 'free' );

		// Both chats end, so no later spec finds them in a queue.
		for ( const [ v, id ] of [ [ v1, chat1 ], [ v2, chat2 ] ] as const ) {
			v.send( { type: 'end', chatId: id } );
			await v.next( 'message', ( m ) => m.chatId === id && m.event === 'ended' );
		}

		// Statistics: three answers (two in the stored chat, one in the other), one message with none, two hand-overs.
		const statsAfter = await readStats( statsPage );
		const diff = ( a: Counts, b: Counts ): Counts => ( { answered: a.answered - b.answered, noAnswer: a.noAnswer - b.noAnswer, handedOver: a.handedOver - b.handedOver } );
		const happened: Counts = { answered: 3, noAnswer: 1, handedOver: 2 };
		expect( diff( statsAfter.totals, statsBefore.totals ) ).toEqual( happened );
		expect( diff( statsAfter.today, statsBefore.today ) ).toEqual( happened );
	} finally {
		for ( const v of visitors ) v.close();
		for ( const c of contexts ) await c.close();
		await statsContext.close();
		const back = await admin.post( '/wp/v2/settings', { consent_chat_assistant: before } );
		expect( back.status(), await back.text() ).toBe( 200 );
		await admin.close();
	}
} );

test( 'the Statistics page says what “no answer found” is for, in German too', async ( { browser } ) => {
	const context = await browser.newContext();
	await context.addCookies( [ { name: 'cc_e2e_locale', value: 'de_DE', url: env.wpUrl } ] );
	const page = await context.newPage();
	await logIn( page, ADMIN, STATS );
	const section = page.getByRole( 'region', { name: 'Automatischer Assistent' } );
	await expect( section.getByRole( 'term' ) ).toHaveText( [ 'Vom Assistenten beantwortet', 'Keine Antwort gefunden', 'An einen Menschen übergeben' ] );
	await expect( section ).toContainText( 'Was gefragt wurde, wird nicht gespeichert, nur wie oft.' );
	await context.close();
} );
