/**
 * WordPress's personal data export and erasure, at the service: by e-mail
 * address, over real HTTP with a `site` token. Contact submissions and
 * stored chats whose pre-chat form gave the address are found; ephemeral
 * chats stored nothing to find; chats kept as records survive erasure.
 */
import { startTestService, type TestService } from '../helpers/service';
import type { TestClient } from '../helpers/ws-client';

let svc: TestService;
const open: TestClient[] = [];
afterEach( async () => {
	open.splice( 0 ).forEach( ( c ) => c.close() );
	await svc.stop();
} );

async function startChat( sub: string, form: Record< string, string >, text: string, mode?: 'ephemeral' ) {
	const visitor = await svc.connect( 'visitor', sub );
	open.push( visitor );
	visitor.send( { type: 'start', clientId: `s-${ sub }`, text, form, ...( mode ? { mode } : {} ) } );
	const started = await visitor.next( 'started' );
	await visitor.acked( `s-${ sub }` );
	return { visitor, chatId: started.chat.id };
}

test( 'export finds contact submissions and stored chats by e-mail (any case); erasure removes them but keeps records', async () => {
	svc = await startTestService( { visitorChoosesMode: true } );
	const site = svc.token( 'site', 'wp' );
	const agent = await svc.connect( 'agent', 'wp:1', 'Ann' );
	open.push( agent );
	agent.send( { type: 'presence', online: true } );

	const running = await startChat( 'v1', { name: 'Ada', email: 'Ada@Example.org' }, 'Where is my parcel?' );
	await agent.next( 'chat', ( c ) => c.chat.id === running.chatId && c.chat.status === 'active' );
	const kept = await startChat( 'v2', { email: 'ada@example.org' }, 'I accept the offer' );
	await agent.next( 'chat', ( c ) => c.chat.id === kept.chatId && c.chat.status === 'active' );
	agent.send( { type: 'keep', chatId: kept.chatId, keep: true } );
	await agent.next( 'chat', ( c ) => c.chat.id === kept.chatId && c.chat.keep );
	await startChat( 'v3', { email: 'ada@example.org' }, 'Forget me as you go', 'ephemeral' );
	await startChat( 'v4', { email: 'bob@example.org' }, 'Not Ada' );

	const visitorToken = svc.token( 'visitor', 'v9' );
	for ( const email of [ 'ada@example.org', 'bob@example.org' ] ) {
		const res = await svc.http( 'POST', '/contact', { fields: { email, message: `from ${ email }` }, consents: [] }, visitorToken );
		expect( res.status ).toBe( 201 );
	}

	const exported = await svc.http( 'GET', '/admin/personal-data?email=ADA%40example.org', undefined, site );
	expect( exported.status ).toBe( 200 );
	expect( exported.body.contacts.map( ( c: { fields: { message: string } } ) => c.fields.message ) ).toEqual( [ 'from ada@example.org' ] );
	expect( exported.body.chats.map( ( c: { id: string } ) => c.id ) ).toEqual( [ running.chatId, kept.chatId ] );
	const texts = exported.body.chats[ 0 ].messages.map( ( m: { text: string } ) => m.text );
	expect( texts ).toContain( 'Where is my parcel?' );

	const ended = running.visitor.next( 'message', ( m ) => m.event === 'ended' );
	const erased = await svc.http( 'POST', '/admin/personal-data/erase', { email: 'ada@EXAMPLE.org' }, site );
	expect( erased ).toEqual( { status: 200, body: { contacts: 1, chats: 1, retained: 1 } } );
	await ended; // the running chat was ended before it was deleted

	const after = await svc.http( 'GET', '/admin/personal-data?email=ada%40example.org', undefined, site );
	expect( after.body.contacts ).toEqual( [] );
	expect( after.body.chats.map( ( c: { id: string } ) => c.id ) ).toEqual( [ kept.chatId ] );
	expect( await svc.store.getChat( running.chatId ) ).toBeUndefined();
	// Nobody else's data went with it.
	const bob = await svc.http( 'GET', '/admin/personal-data?email=bob%40example.org', undefined, site );
	expect( bob.body.contacts ).toHaveLength( 1 );
	expect( bob.body.chats ).toHaveLength( 1 );
} );

test( 'bad requests are refused with typed errors', async () => {
	svc = await startTestService();
	const site = svc.token( 'site', 'wp' );
	expect( await svc.http( 'GET', '/admin/personal-data?email=ada%40example.org' ) ).toMatchObject( { status: 401, body: { error: 'auth_required' } } );
	expect( await svc.http( 'GET', '/admin/personal-data?email=ada%40example.org', undefined, svc.token( 'visitor', 'v' ) ) ).toMatchObject( { status: 403, body: { error: 'forbidden' } } );
	expect( await svc.http( 'GET', '/admin/personal-data', undefined, site ) ).toMatchObject( { status: 400, body: { error: 'bad_request' } } );
	expect( await svc.http( 'GET', '/admin/personal-data?email=not-an-address', undefined, site ) ).toMatchObject( { status: 400, body: { error: 'bad_request' } } );
	expect( await svc.http( 'POST', '/admin/personal-data/erase', { email: 42 }, site ) ).toMatchObject( { status: 400, body: { error: 'bad_request' } } );
	expect( await svc.http( 'POST', '/admin/personal-data/erase', '{nope', site ) ).toMatchObject( { status: 400, body: { error: 'bad_json' } } );
	expect( await svc.http( 'GET', '/admin/personal-data/erase', undefined, site ) ).toMatchObject( { status: 405, body: { error: 'method_not_allowed' } } );
} );
