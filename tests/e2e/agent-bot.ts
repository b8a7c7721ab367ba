/**
 * An agent for widget tests that need the other side of a chat but are not
 * about the console: a real WordPress login gets a real agent token, and a
 * real WebSocket to the real service answers like an agent would. Chats
 * earlier tests left with this agent are ended when it connects, and its own
 * when it disconnects, so parallel-chat limits never carry over.
 */
import type { Browser } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import type { ChatMessage, ServerFrame } from '../../server/protocol';
import { TestClient } from '../helpers/ws-client';
import { AGENT, env } from './env';
import { Rest } from './rest';

export class AgentBot {
	/** Every chat this agent was handed: ended on close, so the next test starts with a free agent. */
	private readonly seen = new Set< string >();

	private constructor(
		readonly client: TestClient,
		private readonly rest: Rest
	) {
		client.ws.on( 'message', ( data ) => {
			const f = JSON.parse( data.toString() ) as ServerFrame;
			if ( f.type !== 'chat' || this.seen.has( f.chat.id ) ) return;
			this.seen.add( f.chat.id );
			// As the console does for a chat it does not hold yet: its history, from the start.
			if ( f.chat.status !== 'closed' ) client.send( { type: 'sync', chatId: f.chat.id, afterSeq: 0 } );
		} );
	}

	/** Logs in as the demo agent (cookie + REST nonce, as the console does) and connects. */
	static async connect( browser: Browser, online = true ): Promise< AgentBot > {
		const rest = await Rest.as( browser, AGENT );
		const ticket = ( await ( await rest.post( '/consent-chat/v1/agent-token', {} ) ).json() ) as { token: string; service: string };
		const client = await TestClient.open( ticket.service, env.wpUrl );
		const bot = new AgentBot( client, rest );
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
		const m = await this.client.next(
			'message',
			( f ) => f.from === 'visitor' && ( f.text.includes( text ) || Object.values( f.fields ?? {} ).some( ( v ) => v.includes( text ) ) ),
			20_000
		);
		return m.chatId;
	}

	say( chatId: string, text: string, options?: string[] ): void {
		this.client.send( { type: 'send', chatId, clientId: `bot${ Math.random().toString( 36 ).slice( 2, 10 ) }`, text, ...( options ? { options } : {} ) } );
	}

	/** Resolves with the next visitor message of that chat containing `text`. */
	heard( chatId: string, text: string ): Promise< ChatMessage > {
		return this.client.next( 'message', ( f ) => f.chatId === chatId && f.from === 'visitor' && f.text.includes( text ), 15_000 );
	}

	/** Ends this agent's chats and goes offline (the next test starts with a free agent), then disconnects. */
	async close(): Promise< void > {
		for ( const chatId of this.seen ) this.client.send( { type: 'end', chatId } );
		// Presence outlives the connection for the service's grace period: leave the agent offline now.
		this.client.send( { type: 'presence', online: false } );
		this.client.close();
		await this.client.closed;
		await this.rest.close();
	}
}

/** A `site` token for the service's admin API, signed with the test stack's shared secret. */
export function siteToken(): string {
	const secret = readFileSync( join( process.env.CC_DATA_DIR!, 'shared-secret' ), 'utf8' ).trim();
	return jwt.sign( { role: 'site', sub: 'e2e' }, secret, { algorithm: 'HS256', issuer: 'demo', audience: 'consent-chat', expiresIn: 300 } );
}
