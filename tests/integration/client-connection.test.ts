/**
 * The browser's connection class (client/shared/connection.ts, used by the
 * widget and the console) against the real service: a message counts as
 * acknowledged once its own copy comes back, so nothing is resent after a
 * reconnect that the service already holds.
 */
import WebSocket from 'ws';
import { ChatConnection } from '../../client/shared/connection';
import type { ServerFrame } from '../../server/protocol';
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
