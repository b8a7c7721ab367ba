/**
 * The rest of a chat's life over real sockets and HTTP: the inactivity
 * timeout, deletion by chat code, "forget this chat and start afresh",
 * retention with "keep", statistics that survive deletion, and the offline
 * contact form with its proof of consent.
 */
import { startTestService, type TestService } from '../helpers/service';
import type { TestClient } from '../helpers/ws-client';

let svc: TestService;
let clock = 1_800_000_000_000;
const open: TestClient[] = [];
afterEach( async () => {
	open.splice( 0 ).forEach( ( c ) => c.close() );
	await svc.stop();
} );

async function chatWithAgent( text = 'hello' ) {
	const started = await svc.chatWithAgent( { text } );
	open.push( started.agent, started.visitor );
	return { ...started, chatId: started.chat.id };
}

test( 'an idle chat ends by itself, with a notice to both sides', async () => {
	svc = await startTestService( { inactivityMinutes: 0.01 } ); // 600 ms
	const { agent, visitor, chatId } = await chatWithAgent();
	const notice = await visitor.next( 'message', ( m ) => m.event === 'timeout', 5000 );
	expect( notice ).toMatchObject( { chatId, from: 'system' } );
	await agent.next( 'message', ( m ) => m.event === 'timeout' );
	await agent.next( 'chat', ( c ) => c.chat.status === 'closed' );
	expect( ( await svc.store.getChat( chatId ) )?.status ).toBe( 'closed' );
} );

test( 'delete by chat code: wrong codes are refused and limited; the right one ends and deletes the chat', async () => {
	svc = await startTestService( {}, { service: { limits: { deleteAttemptsPerIp: 3 } } } );
	const { chatId, code } = await chatWithAgent( 'please forget me' );
	expect( await svc.http( 'POST', '/chats/delete', { site: 'test' } ) ).toMatchObject( { status: 400, body: { error: 'bad_request' } } );
	expect( await svc.http( 'POST', '/chats/delete', '{oops' ) ).toMatchObject( { status: 400, body: { error: 'bad_json' } } );
	expect( await svc.http( 'POST', '/chats/delete', { site: 'nope', code } ) ).toMatchObject( { status: 404 } );
	for ( const wrong of [ '0000-0000-0000', 'not a code', '1111-1111-1111' ] ) {
		expect( await svc.http( 'POST', '/chats/delete', { site: 'test', code: wrong } ) ).toMatchObject( { status: 404, body: { error: 'not_found' } } );
	}
	// Three wrong codes: even the right one is refused for a while.
	expect( await svc.http( 'POST', '/chats/delete', { site: 'test', code } ) ).toMatchObject( { status: 429, body: { error: 'rate_limited' } } );
	expect( await svc.store.getChat( chatId ) ).toBeDefined();
	await svc.stop();

	svc = await startTestService();
	const second = await chatWithAgent( 'forget this one' );
	expect( await svc.http( 'POST', '/chats/delete', { site: 'test', code: second.code.toLowerCase() } ) ).toEqual( { status: 200, body: { deleted: true } } );
	await second.agent.next( 'chat', ( c ) => c.chat.status === 'closed' );
	expect( await svc.store.getChat( second.chatId ) ).toBeUndefined();
	expect( await svc.store.messagesAfter( second.chatId, 0 ) ).toEqual( [] );
} );

test( '"forget and restart": the chat ends, its history is deleted, a new chat stores nothing', async () => {
	svc = await startTestService();
	const { agent, visitor, chatId } = await chatWithAgent( 'my secret question' );
	visitor.send( { type: 'restart', chatId, clientId: 'r1' } );
	await agent.next( 'chat', ( c ) => c.chat.id === chatId && c.chat.status === 'closed' );
	const fresh = await visitor.next( 'started' );
	expect( fresh.chat ).toMatchObject( { mode: 'ephemeral', status: 'waiting' } );
	expect( fresh.chat.id ).not.toBe( chatId );
	expect( await svc.store.getChat( chatId ) ).toBeUndefined();
	expect( await svc.store.messagesAfter( chatId, 0 ) ).toEqual( [] );
	// The same agent is free again and gets the new chat; its messages stay off the store.
	await visitor.next( 'message', ( m ) => m.chatId === fresh.chat.id && m.event === 'agent_joined' );
	visitor.send( { type: 'send', chatId: fresh.chat.id, clientId: 'n1', text: 'now unrecorded' } );
	await agent.next( 'message', ( m ) => m.text === 'now unrecorded' );
	expect( await svc.store.messagesAfter( fresh.chat.id, 0 ) ).toEqual( [] );
} );

test( 'retention deletes old closed chats except kept ones; hourly statistics survive', async () => {
	svc = await startTestService( { retentionDays: 7 }, { now: () => clock } );
	const site = svc.token( 'site', 'wordpress' );
	const kept = await chatWithAgent( 'contract' );
	kept.agent.send( { type: 'keep', chatId: kept.chatId, keep: true } );
	await kept.visitor.next( 'chat', ( c ) => c.chat.keep );
	kept.agent.send( { type: 'end', chatId: kept.chatId } );
	await kept.visitor.next( 'chat', ( c ) => c.chat.status === 'closed' );
	kept.visitor.send( { type: 'start', clientId: 's2', text: 'small talk' } );
	const other = await kept.visitor.next( 'started' );
	await kept.visitor.next( 'message', ( m ) => m.chatId === other.chat.id && m.event === 'agent_joined' );
	kept.agent.send( { type: 'end', chatId: other.chat.id } );
	await kept.visitor.next( 'chat', ( c ) => c.chat.id === other.chat.id && c.chat.status === 'closed' );

	const statsBefore = ( await svc.http( 'GET', `/admin/stats?from=0&to=${ clock + 1 }`, undefined, site ) ).body.rows;
	expect( statsBefore ).toEqual(
		expect.arrayContaining( [
			{ hour: Math.floor( clock / 3_600_000 ) * 3_600_000, kind: 'chat_started', count: 2 },
			{ hour: Math.floor( clock / 3_600_000 ) * 3_600_000, kind: 'chat_ended', count: 2 },
		] )
	);
	// Not old enough yet.
	expect( ( await svc.http( 'POST', '/admin/purge', undefined, site ) ).body ).toEqual( { deleted: 0 } );
	clock += 8 * 86_400_000;
	expect( ( await svc.http( 'POST', '/admin/purge', undefined, site ) ).body ).toEqual( { deleted: 1 } );
	expect( await svc.store.getChat( other.chat.id ) ).toBeUndefined();
	expect( ( await svc.store.getChat( kept.chatId ) )?.keep ).toBe( true );
	// Statistics carry no chat reference and outlive the chats.
	expect( ( await svc.http( 'GET', `/admin/stats?from=0&to=${ clock }`, undefined, site ) ).body.rows ).toEqual( statsBefore );
} );

test( 'the admin API wants a site token', async () => {
	svc = await startTestService();
	expect( await svc.http( 'POST', '/admin/purge' ) ).toMatchObject( { status: 401, body: { error: 'auth_required' } } );
	expect( await svc.http( 'POST', '/admin/purge', undefined, 'forged.token.here' ) ).toMatchObject( { status: 401, body: { error: 'bad_token' } } );
	expect( await svc.http( 'POST', '/admin/purge', undefined, svc.token( 'agent', 'wp:1' ) ) ).toMatchObject( { status: 403, body: { error: 'forbidden' } } );
	expect( await svc.http( 'GET', '/admin/stats?from=yesterday', undefined, svc.token( 'site', 'wp' ) ) ).toMatchObject( { status: 400 } );
	expect( await svc.http( 'GET', '/admin/status', undefined, svc.token( 'site', 'wp' ) ) ).toMatchObject( { status: 200, body: { site: 'test', open: 0 } } );
} );

test( 'the offline contact form is stored with the consent texts and versions the visitor ticked', async () => {
	svc = await startTestService();
	const visitor = svc.token( 'visitor', 'v_contact' );
	const body = {
		lang: 'de_DE',
		fields: { name: 'Jo', email: 'jo@example.org', message: 'Call me back' },
		consents: [ { id: 'newsletter', version: '3', text: 'Ich möchte den Newsletter erhalten.' } ],
	};
	expect( await svc.http( 'POST', '/contact', body ) ).toMatchObject( { status: 401 } );
	expect( await svc.http( 'POST', '/contact', { ...body, fields: { name: 7 } }, visitor ) ).toMatchObject( { status: 400, body: { error: 'bad_request' } } );
	expect( await svc.http( 'POST', '/contact', 'x'.repeat( 20_000 ), visitor ) ).toMatchObject( { status: 413, body: { error: 'too_large' } } );
	const created = await svc.http( 'POST', '/contact', body, visitor );
	expect( created.status ).toBe( 201 );
	const list = await svc.http( 'GET', '/admin/contacts', undefined, svc.token( 'site', 'wp' ) );
	expect( list.body.submissions ).toEqual( [ expect.objectContaining( { id: created.body.id, ...body, dept: null } ) ] );
} );

test( 'heartbeats find a dead connection (no pong): the visitor is marked away', async () => {
	svc = await startTestService( {}, { service: { heartbeatSeconds: 0.1 } } );
	const { agent, visitor, chatId } = await chatWithAgent();
	// Stop reading the socket: pings go unanswered, as with a phone that lost its network.
	( visitor.ws as unknown as { _socket: { pause(): void } } )._socket.pause();
	const away = await agent.next( 'chat', ( c ) => c.chat.id === chatId && c.chat.status === 'away' );
	expect( away.chat.status ).toBe( 'away' );
	// Its socket never reads the service's close, so ws would keep it (and jest) alive for its 30 s close timeout.
	visitor.ws.terminate();
} );
