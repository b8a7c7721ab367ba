/**
 * A site's own bot against the real service (a child process, for its log
 * and its data folder): a small real bot (tests/helpers/test-bot.ts) gets
 * each chat's events signed, with the chat's storage mode, and replies over
 * `POST /bot/reply`; its text, options and hand-over reach the visitor as
 * the assistant's. A slow, failing, unreachable or silent bot leaves the
 * visitor with `bot_unavailable` and the hand-over; a malicious one gets
 * typed refusals and nothing reaches the visitor. The secret is never
 * answered back nor logged, and a no-storage chat leaves nothing said on disk.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ChatMessage } from '../../server/protocol';
import { signToken } from '../../server/tokens';
import { spawnService, type ChildService } from '../helpers/child-service';
import { filesUnder } from '../helpers/disk';
import { ORIGIN, SITE } from '../helpers/service';
import { refusedUrl, startTestBot, type TestBot } from '../helpers/test-bot';
import { TestClient } from '../helpers/ws-client';

const sites = [
	{ ...SITE, id: 'shop', defaultMode: 'stored' as const, visitorChoosesMode: true },
	{ ...SITE, id: 'other', defaultMode: 'stored' as const },
];
const SECRET = 's'.repeat( 20 ) + randomUUID().replace( /-/g, '' );
const OTHER_SECRET = 'o'.repeat( 20 ) + randomUUID().replace( /-/g, '' );

let svc: ChildService;
let base: string;
let bot: TestBot;
let otherBot: TestBot;
const open: TestClient[] = [];

beforeAll( async () => {
	svc = await spawnService( { sites } );
	base = `http://127.0.0.1:${ svc.port }`;
	bot = await startTestBot( SECRET );
	otherBot = await startTestBot( OTHER_SECRET );
	await configure( 'other', { url: otherBot.url, name: 'Other Bot', secret: OTHER_SECRET } );
}, 30_000 );
afterEach( () => {
	open.splice( 0 ).forEach( ( c ) => c.close() );
	bot.behaviour = { status: 204 };
	expect( bot.badSignatures ).toBe( 0 );
} );
afterAll( async () => {
	await bot?.close();
	await otherBot?.close();
	await svc?.remove();
} );

const siteToken = ( site: string ) => signToken( { id: site, secret: SITE.secret }, { role: 'site', sub: 'wordpress' } );

async function http( method: string, path: string, body?: unknown, site = 'shop' ): Promise< { status: number; body: any } > {
	const res = await fetch( `${ base }${ path }`, { method, headers: { authorization: `Bearer ${ siteToken( site ) }` }, body: body === undefined ? undefined : JSON.stringify( body ) } );
	return { status: res.status, body: await res.json() };
}

/** WordPress pushes the site's assistant settings with this bot (mode `first`, no built-in answers). */
async function configure( site: string, b: { url: string; name: string; secret: string; timeoutSeconds?: number } ): Promise< void > {
	const res = await http( 'PUT', '/admin/assistant', { settings: { mode: 'first', bot: { timeoutSeconds: 5, ...b } }, content: { locales: {} } }, site );
	expect( res.status ).toBe( 200 );
}
const shopBot = ( extra: { url?: string; timeoutSeconds?: number } = {} ) => configure( 'shop', { url: bot.url, name: 'Acme Helpdesk', secret: SECRET, ...extra } );

async function client( role: 'visitor' | 'agent', sub: string, site = 'shop' ): Promise< TestClient > {
	const c = await TestClient.open( svc.wsUrl, ORIGIN );
	open.push( c );
	c.send( { type: 'hello', token: signToken( { id: site, secret: SITE.secret }, { role, sub, name: role === 'agent' ? 'Ann' : undefined } ) } );
	await c.next( 'welcome' );
	return c;
}

async function onlineAgent(): Promise< TestClient > {
	const agent = await client( 'agent', 'wp:1' );
	agent.send( { type: 'presence', online: true } );
	await agent.next( 'presence', ( p ) => p.online );
	return agent;
}

/** Offline before closing: a closed agent would count as online for its grace period. */
async function offline( agent: TestClient ): Promise< void > {
	agent.send( { type: 'presence', online: false } );
	await agent.next( 'presence', ( p ) => ! p.online );
}

async function starts( text: string, extra: { lang?: string; mode?: 'stored' | 'ephemeral' } = {}, site = 'shop' ) {
	const visitor = await client( 'visitor', `v-${ randomUUID() }`, site );
	visitor.send( { type: 'start', clientId: 's', text, ...extra } );
	const { chat } = await visitor.next( 'started' );
	return { visitor, chat };
}

const fromAssistant = ( v: TestClient, where: ( m: ChatMessage ) => boolean = () => true ) => v.next( 'message', ( m ) => m.from === 'assistant' && where( m ) );

test( 'round trip: the bot is told of the chat (storage mode, language) and each message, signed; its text, options and hand-over reach the visitor as the assistant\'s', async () => {
	await shopBot();
	expect( ( await fetch( `${ base }/availability?site=shop` ).then( ( r ) => r.json() ) ) ).toEqual( { site: 'shop', dept: null, online: false, assistant: true, bot: 'Acme Helpdesk' } );
	const { visitor, chat } = await starts( 'Where is my order?', { lang: 'de_DE' } );
	expect( chat.status ).toBe( 'assistant' );
	const started = await bot.next( ( e ) => e.chat.id === chat.id && e.type === 'chat_started' );
	expect( started ).toMatchObject( { site: 'shop', chat: { id: chat.id, mode: 'stored', lang: 'de_DE', dept: null } } );
	const message = await bot.next( ( e ) => e.chat.id === chat.id && e.type === 'message' );
	expect( message.message ).toEqual( { seq: 1, text: 'Where is my order?' } );
	// Posted in order: the chat before its message.
	expect( bot.events.indexOf( started ) ).toBeLessThan( bot.events.indexOf( message ) );

	expect( await bot.reply( base, { site: 'shop', chatId: chat.id, text: 'Your order **ships** today.', options: [ 'Track it', 'Cancel it' ] } ) ).toEqual( { status: 200, body: { delivered: true } } );
	const answer = await fromAssistant( visitor );
	expect( answer ).toMatchObject( { text: 'Your order **ships** today.', options: [ 'Track it', 'Cancel it' ], seq: 2 } );

	// A picked option comes to the bot as the visitor's message.
	visitor.send( { type: 'send', chatId: chat.id, clientId: 'c1', text: 'Track it' } );
	expect( ( await bot.next( ( e ) => e.chat.id === chat.id && e.message?.text === 'Track it' ) ).message?.seq ).toBe( 3 );

	const agent = await onlineAgent();
	expect( ( await bot.reply( base, { site: 'shop', chatId: chat.id, handover: true } ) ).status ).toBe( 200 );
	await visitor.next( 'message', ( m ) => m.event === 'handed_over' );
	await visitor.next( 'message', ( m ) => m.event === 'agent_joined' );
	await bot.next( ( e ) => e.chat.id === chat.id && e.type === 'handed_over' );
	// The chat is no longer the bot's.
	expect( ( await bot.reply( base, { site: 'shop', chatId: chat.id, text: 'late' } ) ) ).toMatchObject( { status: 404, body: { error: 'not_found' } } );
	// The agent sees the bot's messages as the assistant's.
	agent.send( { type: 'sync', chatId: chat.id, afterSeq: 0 } );
	expect( ( await agent.next( 'message', ( m ) => m.seq === 2 ) ).from ).toBe( 'assistant' );
	await offline( agent );
}, 20_000 );

test( 'the bot is told a no-storage chat\'s mode, and of its end', async () => {
	await shopBot();
	const { visitor, chat } = await starts( 'hi', { mode: 'ephemeral' } );
	expect( ( await bot.next( ( e ) => e.chat.id === chat.id && e.type === 'chat_started' ) ).chat.mode ).toBe( 'ephemeral' );
	visitor.send( { type: 'end', chatId: chat.id } );
	await bot.next( ( e ) => e.chat.id === chat.id && e.type === 'chat_ended' );
} );

describe( 'a bot that cannot answer: the visitor is told (bot_unavailable) and handed over, never left waiting', () => {
	/** Resolves once the service has logged `n` more failures of the shop's bot (the log is the only outside trace of a post given up). */
	function failuresLogged(): ( n: number ) => Promise< void > {
		const before = svc.log().split( 'the bot of site shop failed' ).length;
		return ( n ) => new Promise( ( resolve ) => {
			const check = () => {
				if ( svc.log().split( 'the bot of site shop failed' ).length - before >= n ) {
					svc.process.stdout!.off( 'data', check );
					svc.process.stderr!.off( 'data', check );
					resolve();
				}
			};
			svc.process.stdout!.on( 'data', check );
			svc.process.stderr!.on( 'data', check );
			check();
		} );
	}

	async function toldAndOffered( visitor: TestClient ): Promise< void > {
		const unavailable = await visitor.next( 'message', ( m ) => m.event === 'bot_unavailable' );
		expect( unavailable ).toMatchObject( { from: 'system', text: '' } );
		// Nobody online: the contact form.
		expect( ( await visitor.next( 'message', ( m ) => m.event === 'contact_offered' ) ).seq ).toBe( unavailable.seq + 1 );
	}

	test( 'slow: the post is not answered within the timeout', async () => {
		await shopBot( { timeoutSeconds: 1 } );
		bot.behaviour = 'hang';
		const asked = Date.now();
		const failures = failuresLogged();
		const { visitor, chat } = await starts( 'anyone there?' );
		await toldAndOffered( visitor );
		expect( Date.now() - asked ).toBeLessThan( 4000 );
		// Both posts (the chat's start, then the message queued behind it) time out; the visitor is told once.
		await failures( 2 );
		bot.behaviour = { status: 204 };
		visitor.send( { type: 'send', chatId: chat.id, clientId: 'c1', text: 'still there?' } );
		await bot.next( ( e ) => e.chat.id === chat.id && e.message?.text === 'still there?' );
		expect( ( await bot.reply( base, { site: 'shop', chatId: chat.id, text: 'yes' } ) ).status ).toBe( 200 );
		const all: ChatMessage[] = [];
		await visitor.next( 'message', ( m ) => ( all.push( m ), m.text === 'yes' ) );
		expect( all.filter( ( m ) => m.event === 'bot_unavailable' ).length ).toBe( 0 );
	} );

	test( 'silent: the post is taken (2xx) but no reply comes within the timeout; with an agent online, the hand-over', async () => {
		await shopBot( { timeoutSeconds: 1 } );
		const agent = await onlineAgent();
		const { visitor, chat } = await starts( 'hello?' );
		await bot.next( ( e ) => e.chat.id === chat.id && e.type === 'message' );
		await visitor.next( 'message', ( m ) => m.event === 'bot_unavailable' );
		await visitor.next( 'message', ( m ) => m.event === 'handed_over' );
		await visitor.next( 'message', ( m ) => m.event === 'agent_joined' );
		await bot.next( ( e ) => e.chat.id === chat.id && e.type === 'handed_over' );
		await offline( agent );
	} );

	test( 'failing: 5xx', async () => {
		await shopBot();
		bot.behaviour = { status: 503 };
		const { visitor } = await starts( 'hello' );
		await toldAndOffered( visitor );
	} );

	test( 'redirecting: a 3xx is not followed', async () => {
		await shopBot();
		bot.behaviour = { status: 307, location: bot.url.replace( '/events', '/elsewhere' ) };
		const { visitor } = await starts( 'hello' );
		await toldAndOffered( visitor );
		expect( bot.redirected ).toBe( 0 );
	} );

	test( 'unreachable: the connection is refused', async () => {
		await shopBot( { url: await refusedUrl() } );
		const { visitor } = await starts( 'hello' );
		await toldAndOffered( visitor );
	} );
} );

test( 'a malicious bot gets typed refusals, and nothing of them reaches the visitor; HTML stays literal text', async () => {
	await shopBot();
	const { visitor, chat } = await starts( 'hi' );
	await bot.next( ( e ) => e.chat.id === chat.id && e.type === 'message' );
	const reply = ( body: unknown, opts?: Parameters< TestBot[ 'reply' ] >[ 2 ] ) => bot.reply( base, body, opts );
	const ok = { site: 'shop', chatId: chat.id, text: 'fine' };

	// Over the limits: the body, the text, the options.
	expect( await reply( { ...ok, text: 'x'.repeat( 40_000 ) } ) ).toMatchObject( { status: 413, body: { error: 'too_large' } } );
	expect( await reply( { ...ok, text: 'x'.repeat( 4001 ) } ) ).toMatchObject( { status: 413, body: { error: 'too_large' } } );
	expect( await reply( { ...ok, options: Array.from( { length: 13 }, ( _, i ) => `o${ i }` ) } ) ).toMatchObject( { status: 413, body: { error: 'too_large' } } );
	// Not the reply's shape.
	expect( await reply( { ...ok, html: '<b>x</b>' } ) ).toMatchObject( { status: 400, body: { error: 'bad_request' } } );
	expect( await reply( { site: 'shop', chatId: chat.id } ) ).toMatchObject( { status: 400, body: { error: 'bad_request' } } );
	expect( await reply( '{"site":"shop",' ) ).toMatchObject( { status: 400, body: { error: 'bad_json' } } );
	// Signatures: none, another secret, tampered, too old; another site's secret for this site's chat.
	expect( await reply( ok, { header: null } ) ).toMatchObject( { status: 401, body: { error: 'bad_signature' } } );
	expect( await reply( ok, { secret: 'x'.repeat( 40 ) } ) ).toMatchObject( { status: 401, body: { error: 'bad_signature' } } );
	expect( await reply( ok, { header: 't=1,v1=' + '0'.repeat( 64 ) } ) ).toMatchObject( { status: 401, body: { error: 'bad_signature' } } );
	expect( await reply( ok, { t: Math.floor( Date.now() / 1000 ) - 3600 } ) ).toMatchObject( { status: 401, body: { error: 'bad_signature' } } );
	expect( await reply( ok, { secret: OTHER_SECRET } ) ).toMatchObject( { status: 401, body: { error: 'bad_signature' } } );
	// Chats it was not told of: none, and another site's (signed correctly by that site's bot).
	expect( await reply( { ...ok, chatId: randomUUID() } ) ).toMatchObject( { status: 404, body: { error: 'not_found' } } );
	expect( await otherBot.reply( base, { ...ok, site: 'other' } ) ).toMatchObject( { status: 404, body: { error: 'not_found' } } );
	expect( await reply( { ...ok, site: 'nosuchsite' } ) ).toMatchObject( { status: 404, body: { error: 'not_found' } } );

	// HTML in the text is delivered as the literal string (the widget renders it as text through its one Markdown path).
	const html = '<img src=x onerror=alert(1)><script>alert(2)</script>';
	expect( ( await reply( { ...ok, text: html } ) ).status ).toBe( 200 );
	const first = await fromAssistant( visitor );
	// The barrier: nothing the refusals carried came before it.
	expect( first ).toMatchObject( { seq: 2, text: html } );

	// A flood: a few at once, then refused.
	const statuses = [];
	for ( let i = 0; i < 8; i++ ) statuses.push( ( await reply( { ...ok, text: `flood ${ i }` } ) ).status );
	expect( statuses.filter( ( s ) => s === 200 ).length ).toBeLessThanOrEqual( 5 );
	expect( statuses ).toContain( 429 );
	const refused = await reply( { ...ok, text: 'flood' } );
	expect( refused ).toMatchObject( { status: 429, body: { error: 'rate_limited' } } );
}, 20_000 );

test( 'the secret is never answered back nor logged', async () => {
	const put = await http( 'PUT', '/admin/assistant', { settings: { mode: 'first', bot: { url: bot.url, name: 'Acme Helpdesk', secret: SECRET } }, content: { locales: {} } } );
	expect( put.status ).toBe( 200 );
	expect( JSON.stringify( put.body ) ).not.toContain( SECRET );
	const got = await http( 'GET', '/admin/assistant' );
	expect( got.body.settings.bot ).toEqual( { url: bot.url, name: 'Acme Helpdesk', timeoutSeconds: 8 } );
	expect( JSON.stringify( got.body ) ).not.toContain( SECRET );
	// A bad one is refused naming the field, not echoing it.
	const bad = await http( 'PUT', '/admin/assistant', { settings: { mode: 'first', bot: { url: 'ftp://x', name: 'A', secret: SECRET } }, content: { locales: {} } } );
	expect( bad ).toMatchObject( { status: 400, body: { path: 'settings.bot.url' } } );
	expect( JSON.stringify( bad.body ) ).not.toContain( SECRET );
	expect( svc.log() ).toContain( 'the bot of site shop failed' );
	expect( svc.log() ).not.toContain( SECRET );
	expect( svc.log() ).not.toContain( OTHER_SECRET );
} );

// Last: it stops the service to read what it left.
test( 'a no-storage chat with the bot leaves nothing said on disk nor in the log; a stored one is kept (control)', async () => {
	await shopBot();
	const said = async ( mode: 'stored' | 'ephemeral' ) => {
		const tag = randomUUID().replace( /-/g, '' );
		const words = [ `visitor${ tag }`, `bot${ tag }` ];
		const { visitor, chat } = await starts( words[ 0 ], { mode } );
		await bot.next( ( e ) => e.chat.id === chat.id && e.message?.text === words[ 0 ] );
		expect( ( await bot.reply( base, { site: 'shop', chatId: chat.id, text: words[ 1 ] } ) ).status ).toBe( 200 );
		await fromAssistant( visitor, ( m ) => m.text === words[ 1 ] );
		visitor.send( { type: 'end', chatId: chat.id } );
		await visitor.next( 'chat', ( c ) => c.chat.status === 'closed' );
		return words;
	};
	const ephemeral = await said( 'ephemeral' );
	const stored = await said( 'stored' );
	svc.process.kill( 'SIGTERM' );
	expect( await svc.exited ).toBe( 0 );
	const disk = filesUnder( svc.dataDir ).map( ( f ) => readFileSync( f ).toString( 'latin1' ) ).join( '\n' );
	for ( const w of ephemeral ) expect( disk.includes( w ) ).toBe( false );
	expect( stored.filter( ( w ) => disk.includes( w ) ) ).toEqual( stored );
	for ( const w of [ ...ephemeral, ...stored ] ) expect( svc.log().includes( w ) ).toBe( false );
}, 20_000 );
