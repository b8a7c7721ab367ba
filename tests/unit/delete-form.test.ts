/**
 * @jest-environment jsdom
 */
import type { DeleteFormConfig } from '../../client/contract';


const config: DeleteFormConfig = {
	site: 'default',
	serviceHttp: 'http://chat.example:8787/',
	lang: 'de_DE',
	strings: {
		deleteTitle: 'Delete my chat',
		deleteIntro: 'Enter the code shown in the chat.',
		deleteLabel: 'Chat code',
		deleteButton: 'Delete',
		deleted: 'Deleted.',
		deleteNotFound: 'No chat with this code.',
		deleteKept: 'This chat is kept as a record.',
		deleteLimited: 'Too many attempts.',
		error: 'Something went wrong.',
	},
};

function mount( attr = JSON.stringify( config ) ): HTMLElement {
	document.body.replaceChildren();
	const el = document.createElement( 'div' );
	el.setAttribute( 'data-consent-chat-delete', attr );
	document.body.append( el );
	jest.isolateModules( () => {
		require( '../../client/delete-form/index' );
	} );
	return el;
}

function respond( status: number, body: unknown ): jest.Mock {
	const fetchMock = jest.fn().mockResolvedValue( { status, json: () => Promise.resolve( body ) } );
	global.fetch = fetchMock as unknown as typeof fetch;
	return fetchMock;
}

async function submit( el: HTMLElement, code: string ): Promise< void > {
	( el.querySelector( 'input' ) as HTMLInputElement ).value = code;
	( el.querySelector( 'form' ) as HTMLFormElement ).dispatchEvent( new Event( 'submit', { cancelable: true } ) );
	await new Promise( ( resolve ) => setTimeout( resolve, 0 ) );
}

test( 'renders an accessible form', () => {
	const el = mount();
	expect( el.querySelector( 'h2' )?.textContent ).toBe( 'Delete my chat' );
	expect( el.querySelector( 'section' )?.getAttribute( 'lang' ) ).toBe( 'de-DE' );
	const input = el.querySelector( 'input' ) as HTMLInputElement;
	expect( el.querySelector( `label[for="${ input.id }"]` )?.textContent ).toBe( 'Chat code' );
	expect( input.required ).toBe( true );
	expect( el.querySelector( 'button[type="submit"]' )?.textContent ).toBe( 'Delete' );
	const status = el.querySelector( '[role="status"]' ) as HTMLElement;
	expect( input.getAttribute( 'aria-describedby' ) ).toBe( status.id );
} );

test( 'posts the code to the service without credentials', async () => {
	const fetchMock = respond( 200, { deleted: true } );
	const el = mount();
	await submit( el, '  ABCD-1234 ' );
	expect( fetchMock ).toHaveBeenCalledWith( 'http://chat.example:8787/chats/delete', {
		method: 'POST',
		credentials: 'omit',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify( { site: 'default', code: 'ABCD-1234' } ),
	} );
	expect( el.querySelector( '[role="status"]' )?.textContent ).toBe( 'Deleted.' );
	expect( ( el.querySelector( 'input' ) as HTMLInputElement ).value ).toBe( '' );
} );

test.each( [
	[ 404, { error: 'not_found' }, 'No chat with this code.', true ],
	[ 409, { error: 'conflict' }, 'This chat is kept as a record.', false ],
	[ 429, { error: 'rate_limited' }, 'Too many attempts.', false ],
	[ 400, { error: 'bad_request' }, 'Something went wrong.', true ],
	[ 500, null, 'Something went wrong.', false ],
] )( 'HTTP %i shows the matching text', async ( status, body, text, invalid ) => {
	respond( status, body );
	const el = mount();
	await submit( el, 'WRONG' );
	expect( el.querySelector( '[role="status"]' )?.textContent ).toBe( text );
	expect( el.querySelector( 'input' )?.getAttribute( 'aria-invalid' ) ).toBe( invalid ? 'true' : null );
} );

test( 'a network failure shows the error text', async () => {
	global.fetch = jest.fn().mockRejectedValue( new TypeError( 'offline' ) ) as unknown as typeof fetch;
	const el = mount();
	await submit( el, 'ABCD' );
	expect( el.querySelector( '[role="status"]' )?.textContent ).toBe( 'Something went wrong.' );
} );

test( 'an empty code sends nothing', async () => {
	const fetchMock = respond( 200, { deleted: true } );
	const el = mount();
	await submit( el, '   ' );
	expect( fetchMock ).not.toHaveBeenCalled();
} );

test( 'texts are inserted as text, never as HTML', () => {
	const el = mount( JSON.stringify( { ...config, strings: { ...config.strings, deleteTitle: '<img src=x onerror=alert(1)>' } } ) );
	expect( el.querySelector( 'img' ) ).toBeNull();
	expect( el.querySelector( 'h2' )?.textContent ).toBe( '<img src=x onerror=alert(1)>' );
} );

test( 'a broken attribute leaves the mount empty without throwing', () => {
	expect( mount( '{not json' ).childNodes ).toHaveLength( 0 );
} );
