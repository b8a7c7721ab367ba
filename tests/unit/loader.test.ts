/**
 * @jest-environment jsdom
 */
import type { FrontendConfig, WidgetApi } from '../../client/contract';


function config( over: Partial< FrontendConfig > = {} ): FrontendConfig {
	return {
		widget: { js: '/w.js', css: '/w.css' },
		strings: { launcher: 'Chat with us', close: 'Close' },
		appearance: { accent: '#1d4ed8', position: 'right' },
		display: 'launcher',
		greeting: null,
		nonce: 'n0nce',
		...over,
	} as FrontendConfig;
}

/** A mount as PHP prints it; `sitewide` marks the site-wide launcher's. */
function mount( cfg: FrontendConfig, sitewide = false ): HTMLElement {
	const root = document.createElement( 'div' );
	root.dataset.consentChat = JSON.stringify( cfg );
	if ( sitewide ) root.dataset.consentChatSitewide = '';
	document.body.append( root );
	return root;
}

/** Runs the loader script on the page as it is (a fresh copy, as a page load would). */
function runLoader(): void {
	jest.isolateModules( () => {
		require( '../../client/loader/index' );
	} );
}

/** Mounts one root with the config on an otherwise empty page and runs the loader on it. */
function boot( cfg: FrontendConfig ): HTMLElement {
	document.body.replaceChildren();
	const root = mount( cfg );
	runLoader();
	return root;
}

/** Plays the browser's part: the widget's files "load" and the bundle registers its API. */
function finishLoading(): jest.Mock {
	const open = jest.fn();
	window.consentChatWidget = { open } as WidgetApi;
	document.head.querySelectorAll( 'script, link' ).forEach( ( el ) => el.dispatchEvent( new Event( 'load' ) ) );
	return open;
}

const flush = () => new Promise( ( resolve ) => setTimeout( resolve, 0 ) );

beforeEach( () => {
	document.head.replaceChildren();
	document.body.replaceChildren();
	sessionStorage.clear();
	delete window.consentChatWidget;
} );

test( 'draws a labelled launcher and loads nothing until clicked', () => {
	const root = boot( config() );
	const button = root.querySelector( 'button.cc-launcher' ) as HTMLButtonElement;
	expect( button.textContent ).toBe( 'Chat with us' );
	expect( button.type ).toBe( 'button' );
	expect( document.head.querySelector( 'script, link' ) ).toBeNull();
	button.click();
	const script = document.head.querySelector( 'script' );
	expect( script?.getAttribute( 'src' ) ).toBe( '/w.js' );
	expect( script?.nonce ).toBe( 'n0nce' );
	expect( document.head.querySelector( 'link' )?.getAttribute( 'href' ) ).toBe( '/w.css' );
} );

test( 'opens the widget with the launcher once it has loaded', async () => {
	const root = boot( config() );
	( root.querySelector( 'button.cc-launcher' ) as HTMLButtonElement ).click();
	const open = finishLoading();
	await flush();
	expect( open ).toHaveBeenCalledWith( root, expect.objectContaining( { display: 'launcher' } ), root.querySelector( 'button.cc-launcher' ) );
} );

test( 'writes no storage and sets no cookie', () => {
	const setItem = jest.spyOn( Storage.prototype, 'setItem' );
	const root = boot( config( { greeting: { text: 'Hi!', delayMs: 0 } } ) );
	( root.querySelector( 'button.cc-launcher' ) as HTMLButtonElement ).click();
	expect( setItem ).not.toHaveBeenCalled();
	expect( document.cookie ).toBe( '' );
	setItem.mockRestore();
} );

test( 'sets the accent through the CSSOM, with a readable label colour', () => {
	const dark = boot( config() );
	expect( dark.style.getPropertyValue( '--cc-accent' ) ).toBe( '#1d4ed8' );
	expect( dark.style.getPropertyValue( '--cc-on-accent' ) ).toBe( '#fff' );
	const light = boot( config( { appearance: { accent: '#ffd966', position: 'left' } } ) );
	expect( light.style.getPropertyValue( '--cc-on-accent' ) ).toBe( '#111' );
	expect( light.querySelector( '.cc-launcher' )?.classList.contains( 'cc-launcher--left' ) ).toBe( true );
	const junk = boot( config( { appearance: { accent: 'red;background:url(x)', position: 'right' } } ) );
	expect( junk.style.getPropertyValue( '--cc-accent' ) ).toBe( '' );
} );

describe( 'greeting', () => {
	beforeEach( () => jest.useFakeTimers() );
	afterEach( () => jest.useRealTimers() );

	test( 'appears after the delay in a polite live region, and can be dismissed', () => {
		const root = boot( config( { greeting: { text: 'Questions? Ask us.', delayMs: 5000 } } ) );
		const region = root.querySelector( '.cc-greeting' ) as HTMLElement;
		expect( region.getAttribute( 'aria-live' ) ).toBe( 'polite' );
		expect( region.textContent ).toBe( '' );
		jest.advanceTimersByTime( 4999 );
		expect( region.textContent ).toBe( '' );
		jest.advanceTimersByTime( 1 );
		expect( region.querySelector( '.cc-greeting__text' )?.textContent ).toBe( 'Questions? Ask us.' );
		const close = region.querySelector( 'button' ) as HTMLButtonElement;
		expect( close.getAttribute( 'aria-label' ) ).toBe( 'Close' );
		close.click();
		expect( region.childNodes ).toHaveLength( 0 );
		expect( document.activeElement ).toBe( root.querySelector( '.cc-launcher' ) );
	} );

	test( 'collapses when the chat opens, and never comes back', () => {
		const root = boot( config( { greeting: { text: 'Hi!', delayMs: 1000 } } ) );
		jest.advanceTimersByTime( 1000 );
		( root.querySelector( 'button.cc-launcher' ) as HTMLButtonElement ).click();
		expect( root.querySelector( '.cc-greeting' )?.childNodes ).toHaveLength( 0 );
		jest.advanceTimersByTime( 60000 );
		expect( root.querySelector( '.cc-greeting' )?.childNodes ).toHaveLength( 0 );
	} );

	test( 'is not shown if the chat opened before the delay', () => {
		const root = boot( config( { greeting: { text: 'Hi!', delayMs: 1000 } } ) );
		( root.querySelector( 'button.cc-launcher' ) as HTMLButtonElement ).click();
		jest.advanceTimersByTime( 2000 );
		expect( root.querySelector( '.cc-greeting' )?.childNodes ).toHaveLength( 0 );
	} );
} );

test( 'a chat running in this tab opens the widget at once', () => {
	sessionStorage.setItem( 'consent-chat', '{}' );
	boot( config() );
	expect( document.head.querySelector( 'script' ) ).not.toBeNull();
} );

test.each( [
	[ 'inline', config( { display: 'inline' } ) ],
	[ 'standalone', config( { standalone: { languages: {} } } ) ],
] )( '%s: no launcher, the widget opens in the page at once', async ( _name, cfg ) => {
	const root = boot( cfg );
	expect( root.querySelector( 'button' ) ).toBeNull();
	const open = finishLoading();
	await flush();
	expect( open ).toHaveBeenCalledWith( root, expect.any( Object ), null );
} );

describe( 'one chat per page', () => {
	test( 'two mounts (a block and the site-wide launcher): one launcher, and the block\'s settings win', () => {
		const block = mount( config( { dept: 'sales' } ) );
		const sitewide = mount( config(), true );
		runLoader();
		expect( document.querySelectorAll( 'button.cc-launcher' ) ).toHaveLength( 1 );
		expect( block.querySelector( 'button.cc-launcher' ) ).not.toBeNull();
		expect( sitewide.childNodes ).toHaveLength( 0 );
	} );

	test( 'the block wins even where the site-wide mount comes first in the page', async () => {
		const sitewide = mount( config(), true );
		const block = mount( config( { display: 'inline' } ) );
		runLoader();
		expect( document.querySelectorAll( 'button.cc-launcher' ) ).toHaveLength( 0 );
		expect( sitewide.childNodes ).toHaveLength( 0 );
		const open = finishLoading();
		await flush();
		expect( open ).toHaveBeenCalledTimes( 1 );
		expect( open ).toHaveBeenCalledWith( block, expect.objectContaining( { display: 'inline' } ), null );
	} );

	test( 'two blocks: only the first starts; the loader running twice adds nothing', () => {
		const first = mount( config() );
		const second = mount( config() );
		runLoader();
		runLoader();
		expect( document.querySelectorAll( 'button.cc-launcher' ) ).toHaveLength( 1 );
		expect( first.querySelectorAll( 'button.cc-launcher' ) ).toHaveLength( 1 );
		expect( second.childNodes ).toHaveLength( 0 );
		expect( document.querySelectorAll( '.cc-greeting' ) ).toHaveLength( 1 );
	} );
} );
