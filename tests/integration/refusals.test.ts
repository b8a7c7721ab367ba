/**
 * Bad input over real sockets: each refusal is typed, and the service and
 * the other chats go on.
 */
import { createHmac } from 'node:crypto';
import { CLOSE, LIMITS } from '../../server/protocol';
import { ORIGIN, startTestService, type TestService } from '../helpers/service';
import { TestClient } from '../helpers/ws-client';

let svc: TestService;
beforeAll( async () => {
	svc = await startTestService();
} );
afterAll( () => svc.stop() );

const health = async () => ( await fetch( `http://127.0.0.1:${ svc.port }/health` ) ).json();

test( 'a forged token is refused with bad_token and close 4001', async () => {
	const c = await TestClient.open( svc.wsUrl, ORIGIN );
	const [ h, p ] = svc.token( 'agent', 'wp:1' ).split( '.' );
	const forgedSig = createHmac( 'sha256', 'not-the-secret-not-the-secret-123' ).update( `${ h }.${ p }` ).digest( 'base64url' );
	c.send( { type: 'hello', token: `${ h }.${ p }.${ forgedSig }` } );
	expect( await c.next( 'error' ) ).toMatchObject( { code: 'bad_token' } );
	expect( ( await c.closed ).code ).toBe( CLOSE.badToken );
} );

test( 'an expired token is refused with token_expired', async () => {
	const { signToken } = await import( '../../server/tokens' );
	const old = signToken( svc.config.sites[ 0 ], { role: 'visitor', sub: 'v' }, 60, Date.now() - 3_600_000 );
	const c = await TestClient.open( svc.wsUrl, ORIGIN );
	c.send( { type: 'hello', token: old } );
	expect( await c.next( 'error' ) ).toMatchObject( { code: 'token_expired' } );
	expect( ( await c.closed ).code ).toBe( CLOSE.badToken );
} );

test( 'a wrong Origin is refused with bad_origin and close 4003', async () => {
	const c = await TestClient.open( svc.wsUrl, 'http://evil.test' );
	expect( await c.next( 'error' ) ).toMatchObject( { code: 'bad_origin' } );
	expect( ( await c.closed ).code ).toBe( CLOSE.badOrigin );
} );

test( 'frames before hello get auth_required, and the connection stays', async () => {
	const c = await TestClient.open( svc.wsUrl, ORIGIN );
	c.send( { type: 'start', clientId: 'k' } );
	expect( await c.next( 'error' ) ).toMatchObject( { code: 'auth_required' } );
	c.send( { type: 'hello', token: svc.token( 'visitor', 'v_9' ) } );
	await c.next( 'welcome' );
	c.close();
} );

test( 'malformed frames get typed errors; the chat they arrive in goes on', async () => {
	const agent = await svc.connect( 'agent', 'wp:5', 'Cy' );
	const visitor = await svc.connect( 'visitor', 'v_5' );
	visitor.send( { type: 'start', clientId: 's', text: 'hi' } );
	const { chat } = await visitor.next( 'started' );
	agent.send( { type: 'take', chatId: chat.id } );
	await visitor.next( 'message', ( m ) => m.event === 'agent_joined' );

	visitor.raw( '{not json' );
	expect( await visitor.next( 'error' ) ).toMatchObject( { code: 'bad_json' } );
	visitor.sendJson( { type: 'teleport' } );
	expect( await visitor.next( 'error' ) ).toMatchObject( { code: 'unknown_type' } );
	visitor.sendJson( { type: 'send', chatId: chat.id, clientId: 'k', text: { html: '<b>' } } );
	expect( await visitor.next( 'error' ) ).toMatchObject( { code: 'bad_frame' } );
	visitor.send( { type: 'send', chatId: chat.id, clientId: 'k', text: 'x'.repeat( LIMITS.maxTextLength + 1 ) } );
	expect( await visitor.next( 'error' ) ).toMatchObject( { code: 'too_large' } );
	visitor.send( { type: 'take', chatId: chat.id } );
	expect( await visitor.next( 'error' ) ).toMatchObject( { code: 'forbidden' } );
	visitor.send( { type: 'send', chatId: 'someone-elses-chat', clientId: 'k', text: 'hi' } );
	expect( await visitor.next( 'error' ) ).toMatchObject( { code: 'not_found', ref: 'k' } );
	visitor.raw( Buffer.from( [ 1, 2, 3 ] ) );
	expect( await visitor.next( 'error' ) ).toMatchObject( { code: 'bad_frame' } );

	// Nothing accepted before was lost, and the chat still relays.
	visitor.send( { type: 'send', chatId: chat.id, clientId: 'ok', text: 'still here' } );
	expect( await agent.next( 'message', ( m ) => m.text === 'still here' ) ).toMatchObject( { seq: 3 } );
	expect( ( await svc.store.messagesAfter( chat.id, 0 ) ).map( ( m ) => m.text ) ).toEqual( [ 'hi', '', 'still here' ] );
	visitor.close();
	agent.close();
} );

test( 'an oversized frame closes that connection with 1009; others go on', async () => {
	const bystander = await svc.connect( 'visitor', 'v_7' );
	const c = await svc.connect( 'visitor', 'v_6' );
	c.raw( 'x'.repeat( LIMITS.maxFrameBytes + 1 ) );
	expect( ( await c.closed ).code ).toBe( CLOSE.tooLarge );
	bystander.send( { type: 'start', clientId: 'b', text: 'am I fine?' } );
	await bystander.acked( 'b' );
	expect( await health() ).toMatchObject( { status: 'ok' } );
	bystander.close();
} );

test( 'unknown HTTP paths answer a typed 404', async () => {
	const res = await fetch( `http://127.0.0.1:${ svc.port }/nope` );
	expect( res.status ).toBe( 404 );
	expect( await res.json() ).toMatchObject( { error: 'not_found' } );
} );
