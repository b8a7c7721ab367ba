/**
 * The browser's connection class (client/shared/connection.ts, used by the
 * widget and the console) against the real service: a message counts as
 * acknowledged once its own copy comes back, so nothing is resent after a
 * reconnect that the service already holds. For agents: the token is
 * renewed on the open connection before it expires, a connection the
 * service drops (revocation) comes back with a fresh ticket, and a site that
 * refuses the ticket stops it for good.
 */
import WebSocket from 'ws';
import { ChatConnection, TicketRefused, type ConnectionState, type StateDetail, type Ticket } from '../../client/shared/connection';
import type { ServerFrame } from '../../server/protocol';
import { signToken } from '../../server/tokens';
import { ORIGIN, startTestService, type TestService } from '../helpers/service';

/** What a browser does by itself: send the page's Origin. */
class BrowserLikeSocket extends WebSocket {
	constructor( url: string ) {
		super( url, { origin: ORIGIN } );
	}
}

let svc: TestService;
// Closed after each test even when it timed out: a connection left open would keep reconnecting.
let conn: ChatConnection | undefined;
afterEach( () => conn?.close() );
const saved = ( globalThis as { WebSocket?: unknown } ).WebSocket;
beforeAll( async () => {
	( globalThis as { WebSocket?: unknown } ).WebSocket = BrowserLikeSocket;
	svc = await startTestService();
} );
afterAll( async () => {
	( globalThis as { WebSocket?: unknown } ).WebSocket = saved;
	await svc.stop();
} );

test( 'a sent message stops being pending when its own copy comes back, with no separate ack', async () => {
	const frames: ServerFrame[] = [];
	const waiters: Array< [ ( f: ServerFrame ) => boolean, () => void ] > = [];
	const until = ( match: ( f: ServerFrame ) => boolean ) =>
		new Promise< void >( ( resolve ) => {
			if ( frames.some( match ) ) resolve();
			else waiters.push( [ match, resolve ] );
		} );
	conn = new ChatConnection( {
		ticket: async () => ( { token: svc.token( 'visitor', 'v-conn' ), service: svc.wsUrl } ),
		onFrame: ( f ) => {
			frames.push( f );
			waiters.filter( ( [ m ] ) => m( f ) ).forEach( ( [ , r ] ) => r() );
		},
	} );
	conn.open();
	await until( ( f ) => f.type === 'welcome' );
	conn.send( { type: 'start', clientId: 's1' } );
	await until( ( f ) => f.type === 'started' );
	const started = frames.find( ( f ) => f.type === 'started' );
	const chatId = started?.type === 'started' ? started.chat.id : '';

	conn.send( { type: 'send', chatId, clientId: 'k1', text: 'is this kept?' } );
	expect( conn.pendingCount() ).toBe( 1 );
	await until( ( f ) => f.type === 'message' && f.clientId === 'k1' );
	expect( conn.pendingCount() ).toBe( 0 );
	expect( frames.filter( ( f ) => f.type === 'ack' ) ).toEqual( [] );
	expect( ( await svc.store.messagesAfter( chatId, 0 ) ).map( ( m ) => m.text ) ).toEqual( [ 'is this kept?' ] );
} );

/** An agent's ChatConnection that records its frames and states; `until` awaits one. */
function agentConnection( ticket: () => Promise< Ticket > ) {
	const seen: Array< ServerFrame | { state: ConnectionState; detail?: StateDetail } > = [];
	const waiters: Array< [ ( x: ( typeof seen )[ number ] ) => boolean, () => void ] > = [];
	const push = ( x: ( typeof seen )[ number ] ) => {
		seen.push( x );
		waiters.filter( ( [ m ] ) => m( x ) ).forEach( ( [ , r ] ) => r() );
	};
	conn = new ChatConnection( { ticket, renew: true, onFrame: push, onState: ( state, detail ) => push( { state, detail } ) } );
	const until = ( match: ( x: ( typeof seen )[ number ] ) => boolean ) =>
		new Promise< void >( ( resolve ) => ( seen.some( match ) ? resolve() : waiters.push( [ match, resolve ] ) ) );
	return { conn, seen, until };
}

/** What WordPress's agent-token route answers, with a token of `lifeS` seconds. */
const agentTicket = ( lifeS: number ): Ticket => {
	const token = signToken( svc.config.sites[ 0 ], { role: 'agent', sub: 'wp:40', name: 'Ann' }, lifeS );
	return { token, service: svc.wsUrl, expires: Math.floor( Date.now() / 1000 ) + lifeS };
};

test( 'an agent’s token is renewed on the open connection before it expires', async () => {
	let tickets = 0;
	const a = agentConnection( async () => ( tickets++, agentTicket( 3 ) ) );
	a.conn.open();
	await a.until( ( x ) => 'type' in x && x.type === 'welcome' );
	// Half its life before the end (a 3 s token: after 1.5 s); the service accepts it on the same socket.
	await a.until( ( x ) => 'type' in x && x.type === 'renewed' );
	expect( tickets ).toBe( 2 );
	expect( a.seen.filter( ( x ) => 'state' in x ).map( ( x ) => 'state' in x && x.state ) ).toEqual( [ 'connecting', 'open' ] );
} );

test( 'dropped by the service (access changed in WordPress): back at once with a fresh ticket', async () => {
	let tickets = 0;
	const a = agentConnection( async () => ( tickets++, agentTicket( 300 ) ) );
	a.conn.open();
	await a.until( ( x ) => 'type' in x && x.type === 'welcome' );
	const revoked = await svc.http( 'POST', '/admin/agents/revoke', { sub: 'wp:40' }, svc.token( 'site', 'wordpress' ) );
	expect( revoked.body ).toMatchObject( { closed: 1 } );
	await a.until( ( x ) => 'state' in x && x.state === 'reconnecting' );
	// The ticket of the same second may be refused as possibly older; the next one is not.
	await a.until( () => a.seen.filter( ( x ) => 'type' in x && x.type === 'welcome' ).length === 2 );
	expect( tickets ).toBeGreaterThanOrEqual( 2 );
	expect( a.conn.connectionState ).toBe( 'open' );
}, 15_000 );

test( 'a site that refuses the ticket (no longer an agent) stops the connection for good, on connect or on renewal', async () => {
	let tickets = 0;
	const refusing = agentConnection( async () => {
		tickets++;
		throw new TicketRefused( '403' );
	} );
	refusing.conn.open();
	await refusing.until( ( x ) => 'state' in x && x.state === 'closed' && x.detail?.refused === true );
	expect( tickets ).toBe( 1 );
	refusing.conn.close();

	let calls = 0;
	const renewing = agentConnection( async () => {
		if ( calls++ === 0 ) return agentTicket( 2 );
		throw new TicketRefused( '403' );
	} );
	renewing.conn.open();
	await renewing.until( ( x ) => 'type' in x && x.type === 'welcome' );
	await renewing.until( ( x ) => 'state' in x && x.state === 'closed' && x.detail?.refused === true );
	expect( calls ).toBe( 2 );
	expect( renewing.conn.connectionState ).toBe( 'closed' );
} );
