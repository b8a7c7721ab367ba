/**
 * The walking skeleton, as people use it: an agent in wp-admin goes online; a
 * visitor on the demo page opens the chat and writes; the chat reaches the
 * agent, who replies; both see each other live. Also: nothing talks to the
 * chat service before the visitor opens the chat, and no socket opens before
 * the visitor starts it.
 */
import { expect, test } from '@playwright/test';
import { AGENT, env, logIn } from './env';

test( 'visitor and agent chat live, and the service is untouched until the visitor starts', async ( { browser } ) => {
	// The agent, in a separate browser context, logged in to wp-admin.
	const agentContext = await browser.newContext();
	const agent = await agentContext.newPage();
	await logIn( agent, AGENT, env.consoleUrl );
	await expect( agent.getByRole( 'heading', { name: 'Live chat', level: 1 } ) ).toBeVisible();
	await agent.getByLabel( 'Online' ).check();

	const visitorContext = await browser.newContext();
	const visitor = await visitorContext.newPage();
	const serviceTraffic: string[] = [];
	visitor.on( 'request', ( r ) => {
		if ( new URL( r.url() ).port === env.servicePort ) serviceTraffic.push( r.url() );
	} );
	visitor.on( 'websocket', ( ws ) => serviceTraffic.push( ws.url() ) );

	await visitor.goto( env.demoUrl );
	const launcher = visitor.getByRole( 'button', { name: 'Chat with us' } );
	await expect( launcher ).toBeVisible();
	await visitor.waitForLoadState( 'networkidle' );
	expect( serviceTraffic ).toEqual( [] );

	const availability = visitor.waitForResponse( ( r ) => r.url().includes( '/availability' ) );
	await launcher.click();
	const dialog = visitor.getByRole( 'dialog', { name: 'Chat', exact: true } );
	await expect( dialog ).toBeVisible();
	await availability;
	// The open start window asked only whether anyone is online (no cookie, no
	// socket): the socket waits for "Start chat".
	expect( serviceTraffic.map( ( u ) => new URL( u ).pathname ) ).toEqual( [ '/availability' ] );

	const socketOpened = visitor.waitForEvent( 'websocket' );
	await dialog.getByLabel( 'Your message' ).fill( 'Hello, where is my order?' );
	await dialog.getByRole( 'checkbox', { name: /I agree/ } ).check();
	await dialog.getByRole( 'button', { name: 'Start chat' } ).click();
	expect( ( await socketOpened ).url() ).toContain( `:${ env.servicePort }/ws` );
	await expect( dialog.getByText( /Your chat code: [0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/ ) ).toBeVisible();

	// The online agent (the longest idle) gets the chat without taking it by hand.
	const log = agent.getByRole( 'log' );
	await expect( log ).toContainText( 'Hello, where is my order?' );
	await agent.getByLabel( 'Reply' ).fill( 'It ships today!' );
	await agent.getByRole( 'button', { name: 'Send', exact: true } ).click();

	const visitorLog = dialog.getByRole( 'log' );
	await expect( visitorLog ).toContainText( `${ AGENT.name } joined the chat` );
	await expect( visitorLog ).toContainText( 'It ships today!' );

	await dialog.getByLabel( 'Your message' ).fill( 'Great, thanks!' );
	await dialog.getByLabel( 'Your message' ).press( 'Enter' );
	await expect( log ).toContainText( 'Great, thanks!' );

	// Tidy up for the tests after this one: a chat left open would go back to the queue once the
	// agent's grace period runs out, and reach the next agent who goes online.
	await agent.getByRole( 'button', { name: 'End chat' } ).click();
	await expect( visitorLog ).toContainText( 'The chat has ended' );
	await agent.getByLabel( 'Online' ).uncheck();
	await expect( agent.getByText( 'You get no new chats; your open chats go on.' ) ).toBeVisible();
	await visitorContext.close();
	await agentContext.close();
} );
