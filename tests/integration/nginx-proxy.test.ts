/**
 * The service behind a real TLS reverse proxy: Debian's nginx running
 * docs/deploy/nginx.conf (see tests/helpers/nginx.ts), the service trusting
 * 127.0.0.1 (where nginx connects from) as its proxy.
 *
 * Distinct visitors are distinct source addresses: each client socket binds
 * its own 127.x.y.z (Linux routes all of 127/8 to lo), so nginx sees a real
 * $remote_addr per visitor and forwards it as any production nginx would; no
 * test-only header or nginx directive is involved.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { startNginx, type RunningNginx } from '../helpers/nginx';
import { ORIGIN, startTestService, type TestService } from '../helpers/service';
import { TestClient } from '../helpers/ws-client';
import { CLOSE } from '../../server/protocol';

const CONNECTIONS_PER_IP = 5;
const DELETE_ATTEMPTS_PER_IP = 3;

let svc: TestService | undefined;
let proxy: RunningNginx | undefined;
const clients: TestClient[] = [];

beforeAll( async () => {
	svc = await startTestService( {}, {
		service: {
			trustedProxies: [ '127.0.0.1' ],
			limits: { connectionsPerIp: CONNECTIONS_PER_IP, deleteAttemptsPerIp: DELETE_ATTEMPTS_PER_IP },
		},
	} );
	proxy = await startNginx( svc.port );
}, 30_000 );

afterEach( async () => {
	for ( const c of clients.splice( 0 ) ) c.close();
} );

afterAll( async () => {
	await proxy?.stop();
	await svc?.stop();
} );

function service(): TestService {
	if ( ! svc ) throw new Error( 'service not started' );
	return svc;
}

function nginx(): RunningNginx {
	if ( ! proxy ) throw new Error( 'nginx not started' );
	return proxy;
}

/** A WebSocket through nginx over TLS, from the source address `from`. */
async function viaProxy( from: string ): Promise< TestClient > {
	const c = await TestClient.open( `wss://127.0.0.1:${ nginx().port }/ws`, ORIGIN, { ca: nginx().ca, localAddress: from } );
	clients.push( c );
	return c;
}

/** Says hello as a visitor; the service's answer: accepted, or the close code it refused with. */
function helloOutcome( c: TestClient, sub: string ): Promise< 'accepted' | number > {
	return new Promise( ( resolve ) => {
		c.ws.on( 'message', ( data ) => {
			if ( ( JSON.parse( data.toString() ) as { type: string } ).type === 'welcome' ) resolve( 'accepted' );
		} );
		void c.closed.then( ( { code } ) => resolve( code ) );
		c.send( { type: 'hello', token: service().token( 'visitor', sub ) } );
	} );
}

async function hello( c: TestClient, role: 'visitor' | 'agent', sub: string, name?: string ): Promise< void > {
	c.send( { type: 'hello', token: service().token( role, sub, name ) } );
	await c.next( 'welcome' );
}

function tally( outcomes: Array< 'accepted' | number > ): Record< string, number > {
	const t: Record< string, number > = {};
	for ( const o of outcomes ) t[ String( o ) ] = ( t[ String( o ) ] ?? 0 ) + 1;
	return t;
}

/** POST JSON, through nginx (https) or straight to the service (http), from the source address `from`. */
function post( to: 'proxy' | 'direct', from: string, path: string, body: unknown, headers: Record< string, string > = {} ): Promise< { status: number; body: any } > {
	const data = JSON.stringify( body );
	const options = {
		host: '127.0.0.1',
		path,
		method: 'POST',
		localAddress: from,
		agent: false as const,
		headers: { 'content-type': 'application/json', 'content-length': String( Buffer.byteLength( data ) ), ...headers },
	};
	return new Promise( ( resolve, reject ) => {
		const onResponse = ( res: import( 'node:http' ).IncomingMessage ) => {
			let text = '';
			res.setEncoding( 'utf8' );
			res.on( 'data', ( chunk: string ) => ( text += chunk ) );
			res.on( 'end', () => resolve( { status: res.statusCode ?? 0, body: JSON.parse( text ) } ) );
		};
		const req = to === 'proxy'
			? httpsRequest( { ...options, port: nginx().port, ca: nginx().ca }, onResponse )
			: httpRequest( { ...options, port: service().port }, onResponse );
		req.on( 'error', reject );
		req.end( data );
	} );
}

test( 'a visitor and an agent chat over wss:// through nginx', async () => {
	const agent = await viaProxy( '127.0.0.11' );
	await hello( agent, 'agent', 'wp:1', 'Ann' );
	agent.send( { type: 'presence', online: true } );
	await agent.next( 'presence', ( p ) => p.online );

	const visitor = await viaProxy( '127.0.0.12' );
	await hello( visitor, 'visitor', 'v-wss' );
	visitor.send( { type: 'start', clientId: 's', text: 'Hello over TLS' } );
	const { chat } = await visitor.next( 'started' );
	await visitor.next( 'message', ( m ) => m.event === 'agent_joined' );
	// As the console does for a chat it does not hold yet: the history, once.
	agent.send( { type: 'sync', chatId: chat.id, afterSeq: 0 } );
	expect( ( await agent.next( 'message', ( m ) => m.seq === 1 ) ).text ).toBe( 'Hello over TLS' );

	agent.send( { type: 'send', chatId: chat.id, clientId: 'a1', text: 'Hi, how can I help?' } );
	expect( await visitor.next( 'message', ( m ) => m.from === 'agent' ) ).toMatchObject( { text: 'Hi, how can I help?', name: 'Ann' } );
	visitor.send( { type: 'send', chatId: chat.id, clientId: 'c2', text: 'Just testing' } );
	expect( ( await agent.next( 'message', ( m ) => m.text === 'Just testing' ) ).from ).toBe( 'visitor' );
} );

test( '60 distinct visitors behind nginx are all accepted; 60 connections from one visitor are limited per visitor', async () => {
	// Visitors 127.0.1.1 … 127.0.1.60, one connection each, all at once.
	const distinct = await Promise.all(
		Array.from( { length: 60 }, async ( _, i ) => helloOutcome( await viaProxy( `127.0.1.${ i + 1 }` ), `v-many-${ i }` ) )
	);
	expect( tally( distinct ) ).toEqual( { accepted: 60 } );

	// One visitor (127.0.2.1), 60 connections at once: the limit, then refusals.
	const one = await Promise.all(
		Array.from( { length: 60 }, async ( _, i ) => helloOutcome( await viaProxy( '127.0.2.1' ), `v-one-${ i }` ) )
	);
	expect( tally( one ) ).toEqual( { accepted: CONNECTIONS_PER_IP, [ CLOSE.rateLimited ]: 60 - CONNECTIONS_PER_IP } );
}, 30_000 );

test( 'a forged X-Forwarded-For from a direct client changes nothing', async () => {
	// Straight to the service, from 127.0.3.1 (not a trusted proxy), each
	// connection claiming to be someone else: all are still 127.0.3.1.
	const outcomes: Array< 'accepted' | number > = [];
	for ( let i = 1; i <= CONNECTIONS_PER_IP + 1; i++ ) {
		const c = await TestClient.open( service().wsUrl, ORIGIN, {
			localAddress: '127.0.3.1',
			headers: { 'x-forwarded-for': `198.51.100.${ i }`, 'x-real-ip': `198.51.100.${ i }` },
		} );
		clients.push( c );
		outcomes.push( await helloOutcome( c, `v-forged-${ i }` ) );
	}
	expect( outcomes ).toEqual( [ ...Array( CONNECTIONS_PER_IP ).fill( 'accepted' ), CLOSE.rateLimited ] );

	// The same over HTTP: wrong chat codes under ever new forged addresses
	// still use up this one address's attempts.
	for ( let i = 1; i <= DELETE_ATTEMPTS_PER_IP; i++ ) {
		const res = await post( 'direct', '127.0.3.2', '/chats/delete', { site: 'test', code: 'ZZZZ-ZZZZ-ZZZZ' }, { 'x-forwarded-for': `198.51.100.${ i }`, 'x-real-ip': `198.51.100.${ i }` } );
		expect( res.status ).toBe( 404 );
	}
	const blocked = await post( 'direct', '127.0.3.2', '/chats/delete', { site: 'test', code: 'ZZZZ-ZZZZ-ZZZZ' }, { 'x-forwarded-for': '198.51.100.99' } );
	expect( blocked.status ).toBe( 429 );
} );

test( 'one visitor\'s wrong chat codes through nginx do not block another visitor\'s delete', async () => {
	const owner = await viaProxy( '127.0.4.2' );
	await hello( owner, 'visitor', 'v-owner' );
	owner.send( { type: 'start', clientId: 's', text: 'delete me later' } );
	const { code } = await owner.next( 'started' );

	// Another visitor guesses codes until it is refused.
	for ( let i = 0; i < DELETE_ATTEMPTS_PER_IP; i++ ) {
		expect( ( await post( 'proxy', '127.0.4.1', '/chats/delete', { site: 'test', code: 'ZZZZ-ZZZZ-ZZZZ' } ) ).status ).toBe( 404 );
	}
	expect( ( await post( 'proxy', '127.0.4.1', '/chats/delete', { site: 'test', code: code } ) ).status ).toBe( 429 );

	// The owner, behind the same nginx, deletes its chat with its code.
	expect( await post( 'proxy', '127.0.4.2', '/chats/delete', { site: 'test', code } ) ).toEqual( { status: 200, body: { deleted: true } } );
} );
