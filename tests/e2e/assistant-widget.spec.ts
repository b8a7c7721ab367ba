/**
 * The site's assistant as a visitor meets it, in real Chromium against the
 * real WordPress and the real service: an admin's answers and dialogs go in
 * through WordPress's REST API (the option the Assistant tab saves, which
 * WordPress pushes to the service), and a visitor on the demo page gets the
 * honest start window, Markdown answers, options as buttons and as a
 * drop-down, a three-step dialog with a date picker whose answers leave the
 * browser only as one `submit` at the end, "talk to a person" with and
 * without anyone online (then the contact form, prefilled, opt-in still
 * required), hostile answers shown as text, and all of it in German on a
 * German page. axe checks the new views. The assistant is turned off again
 * afterwards, as it was.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import { AgentBot } from './agent-bot';
import { AGENT, env } from './env';
import { Rest } from './rest';
import { Visitor } from './visitor';

test.describe.configure( { timeout: 120_000 } );

const WCAG = [ 'wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa' ];
const PERSON_OPTION = 'Speak to someone';
const HOSTILE = 'Look: <img src=x onerror="window.xssHit=1;alert(1)"> and <script>window.xssHit=2;alert(2)</script> **done**';

const CONTENT = {
	locales: {
		en_US: {
			answers: [
				{
					id: 'shipping',
					title: 'Shipping costs',
					questions: [ 'What does shipping cost?', 'How much is delivery?' ],
					answer: 'Shipping is **free** from 50 €.',
					options: [
						{ label: 'Returns', to: 'answer', answer: 'returns' },
						{ label: 'Call me back', to: 'dialog', dialog: 'callback' },
						{ label: PERSON_OPTION, to: 'person' },
					],
				},
				{
					id: 'returns',
					title: 'Returns',
					questions: [ 'How do I return an item?' ],
					answer: 'Send it back within _30 days_.',
					options: [
						{ label: 'Opening hours', to: 'answer', answer: 'hours' },
						{ label: 'Payment', to: 'answer', answer: 'payment' },
						{ label: 'Vouchers', to: 'answer', answer: 'vouchers' },
						{ label: 'Shipping costs', to: 'answer', answer: 'shipping' },
						{ label: 'Call me back', to: 'dialog', dialog: 'callback' },
					],
				},
				{ id: 'hours', title: 'Opening hours', questions: [ 'When are you open?' ], answer: 'We are open **9 to 5**.' },
				{ id: 'payment', title: 'Payment', questions: [ 'How can I pay?' ], answer: 'By card or invoice.' },
				{ id: 'vouchers', title: 'Vouchers', questions: [ 'Do you sell vouchers?' ], answer: 'Yes, at the till.' },
				{ id: 'script-test', title: 'Script test', questions: [ 'Tell me about scripts' ], answer: HOSTILE },
				{
					id: 'writing',
					title: 'Writing to us',
					questions: [ 'I want to write to you' ],
					answer: 'Leave us your details.',
					options: [ { label: 'Leave a message', to: 'dialog', dialog: 'message' } ],
				},
			],
			dialogs: [
				{
					id: 'callback',
					title: 'Call me back',
					steps: [
						{ id: 'name', question: 'Your name?', input: 'text' },
						{ id: 'day', question: 'Which day?', input: 'date' },
						{ id: 'time', question: 'Morning or afternoon?', input: 'choice', choices: [ 'Morning', 'Afternoon' ] },
					],
					complete: { action: 'end', text: 'Thank you, **we will call you**.' },
				},
				{
					id: 'message',
					title: 'Leave a message',
					steps: [
						{ id: 'name', question: 'Your name?', input: 'text' },
						{ id: 'topic', question: 'What is it about?', input: 'choice', choices: [ 'An order', 'Something else' ], required: false },
						{ id: 'email', question: 'Your e-mail address?', input: 'email' },
					],
					complete: { action: 'contact' },
				},
			],
		},
		de_DE: {
			answers: [
				{
					id: 'versand',
					title: 'Versandkosten',
					questions: [ 'Was kostet der Versand?' ],
					answer: 'Der Versand ist ab 50 € **kostenlos**.',
					options: [ { label: 'Rückruf', to: 'dialog', dialog: 'rueckruf' }, { label: 'Mensch', to: 'person' } ],
				},
			],
			dialogs: [
				{ id: 'rueckruf', title: 'Rückruf', steps: [ { id: 'tag', question: 'An welchem Tag?', input: 'date' } ], complete: { action: 'end', text: 'Danke, wir rufen an.' } },
			],
		},
	},
};

let assistantBefore: unknown;

async function siteId( admin: Rest ): Promise< string > {
	return ( ( await ( await admin.get( '/consent-chat/v1/settings' ) ).json() ) as { connection: { siteId: string } } ).connection.siteId;
}

/** What the service says a chat started now would get (GET /availability). */
async function assistantAnswers( site: string ): Promise< boolean > {
	const res = await fetch( `${ env.serviceUrl }/availability?site=${ encodeURIComponent( site ) }` );
	return ( ( await res.json() ) as { assistant: boolean } ).assistant;
}

/** As the Assistant tab saves: the option through WordPress's REST API; WordPress pushes it to the service. */
async function setAssistant( browser: Browser, value: unknown, answers: boolean ): Promise< void > {
	const admin = await Rest.as( browser );
	try {
		const put = await admin.post( '/wp/v2/settings', { consent_chat_assistant: value } );
		expect( put.status(), await put.text() ).toBe( 200 );
		const site = await siteId( admin );
		await expect.poll( () => assistantAnswers( site ) ).toBe( answers );
	} finally {
		await admin.close();
	}
}

test.beforeAll( async ( { browser } ) => {
	const admin = await Rest.as( browser );
	assistantBefore = ( ( await ( await admin.get( '/wp/v2/settings' ) ).json() ) as Record< string, unknown > ).consent_chat_assistant;
	await admin.close();
	await setAssistant( browser, { settings: { mode: 'first', departments: {}, handoverAfter: 2 }, content: CONTENT }, true );
} );

test.afterAll( async ( { browser } ) => {
	await setAssistant( browser, assistantBefore, false );
} );

async function violations( page: Page ): Promise< string[] > {
	const result = await new AxeBuilder( { page } ).include( '[data-consent-chat]' ).withTags( WCAG ).analyze();
	return result.violations.map( ( v ) => `${ v.id }: ${ v.nodes.map( ( n ) => n.target.join( ' ' ) ).join( ', ' ) }` );
}

function lastAnswer( v: Visitor ): Locator {
	return v.log.locator( '.cc-msg--assistant' ).last();
}

function panel( v: Visitor ): Locator {
	return v.dialog.locator( '.cc-panel' );
}

function stepOf( v: Visitor, n: number, of: number ): string {
	return v.s.stepOf.replace( '%1$d', String( n ) ).replace( '%2$d', String( of ) );
}

/** A date `days` from today in the browser's time, as YYYY-MM-DD and written out in `locale`. */
function dayFromToday( page: Page, days: number, locale: string ): Promise< { iso: string; words: string } > {
	return page.evaluate(
		( [ days, locale ] ) => {
			const d = new Date();
			d.setDate( d.getDate() + days );
			const iso = [ d.getFullYear(), String( d.getMonth() + 1 ).padStart( 2, '0' ), String( d.getDate() ).padStart( 2, '0' ) ].join( '-' );
			return { iso, words: new Intl.DateTimeFormat( locale, { dateStyle: 'full' } ).format( d ) };
		},
		[ days, locale ] as const
	);
}

test( 'the start window says an assistant answers; its answer in Markdown; options as buttons, then as a drop-down', async ( { browser } ) => {
	const v = await Visitor.open( browser );
	const { s } = v;
	await v.openChat();
	await expect( v.dialog.getByText( s.assistantIntro ) ).toBeVisible();
	await v.startChat( 'What does shipping cost?' );
	// The page's language travels with the start: it picks the site's content.
	expect( v.sent.find( ( f ) => f.type === 'start' )?.lang ).toBe( 'en_US' );

	const answer = lastAnswer( v );
	await expect( answer ).toContainText( 'Shipping is free from 50 €.' );
	await expect( answer.locator( 'strong' ) ).toHaveText( 'free' );
	await expect( answer.locator( '.cc-msg__who' ) ).toHaveText( s.assistant );
	await expect( v.dialog.locator( '.cc-status > span' ) ).toHaveText( s.assistantStatus );
	await expect( v.dialog.locator( '.cc-actions' ).getByRole( 'button', { name: s.talkToPerson } ) ).toBeVisible();

	// Three options: buttons.
	const buttons = panel( v ).getByRole( 'group', { name: s.chooseOption } ).getByRole( 'button' );
	await expect( buttons ).toHaveText( [ 'Returns', 'Call me back', PERSON_OPTION ] );
	expect( await violations( v.page ) ).toEqual( [] );

	// Five options: a labelled drop-down with its own button; the pick is sent as the option's text.
	await buttons.filter( { hasText: 'Returns' } ).click();
	await expect( lastAnswer( v ).locator( 'em' ) ).toHaveText( '30 days' );
	const select = panel( v ).getByRole( 'combobox', { name: s.chooseOption } );
	await expect( select.locator( 'option' ) ).toHaveText( [ 'Opening hours', 'Payment', 'Vouchers', 'Shipping costs', 'Call me back' ] );
	await expect( panel( v ).getByRole( 'group' ) ).toHaveCount( 0 );
	await select.selectOption( 'Opening hours' );
	await panel( v ).getByRole( 'button', { name: s.send } ).click();
	await expect( lastAnswer( v ).locator( 'strong' ) ).toHaveText( '9 to 5' );
	expect( v.sent.filter( ( f ) => f.type === 'send' ).map( ( f ) => f.text ) ).toEqual( [ 'Returns', 'Opening hours' ] );
	await v.close();
} );

test( 'a three-step dialog with a date picker: one step at a time, Back keeps answers, and only the completed dialog is sent', async ( { browser } ) => {
	const v = await Visitor.open( browser );
	const { s } = v;
	const chunks: string[] = [];
	v.page.on( 'request', ( r ) => {
		if ( new URL( r.url() ).pathname.endsWith( '/date-picker.js' ) ) chunks.push( r.url() );
	} );
	await v.openChat();
	await v.startChat( 'What does shipping cost?' );
	await panel( v ).getByRole( 'button', { name: 'Call me back' } ).click();

	const dialog = panel( v ).getByRole( 'region', { name: 'Call me back' } );
	await expect( dialog.getByText( stepOf( v, 1, 3 ) ) ).toBeVisible();
	const name = dialog.getByRole( 'textbox', { name: 'Your name?' } );
	await expect( name ).toBeFocused();
	expect( await violations( v.page ) ).toEqual( [] );
	// Each step is checked before the next.
	await dialog.getByRole( 'button', { name: s.next, exact: true } ).click();
	await expect( dialog.getByText( s.fieldRequired.replace( '%s', 'Your name?' ) ) ).toBeVisible();
	await name.fill( 'Zed Quill' );
	expect( chunks ).toEqual( [] ); // the calendar is not part of the widget: fetched when a date is asked for
	await dialog.getByRole( 'button', { name: s.next, exact: true } ).click();

	// Step 2: the date picker, loaded now.
	await expect( dialog.getByText( stepOf( v, 2, 3 ) ) ).toBeVisible();
	const calendar = dialog.locator( 'calendar-date' );
	await expect( calendar.getByRole( 'button', { name: s.nextMonth } ) ).toBeVisible();
	expect( chunks ).toHaveLength( 1 );
	await dialog.getByRole( 'button', { name: s.next, exact: true } ).click();
	await expect( dialog.getByText( s.chooseDate ) ).toBeVisible();
	// By keyboard: today's day is the calendar's tab stop; the arrow moves to tomorrow, Enter picks it.
	const tomorrow = await dayFromToday( v.page, 1, 'en-US' );
	await calendar.locator( 'button[aria-current="date"]' ).focus();
	await v.page.keyboard.press( 'ArrowRight' );
	await v.page.keyboard.press( 'Enter' );
	await expect( dialog.getByText( s.dateChosen.replace( '%s', tomorrow.words ) ) ).toBeVisible();
	expect( await violations( v.page ) ).toEqual( [] );
	await dialog.getByRole( 'button', { name: s.next, exact: true } ).click();

	// Step 3: two choices, as buttons.
	await expect( dialog.getByText( stepOf( v, 3, 3 ) ) ).toBeVisible();
	await expect( dialog.getByRole( 'group', { name: 'Morning or afternoon?' } ).getByRole( 'button' ) ).toHaveText( [ 'Morning', 'Afternoon' ] );
	await expect( dialog.getByRole( 'button', { name: s.skip } ) ).toHaveCount( 0 ); // required: no way round it

	// Back, and back again: the answers are kept; the name is changed.
	await dialog.getByRole( 'button', { name: s.back } ).click();
	await expect( dialog.getByText( stepOf( v, 2, 3 ) ) ).toBeVisible();
	await expect( dialog.getByText( s.dateChosen.replace( '%s', tomorrow.words ) ) ).toBeVisible();
	await expect( calendar.locator( 'button[aria-pressed="true"]' ) ).toHaveCount( 1 );
	await dialog.getByRole( 'button', { name: s.back } ).click();
	await expect( name ).toHaveValue( 'Zed Quill' );
	await name.fill( 'Zed Quill-Smith' );
	await dialog.getByRole( 'button', { name: s.next, exact: true } ).click();
	await expect( dialog.getByText( s.dateChosen.replace( '%s', tomorrow.words ) ) ).toBeVisible();
	await dialog.getByRole( 'button', { name: s.next, exact: true } ).click();
	await dialog.getByRole( 'button', { name: 'Afternoon' } ).click();

	// The dialog's end text answers the submit: the barrier after which every frame sent is recorded.
	await expect( lastAnswer( v ).locator( 'strong' ) ).toHaveText( 'we will call you' );
	await expect( dialog ).toHaveCount( 0 );
	const submits = v.sent.filter( ( f ) => f.type === 'submit' );
	expect( submits ).toHaveLength( 1 );
	expect( submits[ 0 ] ).toMatchObject( { dialog: 'callback', fields: { name: 'Zed Quill-Smith', day: tomorrow.iso, time: 'Afternoon' } } );
	// No step's answer in any other frame, before or after.
	const others = v.sent.filter( ( f ) => f !== submits[ 0 ] ).map( ( f ) => JSON.stringify( f ) );
	for ( const answer of [ 'Zed Quill', tomorrow.iso, 'Afternoon' ] ) expect( others.filter( ( f ) => f.includes( answer ) ) ).toEqual( [] );
	await expect( v.log.locator( '.cc-msg--visitor' ).last() ).toHaveText( new RegExp( `Zed Quill-Smith · ${ tomorrow.iso } · Afternoon` ) );
	await v.close();
} );

test( 'an answer with HTML in it is shown as text: no element, no script, no dialog', async ( { browser } ) => {
	const v = await Visitor.open( browser );
	const alerts = v.recordAlerts();
	await v.openChat();
	await v.startChat( 'Tell me about scripts' );
	const answer = lastAnswer( v );
	await expect( answer.locator( 'strong' ) ).toHaveText( 'done' );
	await expect( answer ).toContainText( '<img src=x onerror="window.xssHit=1;alert(1)">' );
	await expect( answer ).toContainText( '<script>window.xssHit=2;alert(2)</script>' );
	await expect( v.dialog.locator( 'img, script' ) ).toHaveCount( 0 );
	expect( await v.page.evaluate( () => ( window as unknown as { xssHit?: number } ).xssHit ) ).toBeUndefined();
	expect( alerts ).toEqual( [] );
	await v.close();
} );

test( 'nobody online: the assistant still answers; asking for a person opens the contact form, prefilled, its opt-in still required', async ( { browser } ) => {
	const v = await Visitor.open( browser );
	const { s, config } = v;
	await v.openChat();
	// Nobody is online, but the assistant answers: the start window, not the contact form.
	await expect( v.dialog.getByText( s.assistantIntro ) ).toBeVisible();
	await expect( v.dialog.getByText( s.contactIntro ) ).toHaveCount( 0 );
	const label = ( fields: typeof config.contact, id: string ): string => fields.find( ( f ) => f.id === id )!.label;
	const email = `nora-${ Date.now() }@example.org`;
	await v.startChat( 'What does shipping cost?', { [ label( config.prechat, 'name' ) ]: 'Nora Nobody', [ label( config.prechat, 'email' ) ]: email } );
	await expect( lastAnswer( v ).locator( 'strong' ) ).toHaveText( 'free' );

	// "Talk to a person", at any time while the assistant answers.
	await v.dialog.locator( '.cc-actions' ).getByRole( 'button', { name: s.talkToPerson } ).click();
	await expect( v.log.locator( '.cc-msg--system' ).last() ).toHaveText( s.contactOffered );
	expect( v.sent.filter( ( f ) => f.type === 'handover' ) ).toHaveLength( 1 );
	const contact = panel( v ).locator( '.cc-contact' );
	const field = ( id: string ): Locator => contact.getByLabel( label( config.contact, id ), { exact: false } );
	await expect( field( 'name' ) ).toHaveValue( 'Nora Nobody' );
	await expect( field( 'email' ) ).toHaveValue( email );
	await expect( field( 'message' ) ).toHaveValue( 'What does shipping cost?' );
	const optIn = config.contact.find( ( f ) => f.optIn && f.required )!;
	const box = contact.getByRole( 'checkbox', { name: optIn.label } );
	await expect( box ).not.toBeChecked();
	await contact.getByRole( 'button', { name: s.contactSend } ).click();
	await expect( box ).toHaveAttribute( 'aria-invalid', 'true' );
	await expect( contact.getByText( s.tickRequired ) ).toBeVisible();
	expect( v.serviceRequests.filter( ( r ) => r.includes( '/contact' ) ) ).toEqual( [] );
	await box.check();
	await contact.getByRole( 'button', { name: s.contactSend } ).click();
	await expect( panel( v ).getByText( s.contactSent ) ).toBeVisible();
	expect( v.serviceRequests ).toContain( 'POST /contact' );

	// A dialog whose end is the contact form: prefilled with the dialog's answers and the question before it.
	await v.say( 'I want to write to you' );
	await panel( v ).getByRole( 'button', { name: 'Leave a message' } ).click();
	const dialog = panel( v ).getByRole( 'region', { name: 'Leave a message' } );
	await dialog.getByRole( 'textbox', { name: 'Your name?' } ).fill( 'Dora Dialog' );
	await dialog.getByRole( 'button', { name: s.next, exact: true } ).click();
	// An optional choice can be skipped (its buttons would each pick an answer); a required one offers no skip (the callback's time).
	await expect( dialog.getByRole( 'group', { name: 'What is it about?' } ).getByRole( 'button' ) ).toHaveText( [ 'An order', 'Something else' ] );
	await dialog.getByRole( 'button', { name: s.skip } ).click();
	const address = dialog.getByRole( 'textbox', { name: 'Your e-mail address?' } );
	await address.fill( 'not an address' );
	await dialog.getByRole( 'button', { name: s.sendAnswers } ).click();
	await expect( dialog.getByText( s.invalidEmail ) ).toBeVisible();
	await address.fill( 'dora@example.org' );
	await dialog.getByRole( 'button', { name: s.sendAnswers } ).click();
	await expect( v.log.locator( '.cc-msg--system' ).last() ).toHaveText( s.contactOffered );
	await expect( field( 'name' ) ).toHaveValue( 'Dora Dialog' );
	await expect( field( 'email' ) ).toHaveValue( 'dora@example.org' );
	await expect( field( 'message' ) ).toHaveValue( 'I want to write to you' );
	await expect( contact.getByRole( 'checkbox', { name: optIn.label } ) ).not.toBeChecked();
	await v.close();
} );

test( 'someone online: "talk to a person" hands the chat over, and the agent takes it', async ( { browser } ) => {
	const bot = await AgentBot.connect( browser );
	const v = await Visitor.open( browser );
	const { s } = v;
	await v.openChat();
	await expect( v.dialog.getByText( s.assistantIntro ) ).toBeVisible();
	const question = `xyzzy plugh ${ Date.now() }`;
	await v.startChat( question );
	// Nothing found: worded by the widget, with its own "talk to a person" button.
	await expect( lastAnswer( v ) ).toHaveText( new RegExp( s.noAnswer.replace( /[.?]/g, '\\$&' ) ) );
	await panel( v ).getByRole( 'button', { name: s.talkToPerson } ).click();
	await expect( v.log.locator( '.cc-msg--system' ).filter( { hasText: s.handedOver } ) ).toHaveCount( 1 );
	expect( v.sent.filter( ( f ) => f.type === 'handover' ) ).toHaveLength( 1 );
	// The assistant is done: no more "talk to a person".
	await expect( v.dialog.getByRole( 'button', { name: s.talkToPerson } ) ).toHaveCount( 0 );
	await bot.chatWith( question );
	await expect( v.log ).toContainText( s.joined.replace( '%s', AGENT.name ) );
	await v.close();
	await bot.close();
} );

test( 'a German page: German strings, German content, a German date picker', async ( { browser } ) => {
	const host = new URL( env.wpUrl ).hostname;
	const v = await Visitor.open( browser, env.demoUrl, {
		storageState: { cookies: [ { name: 'cc_e2e_locale', value: 'de_DE', domain: host, path: '/', expires: -1, httpOnly: false, secure: false, sameSite: 'Lax' } ], origins: [] },
	} );
	const { s } = v;
	expect( v.config.lang ).toBe( 'de_DE' );
	await v.openChat();
	// The shipped German, not only whatever the config says.
	expect( s.assistantIntro ).toContain( 'automatischen Assistenten' );
	await expect( v.dialog.getByText( s.assistantIntro ) ).toBeVisible();
	await v.startChat( 'Was kostet der Versand?' );
	expect( v.sent.find( ( f ) => f.type === 'start' )?.lang ).toBe( 'de_DE' );
	await expect( lastAnswer( v ).locator( 'strong' ) ).toHaveText( 'kostenlos' );
	await expect( lastAnswer( v ).locator( '.cc-msg__who' ) ).toHaveText( 'Assistent' );
	await expect( v.dialog.locator( '.cc-status > span' ) ).toHaveText( 'Der automatische Assistent antwortet.' );
	await expect( v.dialog.locator( '.cc-actions' ).getByRole( 'button', { name: 'Mit einem Menschen sprechen' } ) ).toBeVisible();

	await panel( v ).getByRole( 'button', { name: 'Rückruf' } ).click();
	const dialog = panel( v ).getByRole( 'region', { name: 'Rückruf' } );
	await expect( dialog.getByText( 'Schritt 1 von 1' ) ).toBeVisible();
	const calendar = dialog.locator( 'calendar-date' );
	await expect( calendar.getByRole( 'button', { name: 'Vorheriger Monat' } ) ).toBeVisible();
	await expect( calendar.getByRole( 'button', { name: 'Nächster Monat' } ) ).toBeVisible();
	// The days are named in German (the page's language, whatever the browser's).
	const today = await dayFromToday( v.page, 0, 'de-DE' );
	const month = await v.page.evaluate( () => new Intl.DateTimeFormat( 'de-DE', { month: 'long' } ).format( new Date() ) );
	await expect( calendar.locator( 'button[aria-current="date"]' ) ).toHaveAttribute( 'aria-label', new RegExp( month ) );
	expect( await violations( v.page ) ).toEqual( [] );
	await calendar.locator( 'button[aria-current="date"]' ).focus();
	await v.page.keyboard.press( 'Enter' );
	await expect( dialog.getByText( `Gewähltes Datum: ${ today.words }` ) ).toBeVisible();
	await dialog.getByRole( 'button', { name: 'Antworten senden' } ).click();
	await expect( lastAnswer( v ) ).toContainText( 'Danke, wir rufen an.' );
	expect( v.sent.find( ( f ) => f.type === 'submit' ) ).toMatchObject( { dialog: 'rueckruf', fields: { tag: today.iso } } );
	await v.close();
} );
