/**
 * A visitor for the widget tests: a fresh browser context on a page with the
 * chat, the configuration WordPress put into that page (so tests use the
 * site's real texts rather than copies of them), and a record of every
 * request to the chat service and every frame on the chat's WebSocket, both ways.
 */
import { expect, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from '@playwright/test';
import type { ConsentConfig, FrontendConfig } from '../../client/contract';
import type { ServerFrame } from '../../server/protocol';
import { env } from './env';

export class Visitor {
	readonly serviceRequests: string[] = [];
	readonly sockets: string[] = [];
	readonly received: ServerFrame[] = [];
	readonly sent: Array< { type: string } & Record< string, unknown > > = [];
	config!: FrontendConfig;

	private constructor(
		readonly context: BrowserContext,
		readonly page: Page
	) {
		page.on( 'request', ( r ) => {
			if ( new URL( r.url() ).port === env.servicePort ) this.serviceRequests.push( `${ r.method() } ${ new URL( r.url() ).pathname }` );
		} );
		page.on( 'websocket', ( ws ) => {
			this.sockets.push( ws.url() );
			ws.on( 'framereceived', ( f ) => this.received.push( JSON.parse( String( f.payload ) ) as ServerFrame ) );
			ws.on( 'framesent', ( f ) => this.sent.push( JSON.parse( String( f.payload ) ) ) );
		} );
	}

	static async open( browser: Browser, url = env.demoUrl, options: BrowserContextOptions = {} ): Promise< Visitor > {
		const context = await browser.newContext( options );
		const v = new Visitor( context, await context.newPage() );
		await v.goto( url );
		return v;
	}

	/** From now on, every alert/confirm the page opens is dismissed and its text kept in the returned list (hostile input must open none). */
	recordAlerts(): string[] {
		const alerts: string[] = [];
		this.page.on( 'dialog', ( d ) => {
			alerts.push( d.message() );
			void d.dismiss();
		} );
		return alerts;
	}

	async goto( url: string ): Promise< void > {
		await this.page.goto( url );
		const raw = await this.page.locator( '[data-consent-chat]' ).first().getAttribute( 'data-consent-chat' );
		this.config = JSON.parse( raw ?? '{}' ) as FrontendConfig;
	}

	get s(): FrontendConfig[ 'strings' ] {
		return this.config.strings;
	}

	get launcher(): Locator {
		return this.page.getByRole( 'button', { name: this.s.launcher } );
	}

	get dialog(): Locator {
		return this.page.locator( '.cc-window' );
	}

	get log(): Locator {
		return this.dialog.getByRole( 'log' );
	}

	/** Opens the window and waits for the start window (the availability answer decides chat or contact form). */
	async openChat(): Promise< void > {
		const availability = this.page.waitForResponse( ( r ) => r.url().includes( '/availability' ) );
		await this.launcher.click();
		await expect( this.dialog ).toBeVisible();
		await availability;
	}

	/** Fills the start window (consent ticked where there is one) and starts; resolves with the chat code. */
	async startChat( text: string, fields: Record< string, string > = {} ): Promise< string > {
		for ( const [ label, value ] of Object.entries( fields ) ) await this.dialog.getByLabel( label ).fill( value );
		await this.dialog.getByLabel( this.s.messageLabel ).fill( text );
		if ( this.config.consent ) await this.dialog.getByRole( 'checkbox', { name: this.config.consent.text } ).check();
		await this.dialog.getByRole( 'button', { name: this.s.start } ).click();
		return this.code();
	}

	async code(): Promise< string > {
		const code = this.dialog.locator( '.cc-code__value' );
		await expect( code ).toHaveText( /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/ );
		return ( await code.textContent() )!;
	}

	async say( text: string ): Promise< void > {
		await this.dialog.getByLabel( this.s.messageLabel ).fill( text );
		await this.dialog.getByLabel( this.s.messageLabel ).press( 'Enter' );
	}

	/** The `started` frames seen on this page, newest last. */
	started(): Array< Extract< ServerFrame, { type: 'started' } > > {
		return this.received.filter( ( f ): f is Extract< ServerFrame, { type: 'started' } > => f.type === 'started' );
	}

	async close(): Promise< void > {
		await this.context.close();
	}
}

/** The banner's configuration WordPress put into the page (ConsentConfig), so tests use its real texts. */
export async function bannerConfig( page: Page ): Promise< ConsentConfig > {
	return JSON.parse( ( await page.locator( '[data-consent-chat-banner]' ).getAttribute( 'data-consent-chat-banner' ) ) ?? '{}' ) as ConsentConfig;
}
