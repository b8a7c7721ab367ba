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
import { ADMIN, Rest } from './rest';

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
	await visitor.acked( 'pt1' );
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
	// The row's buttons work once WordPress's privacy-tools.js has run.
	await page.waitForLoadState( 'load' );
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
	// The row's buttons work once WordPress's privacy-tools.js has run.
	await page.waitForLoadState( 'load' );
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

test( 'a privacy officer (not an admin) reads the consent log and its CSV and gets the embed snippets, but not the site’s settings', async ( { browser } ) => {
	const admin = await Rest.as( browser );
	const login = `officer-${ Math.random().toString( 36 ).slice( 2, 8 ) }`;
	const officer = { login, password: `pw-${ login }-Secret!` };
	const created = await admin.post( '/wp/v2/users', { username: login, password: officer.password, email: `${ login }@example.org`, name: 'Olga Officer', roles: [ 'consent_chat_privacy_officer' ] } );
	expect( created.status(), await created.text() ).toBe( 201 );
	await admin.close();

	// A visitor declines chat tracking in the banner: a decision to find in the log.
	const visitorContext = await browser.newContext();
	const visitor = await visitorContext.newPage();
	await visitor.goto( env.demoUrl );
	const texts = JSON.parse( ( await visitor.locator( '[data-consent-chat-banner]' ).getAttribute( 'data-consent-chat-banner' ) )! ) as { texts: { rejectAll: string } };
	const logged = visitor.waitForResponse( ( r ) => r.url().includes( 'consent-log' ) && r.request().method() === 'POST' );
	await visitor.locator( '#cc-main .cm' ).getByRole( 'button', { name: texts.texts.rejectAll } ).click();
	const response = await logged;
	expect( response.status() ).toBe( 201 );
	const id = ( JSON.parse( response.request().postData() ?? '{}' ) as { consentId: string } ).consentId;
	expect( id ).toMatch( /\S{8,}/ );
	await visitorContext.close();

	const context = await browser.newContext();
	const page = await context.newPage();
	await logIn( page, officer, `${ env.wpUrl }/wp-admin/admin.php?page=consent-chat-privacy` );
	await expect( page.getByRole( 'heading', { name: 'Chat privacy', level: 1 } ) ).toBeVisible();
	const row = page.locator( 'tr', { hasText: id } );
	await expect( row ).toContainText( 'reject' );
	await expect( page.getByLabel( 'Chat without tracking' ) ).toHaveValue( /data-consent-chat=/ );
	await expect( page.getByLabel( /Chat with tracking after consent/ ) ).toHaveValue( /data-consent-chat-banner=/ );

	const csv = await page.request.get( ( await page.getByRole( 'link', { name: 'Download all as CSV' } ).getAttribute( 'href' ) )! );
	expect( csv.status() ).toBe( 200 );
	expect( csv.headers()[ 'content-type' ] ).toContain( 'text/csv' );
	expect( await csv.text() ).toContain( id );

	// Not an administrator: the site's settings and the agent console stay closed.
	const settings = await page.goto( `${ env.wpUrl }/wp-admin/options-general.php` );
	expect( settings?.status() ).toBe( 403 );
	const consoleRes = await page.goto( env.consoleUrl );
	expect( consoleRes?.status() ).toBe( 403 );
	await context.close();
} );
