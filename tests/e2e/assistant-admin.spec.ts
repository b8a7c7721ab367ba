/**
 * Settings → Consent Chat → Assistant, in real Chromium against the real
 * WordPress: an admin writes answers and dialogs, sees the answer's preview
 * drawn by the widget's Markdown path (and an HTML answer as text), imports
 * and exports JSON, and WordPress tells the service (`PUT /admin/assistant`
 * with { settings, content }) at the end of the request. Here the push is
 * recorded where it leaves WordPress: the connection points at a listener
 * on this machine for the length of each test (as the settings spec's
 * connection test does), which sees every request exactly as sent and how
 * often, and can refuse as the endpoint is specified (400 with { code,
 * message, path }) — which the real service never does for content that
 * WordPress's own check (the same schema) let through. That WordPress's
 * push reaches the real service and answers visitors is tested in
 * assistant-console.spec.ts and assistant-widget.spec.ts. The PHP side's rules (paths, who may, the
 * schema on /wp/v2/settings) are checked through WordPress's REST API.
 * Every test puts back what it changed.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { env, logIn } from './env';
import { ADMIN, Rest } from './rest';

test.describe.configure( { timeout: 150_000 } );

const SETTINGS = `${ env.wpUrl }/wp-admin/options-general.php?page=consent-chat-settings&tab=assistant`;
const WCAG = [ 'wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa' ];

interface Seen {
	method: string;
	url: string;
	body: unknown;
}

/** A stand-in for the service's admin API: records every request; `/admin/assistant` answers as `answer` says. */
class Recorder {
	readonly seen: Seen[] = [];
	answer: { status: number; body: unknown } = { status: 200, body: { ok: true } };
	private constructor( private readonly server: Server, readonly port: number ) {}

	static async start(): Promise< Recorder > {
		let self: Recorder | undefined;
		const server = createServer( ( req, res ) => {
			let raw = '';
			req.on( 'data', ( c ) => ( raw += c ) );
			req.on( 'end', () => {
				self!.seen.push( { method: req.method ?? '', url: req.url ?? '', body: raw ? JSON.parse( raw ) : null } );
				const reply = req.url === '/admin/assistant' ? self!.answer : { status: 200, body: raw ? JSON.parse( raw ) : {} };
				res.writeHead( reply.status, { 'content-type': 'application/json' } );
				res.end( JSON.stringify( reply.body ) );
			} );
		} );
		await new Promise< void >( ( resolve ) => server.listen( 0, '127.0.0.1', resolve ) );
		self = new Recorder( server, ( server.address() as { port: number } ).port );
		return self;
	}

	pushes(): unknown[] {
		return this.seen.filter( ( s ) => s.method === 'PUT' && s.url === '/admin/assistant' ).map( ( s ) => s.body );
	}

	close(): Promise< void > {
		return new Promise( ( resolve ) => this.server.close( () => resolve() ) );
	}
}

/**
 * Points WordPress at a recorder for the test's length, and puts back the
 * assistant and the connection afterwards (the assistant first, while the
 * recorder still listens), with the appearance a test may also save.
 */
async function withRecorder( browser: Browser, run: ( admin: Rest, recorder: Recorder ) => Promise< void > ): Promise< void > {
	const admin = await Rest.as( browser );
	const recorder = await Recorder.start();
	const settings = ( await ( await admin.get( '/consent-chat/v1/settings' ) ).json() ) as { connection: { serviceUrl: string; siteId: string } };
	const before = ( await ( await admin.get( '/wp/v2/settings' ) ).json() ) as Record< string, unknown >;
	// A test may save another tab too (the appearance): what later specs expect comes back with the assistant.
	const { consent_chat_assistant: assistantBefore, consent_chat_appearance: appearanceBefore } = before;
	const moved = await admin.post( '/consent-chat/v1/settings', { connection: { serviceUrl: `ws://127.0.0.1:${ recorder.port }/ws`, siteId: settings.connection.siteId, secret: '' } } );
	expect( moved.status(), await moved.text() ).toBe( 200 );
	try {
		await run( admin, recorder );
	} finally {
		const put = await admin.post( '/wp/v2/settings', { consent_chat_assistant: assistantBefore, consent_chat_appearance: appearanceBefore } );
		expect( put.status(), await put.text() ).toBe( 200 );
		const back = await admin.post( '/consent-chat/v1/settings', { connection: { ...settings.connection, secret: '' } } );
		expect( back.status(), await back.text() ).toBe( 200 );
		await recorder.close();
		await admin.close();
	}
}

async function openTab( browser: Browser, cookies: Array< { name: string; value: string; url: string } > = [] ): Promise< Page > {
	const context = await browser.newContext( { viewport: { width: 1400, height: 1000 } } );
	await context.addCookies( cookies );
	const page = await context.newPage();
	await logIn( page, ADMIN, SETTINGS );
	return page;
}

async function save( page: Page ): Promise< void > {
	const answered = page.waitForResponse( ( r ) => r.url().includes( 'consent-chat/v1/settings' ) && r.request().method() === 'POST' );
	await page.getByRole( 'button', { name: 'Save settings' } ).click();
	await answered;
}

const SHIPPING = {
	id: 'shipping-costs',
	title: 'Shipping costs',
	questions: [ 'What does shipping cost?', 'Is shipping free?' ],
	answer: 'Free from 50 €, **otherwise 4.90 €**.\n\n- Germany: 2 days\n- Austria: 4 days',
	options: [
		{ label: 'Call me back', to: 'dialog', dialog: 'callback' },
		{ label: 'Talk to a person', to: 'person' },
	],
};
const CALLBACK = {
	id: 'callback',
	title: 'Call back',
	steps: [
		{ id: 'day', question: 'Which day?', input: 'date', required: true },
		{ id: 'time', question: 'Morning or afternoon?', input: 'choice', choices: [ 'Morning', 'Afternoon' ], required: true },
	],
	complete: { action: 'end', text: 'We will call you.' },
};

test( 'an admin writes an answer with options and a dialog; the preview formats it; WordPress sends exactly that to the service; axe finds nothing', async ( { browser } ) => {
	await withRecorder( browser, async ( _admin, recorder ) => {
		const page = await openTab( browser );
		await expect( page.getByRole( 'tab', { name: 'Assistant', selected: true } ) ).toBeVisible();
		await page.getByLabel( 'Assistant for the whole site' ).selectOption( 'when_offline' );
		await page.getByLabel( 'Hand over to a person after this many unanswered questions' ).fill( '3' );
		await page.getByLabel( 'Language of the answers' ).selectOption( 'en_US' );

		// The dialog first, so the answer's option can lead to it.
		await page.getByRole( 'button', { name: 'Add a dialog' } ).click();
		await page.getByLabel( 'Dialog title' ).fill( CALLBACK.title );
		await page.getByLabel( 'Dialog id' ).fill( CALLBACK.id );
		await page.getByLabel( 'Question of step 1' ).fill( 'Which day?' );
		await page.getByLabel( 'Input of step 1' ).selectOption( 'date' );
		await page.getByLabel( 'Step id' ).fill( 'day' );
		await page.getByRole( 'button', { name: 'Add a step' } ).click();
		await page.getByLabel( 'Question of step 2' ).fill( 'Morning or afternoon?' );
		await page.getByLabel( 'Input of step 2' ).selectOption( 'choice' );
		await page.getByLabel( 'Step id' ).nth( 1 ).fill( 'time' );
		await page.getByLabel( 'Choices, one per line' ).fill( 'Morning\nAfternoon' );
		await page.getByLabel( 'When the dialog is complete' ).selectOption( 'end' );
		await page.getByLabel( 'Closing text (Markdown)' ).fill( 'We will call you.' );

		await page.getByRole( 'button', { name: 'Add an answer' } ).click();
		await page.getByLabel( 'Title', { exact: true } ).fill( SHIPPING.title );
		await expect( page.getByLabel( 'Id (in links and exports)' ) ).toHaveValue( 'shipping-costs' );
		await page.getByLabel( 'Example question 1' ).fill( SHIPPING.questions[ 0 ] );
		await page.getByRole( 'button', { name: 'Add a question' } ).click();
		await page.getByLabel( 'Example question 2' ).fill( SHIPPING.questions[ 1 ] );
		await page.getByLabel( 'Answer (Markdown)' ).fill( SHIPPING.answer );
		await page.getByRole( 'button', { name: 'Add an option' } ).click();
		await page.getByLabel( 'Option label' ).fill( 'Call me back' );
		await page.getByLabel( 'Leads to' ).selectOption( 'dialog' );
		await page.getByLabel( 'Which dialog' ).selectOption( 'callback' );
		await page.getByRole( 'button', { name: 'Add an option' } ).click();
		await page.getByLabel( 'Option label' ).nth( 1 ).fill( 'Talk to a person' );
		await page.getByLabel( 'Leads to' ).nth( 1 ).selectOption( 'person' );

		// The preview: Markdown as formatted text, the options as the widget's chips.
		const preview = page.locator( '.consent-chat-settings__answer-preview' );
		await expect( preview.locator( '.cc-msg__text strong' ) ).toHaveText( 'otherwise 4.90 €' );
		await expect( preview.locator( '.cc-msg__text li' ) ).toHaveText( [ 'Germany: 2 days', 'Austria: 4 days' ] );
		await expect( preview.locator( '.cc-chip' ) ).toHaveText( [ 'Call me back', 'Talk to a person' ] );
		await expect( preview.locator( '.cc-msg__who' ) ).toHaveText( 'Automatic assistant' );

		const axe = await new AxeBuilder( { page } ).include( '.consent-chat-settings' ).withTags( WCAG ).analyze();
		expect( axe.violations.map( ( v ) => `${ v.id }: ${ v.nodes.map( ( n ) => n.target.join( ' ' ) ).join( ', ' ) }` ) ).toEqual( [] );

		await save( page );
		await expect( page.locator( '#consent-chat-settings' ).getByText( 'Settings saved.' ) ).toBeVisible();
		// The request is over: everything WordPress sent is in the recorder, exactly once.
		expect( recorder.pushes() ).toEqual( [
			{
				settings: { mode: 'when_offline', departments: {}, handoverAfter: 3 },
				content: { locales: { en_US: { answers: [ SHIPPING ], dialogs: [ CALLBACK ] } } },
			},
		] );
		// Saving another tab's change does not send the same answers again.
		await page.getByRole( 'tab', { name: 'Appearance' } ).click();
		await page.getByLabel( 'Accent colour (#rrggbb)' ).fill( '#0b6e4f' );
		await save( page );
		expect( recorder.pushes() ).toHaveLength( 1 );
		await page.context().close();
	} );
} );

test( 'HTML in an answer is shown as text in the preview and never runs', async ( { browser } ) => {
	const page = await openTab( browser );
	await page.getByRole( 'button', { name: 'Add an answer' } ).click();
	// No underscores: `__x__` is Markdown's underline.
	const evil = '<img src=x onerror="window.ccXssRan=1"> <script>window.ccXssRan=2</script> **still bold**';
	await page.getByLabel( 'Answer (Markdown)' ).fill( evil );
	const text = page.locator( '.consent-chat-settings__answer-preview .cc-msg__text' );
	await expect( text.locator( 'strong' ) ).toHaveText( 'still bold' );
	await expect( text ).toContainText( '<img src=x onerror="window.ccXssRan=1">' );
	await expect( text ).toContainText( '<script>window.ccXssRan=2</script>' );
	expect( await text.locator( 'img, script' ).count() ).toBe( 0 );
	expect( await page.evaluate( () => ( window as unknown as { ccXssRan?: number } ).ccXssRan ) ).toBeUndefined();
	await page.context().close();
} );

test( 'import refuses a bad file with the path of the field and changes nothing; export and import round-trip', async ( { browser } ) => {
	await withRecorder( browser, async ( _admin, recorder ) => {
		const page = await openTab( browser );
		await page.getByLabel( 'Language of the answers' ).selectOption( 'en_US' );
		const file = page.locator( '.consent-chat-settings__assistant input[type="file"]' );
		const bad = { locales: { en_US: { answers: [ { ...SHIPPING, options: [ { label: 'Call me back', to: 'dialog', dialog: 'nowhere' } ] } ] } } };
		await file.setInputFiles( { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from( JSON.stringify( bad ) ) } );
		await expect( page.locator( '.components-notice' ).getByText( 'Nothing was imported. In the file, at locales.en_US.answers.0.options.0.dialog: no dialog "nowhere" in this locale' ) ).toBeVisible();
		await expect( page.getByText( 'No answers in this language yet.' ) ).toBeVisible();
		await file.setInputFiles( { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from( '{"locales": {' ) } );
		await expect( page.locator( '.components-notice' ).getByText( /^Nothing was imported\. The file is not valid: / ) ).toBeVisible();

		// A good file, then export: the download is the same content.
		const RETURNS = { id: 'returns', title: 'Returns', questions: [ 'How do I send it back?' ], answer: 'Within 30 days.' };
		const good = { locales: { en_US: { answers: [ SHIPPING, RETURNS ], dialogs: [ CALLBACK ] }, de_DE: { answers: [ { id: 'versand', title: 'Versand', questions: [ 'Was kostet der Versand?' ], answer: 'Ab 50 € frei.' } ], dialogs: [] } } };
		await file.setInputFiles( { name: 'good.json', mimeType: 'application/json', buffer: Buffer.from( JSON.stringify( good ) ) } );
		await expect( page.locator( '.components-notice' ).getByText( /^Imported\./ ) ).toBeVisible();
		await expect( page.getByRole( 'button', { name: 'Shipping costs', exact: true } ) ).toBeVisible();
		const downloading = page.waitForEvent( 'download' );
		await page.getByRole( 'button', { name: 'Export as JSON' } ).click();
		const exported = JSON.parse( readFileSync( ( await ( await downloading ).path() )!, 'utf8' ) );
		expect( exported ).toEqual( good );
		// The list's order is the content's order.
		await page.getByRole( 'button', { name: 'Move “Returns” up' } ).click();
		const downloadingAgain = page.waitForEvent( 'download' );
		await page.getByRole( 'button', { name: 'Export as JSON' } ).click();
		const reordered = JSON.parse( readFileSync( ( await ( await downloadingAgain ).path() )!, 'utf8' ) );
		expect( reordered.locales.en_US.answers.map( ( a: { id: string } ) => a.id ) ).toEqual( [ 'returns', 'shipping-costs' ] );

		// Delete the answer, import the export again: it is back, and the save sends it.
		await page.getByRole( 'button', { name: 'Delete “Shipping costs”' } ).click();
		await expect( page.getByRole( 'button', { name: 'Shipping costs', exact: true } ) ).toHaveCount( 0 );
		await file.setInputFiles( { name: 'export.json', mimeType: 'application/json', buffer: Buffer.from( JSON.stringify( exported ) ) } );
		await expect( page.getByRole( 'button', { name: 'Shipping costs', exact: true } ) ).toBeVisible();
		await save( page );
		await expect( page.locator( '#consent-chat-settings' ).getByText( 'Settings saved.' ) ).toBeVisible();
		expect( ( recorder.pushes()[ 0 ] as { content: unknown } ).content ).toEqual( good );
		await page.context().close();
	} );
} );

test( 'a refusal by the service is shown to the admin with the field it names', async ( { browser } ) => {
	await withRecorder( browser, async ( _admin, recorder ) => {
		recorder.answer = { status: 400, body: { code: 'invalid', message: 'a title is empty', path: 'content.locales.en_US.answers.0.title' } };
		const page = await openTab( browser );
		await page.getByLabel( 'Assistant for the whole site' ).selectOption( 'first' );
		await save( page );
		await expect( page.locator( '.components-notice' ).getByText( /^Saved\. But the chat service has not taken the assistant’s new answers, so it still uses the old ones: .*a title is empty \(content\.locales\.en_US\.answers\.0\.title\)/ ) ).toBeVisible();
		await expect( page.locator( '.components-notice' ).getByText( /^The chat service has not taken the saved answers: .*a title is empty \(content\.locales\.en_US\.answers\.0\.title\)/ ) ).toBeVisible();
		expect( recorder.pushes() ).toHaveLength( 1 );
		await page.context().close();
	} );
} );

test( 'WordPress checks what it stores: errors by field path, administrators only, the generated schema on /wp/v2/settings', async ( { browser } ) => {
	await withRecorder( browser, async ( admin, recorder ) => {
		const answer = ( id: string, extra: Record< string, unknown > = {} ) => ( { id, title: 'T', questions: [ 'q' ], answer: 'a', ...extra } );
		const refused = await admin.post( '/consent-chat/v1/settings', {
			assistant: {
				settings: { mode: 'first', departments: { 'no-such-dept': 'off' }, handoverAfter: 2 },
				content: {
					locales: {
						en_US: {
							answers: [ answer( 'a' ), answer( 'a', { title: '   ' } ), answer( 'b', { options: [ { label: 'x', to: 'answer', answer: 'nope' } ] } ) ],
							dialogs: [ { id: 'd', title: 'D', steps: [ { id: 's', question: 'Q', input: 'choice', choices: [ 'only one' ] } ], complete: { action: 'end', text: ' ' } } ],
						},
					},
				},
			},
		} );
		expect( refused.status() ).toBe( 400 );
		const fields = ( ( await refused.json() ) as { data: { errors: Array< { field: string } > } } ).data.errors.map( ( e ) => e.field );
		expect( fields.sort() ).toEqual(
			[
				'assistant.settings.departments.no-such-dept',
				'assistant.content.locales.en_US.answers.1.id',
				'assistant.content.locales.en_US.answers.1.title',
				'assistant.content.locales.en_US.answers.2.options.0.answer',
				'assistant.content.locales.en_US.dialogs.0.steps.0.choices',
				'assistant.content.locales.en_US.dialogs.0.complete.text',
			].sort()
		);
		// What a schema says and the rules above do not: the schema's message, at its path.
		const tooLong = await admin.post( '/consent-chat/v1/settings', { assistant: { settings: { mode: 'off' }, content: { locales: { en_US: { answers: [ answer( 'a', { title: 'x'.repeat( 201 ) } ) ] } } } } } );
		expect( tooLong.status() ).toBe( 400 );
		expect( ( ( await tooLong.json() ) as { data: { errors: Array< { field: string } > } } ).data.errors.map( ( e ) => e.field ) ).toEqual( [ 'assistant.content.locales.en_US.answers.0.title' ] );
		// /wp/v2/settings: the generated schema refuses, nothing is stored, nothing is sent.
		const viaCore = await admin.post( '/wp/v2/settings', { consent_chat_assistant: { settings: { mode: 'sometimes' }, content: { locales: {} } } } );
		expect( viaCore.status() ).toBe( 400 );
		expect( recorder.pushes() ).toEqual( [] );
		// A valid value by that way in is stored and sent too, at the end of that request.
		const ok = { settings: { mode: 'first', departments: {}, handoverAfter: 2 }, content: { locales: { en_US: { answers: [ answer( 'a' ) ], dialogs: [] } } } };
		const stored = await admin.post( '/wp/v2/settings', { consent_chat_assistant: ok } );
		expect( stored.status(), await stored.text() ).toBe( 200 );
		expect( recorder.pushes() ).toEqual( [ ok ] );

		// A department added in the same save may get its own mode; one that does not exist may not.
		const departments = ( ( await ( await admin.get( '/wp/v2/settings' ) ).json() ) as Record< string, unknown > ).consent_chat_departments as Array< { id: string; name: string } >;
		try {
			const withDept = { ...ok, settings: { ...ok.settings, departments: { 'assist-sales': 'when_offline' } } };
			const both = await admin.post( '/consent-chat/v1/settings', { departments: [ ...departments, { id: 'assist-sales', name: 'Sales' } ], assistant: withDept } );
			expect( both.status(), await both.text() ).toBe( 200 );
			expect( recorder.pushes() ).toEqual( [ ok, withDept ] );
		} finally {
			const back = await admin.post( '/wp/v2/settings', { consent_chat_departments: departments } );
			expect( back.status(), await back.text() ).toBe( 200 );
		}

		// A privacy officer neither sees nor changes it.
		const login = `officer-${ Math.random().toString( 36 ).slice( 2, 8 ) }`;
		const officerUser = { login, password: `pw-${ login }-Secret!` };
		const created = await admin.post( '/wp/v2/users', { username: login, password: officerUser.password, email: `${ login }@example.org`, name: 'Pia Privacy', roles: [ 'consent_chat_privacy_officer' ] } );
		expect( created.status(), await created.text() ).toBe( 201 );
		const officer = await Rest.as( browser, officerUser );
		try {
			expect( ( await ( await officer.get( '/consent-chat/v1/settings' ) ).json() ) as object ).not.toHaveProperty( 'assistant' );
			const forbidden = await officer.post( '/consent-chat/v1/settings', { assistant: ok } );
			expect( forbidden.status() ).toBe( 403 );
		} finally {
			await officer.close();
			const id = ( ( await created.json() ) as { id: number } ).id;
			await admin.post( `/wp/v2/users/${ id }?force=true&reassign=1&_method=DELETE`, {} );
		}
		expect( recorder.pushes() ).toHaveLength( 2 );
	} );
} );

test( 'the Assistant tab in German', async ( { browser } ) => {
	const page = await openTab( browser, [ { name: 'cc_e2e_locale', value: 'de_DE', url: env.wpUrl } ] );
	await expect( page.getByRole( 'tab', { name: 'Assistent', selected: true } ) ).toBeVisible();
	await expect( page.getByText( 'Wann der Assistent antwortet' ) ).toBeVisible();
	await expect( page.getByLabel( 'Assistent für die ganze Website' ) ).toBeVisible();
	await expect( page.getByRole( 'heading', { name: 'Antworten', exact: true } ) ).toBeVisible();
	await page.getByRole( 'button', { name: 'Antwort hinzufügen' } ).click();
	await expect( page.getByLabel( 'Antwort (Markdown)' ) ).toBeVisible();
	await page.getByLabel( 'Antwort (Markdown)' ).fill( 'Hallo **Welt**' );
	await expect( page.locator( '.consent-chat-settings__answer-preview .cc-msg__who' ) ).toHaveText( 'Automatischer Assistent' );
	await expect( page.getByRole( 'button', { name: 'Als JSON exportieren' } ) ).toBeVisible();
	await page.context().close();
} );
