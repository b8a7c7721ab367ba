/**
 * @jest-environment jsdom
 *
 * The Chat block's editor preview and the attribute rules it shares with
 * PHP: the preview is drawn by the visitors' own launcher and start-window
 * code and must never reach the chat service from the editor.
 */
import type { FrontendConfig } from '../../client/contract';
import { blockConfig, blockGreeting, clampDelay, effectiveDept, type Attributes } from '../../blocks/chat/attributes';
import { renderPreview } from '../../client/preview';


const site = {
	widget: { js: '/w.js', css: '/w.css' },
	tokenUrl: '/token',
	site: 'demo',
	serviceHttp: 'http://127.0.0.1:1',
	dept: '',
	direct: false,
	lang: 'de_DE',
	strings: {
		launcher: 'Chat with us',
		title: 'Chat',
		close: 'Close',
		intro: 'Ask us anything.',
		messageLabel: 'Your message',
		start: 'Start chat',
		privacy: 'Privacy',
		privacyInfo: 'Privacy information',
		required: '(required)',
		storedNotice: 'Stored for %d days.',
		ephemeralNotice: 'Nothing stored.',
		chooseEphemeral: 'Store nothing',
		tickRequired: 'Tick it.',
		consentRequired: 'Please agree.',
	},
	privacy: { mode: 'text', text: 'We keep *little*.', url: '', inChat: false },
	consent: { text: 'I agree to the processing of my messages.', version: 'abc' },
	prechat: [ { id: 'name', label: 'Your name', type: 'text', required: false } ],
	storage: { defaultMode: 'stored', visitorChooses: true, retentionDays: 30 },
	contact: [],
	greeting: { text: 'The site says hello', delayMs: 8000 },
	home: null,
	appearance: { accent: '#b91c1c', position: 'left' },
	display: 'launcher',
} as unknown as FrontendConfig;

const attrs = ( over: Partial< Attributes > = {} ): Attributes => ( {
	dept: '',
	direct: false,
	display: 'launcher',
	preferencesLink: false,
	greetingText: '',
	greetingDelay: 5,
	...over,
} );

let fetchSpy: jest.Mock;
let socketSpy: jest.Mock;
beforeEach( () => {
	document.head.replaceChildren();
	document.body.replaceChildren();
	fetchSpy = jest.fn();
	socketSpy = jest.fn();
	Object.assign( window, { fetch: fetchSpy, WebSocket: socketSpy } );
} );

function preview( a: Attributes ): HTMLElement {
	const root = document.createElement( 'div' );
	document.body.append( root );
	renderPreview( root, blockConfig( site, a ) );
	return root;
}

describe( 'attribute rules (the same as ConsentChat\\Block_Attributes)', () => {
	test( 'a department breaking the rule means any agent', () => {
		expect( effectiveDept( 'sales_EU-2' ) ).toBe( 'sales_EU-2' );
		expect( effectiveDept( '<script>' ) ).toBe( '' );
		expect( effectiveDept( 'a'.repeat( 65 ) ) ).toBe( '' );
		expect( effectiveDept( 'two words' ) ).toBe( '' );
	} );

	test( 'the greeting is one line of plain text, at most 500 characters, with a bounded delay', () => {
		expect( blockGreeting( { greetingText: '  Hi\n\tthere <b>you</b> ', greetingDelay: 2 } ) ).toEqual( { text: 'Hi there <b>you</b>', delayMs: 2000 } );
		expect( blockGreeting( { greetingText: '   ', greetingDelay: 2 } ) ).toBeNull();
		expect( Array.from( blockGreeting( { greetingText: '€'.repeat( 600 ), greetingDelay: 0 } )!.text ) ).toHaveLength( 500 );
		expect( clampDelay( 99999 ) ).toBe( 3600 );
		expect( clampDelay( -4 ) ).toBe( 0 );
		expect( clampDelay( 'soon' ) ).toBe( 5 );
	} );

	test( 'the block\'s settings override the site\'s; start directly drops the pre-chat form', () => {
		const c = blockConfig( site, attrs( { dept: 'sales', direct: true, display: 'inline', greetingText: 'Hi from the block', greetingDelay: 1 } ) );
		expect( c ).toMatchObject( { dept: 'sales', direct: true, display: 'inline', prechat: [], greeting: { text: 'Hi from the block', delayMs: 1000 } } );
		expect( blockConfig( site, attrs() ).greeting ).toEqual( site.greeting );
	} );
} );

describe( 'preview', () => {
	test( 'launcher: the visitors\' launcher in the site\'s accent and corner, with the greeting shown at once', () => {
		const root = preview( attrs( { greetingText: 'Hello from the block' } ) );
		expect( root.style.getPropertyValue( '--cc-accent' ) ).toBe( '#b91c1c' );
		const launcher = root.querySelector( '.consent-chat-preview__stage button.cc-launcher' );
		expect( launcher?.textContent ).toBe( 'Chat with us' );
		expect( launcher?.classList.contains( 'cc-launcher--left' ) ).toBe( true );
		expect( root.querySelector( '.cc-greeting__text' )?.textContent ).toBe( 'Hello from the block' );
		expect( root.querySelector( '.cc-window' ) ).toBeNull();
	} );

	test( 'inline: the start window with title, § link, pre-chat field, consent text and start button', () => {
		const root = preview( attrs( { display: 'inline' } ) );
		const win = root.querySelector( '.cc-window.cc-window--inline' ) as HTMLElement;
		expect( win.hidden ).toBe( false );
		expect( win.querySelector( '.cc-title' )?.textContent ).toBe( 'Chat' );
		expect( win.querySelector( '.cc-privacy' )?.textContent ).toBe( '§ Privacy' );
		expect( win.querySelector( 'label[for]' )?.textContent ).toBe( 'Your name' );
		const consent = win.querySelector( 'input[aria-required="true"]' ) as HTMLInputElement;
		expect( consent.type ).toBe( 'checkbox' );
		expect( win.querySelector( `label[for="${ consent.id }"]` )?.textContent ).toBe( site.consent!.text );
		expect( win.querySelector( 'button[type="submit"]' )?.textContent ).toBe( 'Start chat' );
		expect( root.querySelector( '.cc-launcher' ) ).toBeNull();
		// Start directly: no pre-chat form.
		expect( preview( attrs( { display: 'inline', direct: true } ) ).textContent ).not.toContain( 'Your name' );
	} );

	test( 'redrawing replaces the old preview', () => {
		const root = document.createElement( 'div' );
		renderPreview( root, blockConfig( site, attrs() ) );
		renderPreview( root, blockConfig( site, attrs( { display: 'inline' } ) ) );
		expect( root.querySelectorAll( '.cc-launcher' ) ).toHaveLength( 0 );
		expect( root.querySelectorAll( '.cc-window' ) ).toHaveLength( 1 );
	} );

	test( 'even pressing the start button opens no connection and fetches nothing', () => {
		const root = preview( attrs( { display: 'inline' } ) );
		( root.querySelector( 'input[type="checkbox"][aria-required="true"]' ) as HTMLInputElement ).checked = true;
		( root.querySelector( 'button[type="submit"]' ) as HTMLButtonElement ).click();
		( root.querySelector( '.cc-privacy' ) as HTMLButtonElement ).click();
		expect( fetchSpy ).not.toHaveBeenCalled();
		expect( socketSpy ).not.toHaveBeenCalled();
		expect( document.head.querySelector( 'script, link' ) ).toBeNull();
	} );
} );
