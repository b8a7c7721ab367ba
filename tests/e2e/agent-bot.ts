/**
 * An agent for widget tests that need the other side of a chat but are not
 * about the console: a real WordPress login gets a real agent token, and a
 * real WebSocket to the real service answers like an agent would. Chats left
 * over from earlier tests that get routed here are ended at once, so every
 * test starts from a free agent.
 */
import type { Browser, BrowserContext } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import type { ChatMessage, ServerFrame } from '../../server/protocol';
import { TestClient } from '../helpers/ws-client';
import { AGENT, env, logIn } from './env';

export class AgentBot {
	private readonly known = new Set< string >();

	private constructor(
		readonly client: TestClient,
		private readonly context: BrowserContext
	) {
		client.ws.on( 'message', ( data ) => {
			const f = JSON.parse( data.toString() ) as ServerFrame;
			// A chat routed here that no test asked for: end it so it does not take a slot.
			if ( f.type === 'message' && f.from === 'visitor' && ! this.known.has( f.chatId ) && ! this.expected( f ) ) {
				client.send( { type: 'end', chatId: f.chatId } );
			}
		} );
	}

	private wanted: string[] = [];

	private expected( m: ChatMessage ): boolean {
		return this.wanted.some( ( w ) => m.text.includes( w ) || Object.values( m.fields ?? {} ).some( ( v ) => v.includes( w ) ) );
	}

	/** Logs in as the demo agent (cookie + REST nonce, as the console does) and connects. */
	static async connect( browser: Browser, online = true ): Promise< AgentBot > {
		const context = await browser.newContext();
		const page = await context.newPage();
		await logIn( page, AGENT, `${ env.wpUrl }/wp-admin/profile.php` );
		const nonce = await ( await page.request.get( `${ env.wpUrl }/wp-admin/admin-ajax.php?action=rest-nonce` ) ).text();
		const res = await page.request.post( `${ env.wpUrl }/wp-json/consent-chat/v1/agent-token`, { headers: { 'X-WP-Nonce': nonce } } );
		const ticket = ( await res.json() ) as { token: string; service: string };
		const client = await TestClient.open( ticket.service, env.wpUrl );
		const bot = new AgentBot( client, context );
		client.send( { type: 'hello', token: ticket.token } );
		// Chats earlier tests left with this agent would take its parallel-chat slots.
		for ( const chat of ( await client.next( 'welcome' ) ).chats ) client.send( { type: 'end', chatId: chat.id } );
		if ( online ) {
			client.send( { type: 'presence', online: true } );
			await client.next( 'presence', ( p ) => p.online );
		}
		return bot;
	}

	/** Waits for the chat whose visitor wrote `text` (a message or a form answer) to reach this agent. */
	async chatWith( text: string ): Promise< string > {
		this.wanted.push( text );
		const m = await this.client.next(
			'message',
			( f ) => f.from === 'visitor' && ( f.text.includes( text ) || Object.values( f.fields ?? {} ).some( ( v ) => v.includes( text ) ) ),
			20_000
		);
		this.known.add( m.chatId );
		return m.chatId;
	}

	say( chatId: string, text: string, options?: string[] ): void {
		this.client.send( { type: 'send', chatId, clientId: `bot${ Math.random().toString( 36 ).slice( 2, 10 ) }`, text, ...( options ? { options } : {} ) } );
	}

	/** Resolves with the next visitor message of that chat containing `text`. */
	heard( chatId: string, text: string ): Promise< ChatMessage > {
		return this.client.next( 'message', ( f ) => f.chatId === chatId && f.from === 'visitor' && f.text.includes( text ), 15_000 );
	}

	/** Ends this agent's chats (the next test starts with a free agent), then disconnects. */
	async close(): Promise< void > {
		for ( const chatId of this.known ) this.client.send( { type: 'end', chatId } );
		this.client.close();
		await this.client.closed;
		await this.context.close();
	}
}

/** A `site` token for the service's admin API, signed with the test stack's shared secret. */
export function siteToken(): string {
	const secret = readFileSync( join( process.env.CC_DATA_DIR!, 'shared-secret' ), 'utf8' ).trim();
	return jwt.sign( { role: 'site', sub: 'e2e' }, secret, { algorithm: 'HS256', issuer: 'demo', audience: 'consent-chat', expiresIn: 300 } );
}
