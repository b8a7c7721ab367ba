/**
 * WordPress's own privacy tools with our exporter and eraser: an admin uses
 * Tools > Export Personal Data and Erase Personal Data as usual, and what the
 * chat service holds about that e-mail address (a contact-form submission, a
 * stored chat whose pre-chat form gave it) is in the export, then erased.
 */
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { TestClient } from '../helpers/ws-client';
import { siteToken } from './agent-bot';
import { env, logIn } from './env';
import { ADMIN } from './rest';

async function visitorTicket(): Promise< { token: string; service: string } > {
	const res = await fetch( `${ env.wpUrl }/?rest_route=/consent-chat/v1/visitor-token`, { method: 'POST' } );
	return ( await res.json() ) as { token: string; service: string };
}

async function serviceHolds( email: string ): Promise< { contacts: unknown[]; chats: unknown[] } > {
	const res = await fetch( `${ env.serviceUrl }/admin/personal-data?email=${ encodeURIComponent( email ) }`, { headers: { authorization: `Bearer ${ siteToken() }` } } );
	return ( await res.json() ) as { contacts: unknown[]; chats: unknown[] };
}

test( 'Export and Erase Personal Data find and erase a visitor’s chats and contact-form messages', async ( { page } ) => {
	const email = `privacy-${ Date.now() }@example.org`;
	// A visitor's stored chat whose pre-chat form gave the address, and a contact-form message.
	const ticket = await visitorTicket();
	const visitor = await TestClient.open( ticket.service, env.wpUrl );
	visitor.send( { type: 'hello', token: ticket.token } );
	await visitor.next( 'welcome' );
	visitor.send( { type: 'start', clientId: 'pt1', text: 'Please send the invoice again', form: { name: 'Pia', email } } );
	await visitor.next( 'ack' );
	const contact = await fetch( `${ env.serviceUrl }/contact`, {
		method: 'POST',
		headers: { authorization: `Bearer ${ ( await visitorTicket() ).token }`, 'content-type': 'application/json' },
		body: JSON.stringify( { fields: { email, message: 'Call me back, please' }, consents: [ { id: 'contact_optin', version: 'abc123', text: 'I agree to be contacted.' } ] } ),
	} );
	expect( contact.status ).toBe( 201 );
	const held = await serviceHolds( email );
	expect( [ held.contacts.length, held.chats.length ] ).toEqual( [ 1, 1 ] );

	await logIn( page, ADMIN, `${ env.wpUrl }/wp-admin/export-personal-data.php` );
	await page.getByLabel( 'Username or email address' ).fill( email );
	await page.locator( '#send_confirmation_email' ).uncheck(); // no e-mail round trip: the request is confirmed at once
	await page.getByRole( 'button', { name: 'Send Request' } ).click();
	const row = page.locator( 'tr', { hasText: email } );
	await row.hover();
	const download = page.waitForEvent( 'download' );
	await row.getByRole( 'button', { name: 'Download personal data' } ).click();
	const zip = await ( await download ).path();
	const json = execFileSync( 'unzip', [ '-p', zip!, '*.json' ], { encoding: 'utf8' } );
	expect( json ).toContain( 'Please send the invoice again' );
	expect( json ).toContain( 'Call me back, please' );
	expect( json ).toContain( 'I agree to be contacted.' );

	await page.goto( `${ env.wpUrl }/wp-admin/erase-personal-data.php` );
	await page.getByLabel( 'Username or email address' ).fill( email );
	await page.locator( '#send_confirmation_email' ).uncheck(); // no e-mail round trip: the request is confirmed at once
	await page.getByRole( 'button', { name: 'Send Request' } ).click();
	const eraseRow = page.locator( 'tr', { hasText: email } );
	await eraseRow.getByRole( 'button', { name: 'Erase personal data' } ).click();
	await expect( eraseRow.getByText( 'Erasure completed.' ) ).toBeVisible();
	// The running chat was ended and deleted at the service; the visitor was told.
	await visitor.next( 'message', ( m ) => m.event === 'ended' );
	expect( await serviceHolds( email ) ).toEqual( { contacts: [], chats: [] } );
	visitor.close();
} );

test( 'the privacy policy guide suggests a text that says what the chat stores', async ( { page } ) => {
	await logIn( page, ADMIN, `${ env.wpUrl }/wp-admin/options-privacy.php?tab=policyguide` );
	await page.getByRole( 'button', { name: /Consent Chat/ } ).click();
	await expect( page.getByText( /deleted automatically after 30 days/ ) ).toBeVisible();
	await expect( page.getByText( /IP address is used only while you are connected/ ) ).toBeVisible();
} );
