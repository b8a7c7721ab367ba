/**
 * Visitor ↔ agent round trip over real sockets against the real service.
 */
import { startTestService, type TestService } from '../helpers/service';

let svc: TestService;
beforeAll( async () => {
	svc = await startTestService();
} );
afterAll( () => svc.stop() );

test( 'a visitor starts a chat, an agent takes it from the queue, and both see each other live', async () => {
	// Offline agents are not routed chats, but they see the queue and may take one.
	const agent = await svc.connect( 'agent', 'wp:1', 'Ada' );

	const visitor = await svc.connect( 'visitor', 'v_1' );
	visitor.send( { type: 'start', clientId: 'c1', text: 'Hello, I need help' } );
	const started = await visitor.next( 'started' );
	expect( started.chat.status ).toBe( 'waiting' );
	expect( started.code ).toMatch( /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/ );
	// Its own message coming back, with its clientId and number, is the acknowledgement.
	expect( await visitor.next( 'message', ( m ) => m.clientId === 'c1' ) ).toEqual( {
		type: 'message', chatId: started.chat.id, seq: 1, from: 'visitor', text: 'Hello, I need help', at: expect.any( Number ), clientId: 'c1',
	} );

	const queued = await agent.next( 'queue', ( q ) => q.waiting.length === 1 );
	expect( queued.waiting[ 0 ].preview ).toBe( 'Hello, I need help' );
	const chatId = queued.waiting[ 0 ].chat.id;

	agent.send( { type: 'take', chatId } );
	await agent.next( 'chat', ( c ) => c.chat.status === 'active' && c.chat.agentName === 'Ada' );
	const joined = await visitor.next( 'message', ( m ) => m.event === 'agent_joined' );
	expect( joined ).toMatchObject( { from: 'system', name: 'Ada', seq: 2 } );
	await agent.next( 'queue', ( q ) => q.waiting.length === 0 );

	// What was said before it joined comes when the agent asks (the console does, for a chat it
	// does not hold yet, and after a reload): the service does not push it as well.
	agent.send( { type: 'sync', chatId, afterSeq: 0 } );
	expect( await agent.next( 'message', ( m ) => m.seq === 1 ) ).toMatchObject( { from: 'visitor', text: 'Hello, I need help' } );

	agent.send( { type: 'send', chatId, clientId: 'a1', text: 'Hi! How can I help?' } );
	// Waited for as the copy, not with acked(), which would take a stray ack and hide it from the check at the end.
	expect( ( await agent.next( 'message', ( m ) => m.clientId === 'a1' ) ).seq ).toBe( 3 );
	const reply = await visitor.next( 'message', ( m ) => m.from === 'agent' );
	expect( reply ).toMatchObject( { text: 'Hi! How can I help?', name: 'Ada', seq: 3 } );

	// Reply options travel with the agent's message; a visitor may not offer any.
	agent.send( { type: 'send', chatId, clientId: 'a2', text: 'Which order?', options: [ 'Shoes', 'Hat' ] } );
	expect( await visitor.next( 'message', ( m ) => m.clientId === 'a2' ) ).toMatchObject( { options: [ 'Shoes', 'Hat' ] } );
	expect( ( await svc.store.messagesAfter( chatId, 3 ) )[ 0 ].options ).toEqual( [ 'Shoes', 'Hat' ] );
	visitor.send( { type: 'send', chatId, clientId: 'c9', text: 'x', options: [ 'a', 'b' ] } );
	expect( await visitor.next( 'error', ( e ) => e.ref === 'c9' ) ).toMatchObject( { code: 'forbidden' } );

	visitor.send( { type: 'send', chatId, clientId: 'c2', text: 'My order is late' } );
	expect( ( await agent.next( 'message', ( m ) => m.seq === 5 ) ).text ).toBe( 'My order is late' );

	// A resend of the same clientId (after a reconnect, say) is acknowledged, not doubled.
	visitor.send( { type: 'send', chatId, clientId: 'c2', text: 'My order is late' } );
	expect( await visitor.next( 'ack', ( a ) => a.clientId === 'c2' ) ).toMatchObject( { seq: 5 } );

	agent.send( { type: 'end', chatId } );
	await visitor.next( 'message', ( m ) => m.event === 'ended' );
	expect( ( await visitor.next( 'chat', ( c ) => c.chat.status === 'closed' ) ).chat.id ).toBe( chatId );

	expect( ( await svc.store.statusHistory( chatId ) ).map( ( h ) => h.status ) ).toEqual( [ 'waiting', 'active', 'closed' ] );
	expect( ( await svc.store.messagesAfter( chatId, 0 ) ).map( ( m ) => m.seq ) ).toEqual( [ 1, 2, 3, 4, 5, 6 ] );
	// A first send got no separate ack (its copy was the acknowledgement); only the resend did.
	const acks = ( c: typeof visitor ) => c.frames.filter( ( f ) => f.type === 'ack' ).map( ( f ) => f.type === 'ack' && f.clientId );
	expect( acks( visitor ) ).toEqual( [] );
	expect( acks( agent ) ).toEqual( [] );
	visitor.close();
	agent.close();
} );

test( 'a reloaded visitor resumes with its code and gets the gap', async () => {
	const agent = await svc.connect( 'agent', 'wp:2', 'Bo' );
	agent.send( { type: 'presence', online: true } );
	await agent.next( 'presence', ( p ) => p.online );
	const visitor = await svc.connect( 'visitor', 'v_2' );
	visitor.send( { type: 'start', clientId: 'x1', text: 'first' } );
	const { chat, code } = await visitor.next( 'started' );
	// Online, idle: the chat is routed to this agent without a "take".
	await visitor.next( 'message', ( m ) => m.event === 'agent_joined' && m.name === 'Bo' );
	visitor.close();
	await agent.next( 'chat', ( c ) => c.chat.status === 'away' );

	agent.send( { type: 'send', chatId: chat.id, clientId: 'b1', text: 'while you were away' } );
	await agent.acked( 'b1' );

	const back = await svc.connect( 'visitor', 'v_2' ).catch( () => null );
	expect( back ).not.toBeNull(); // a fresh connection without resume is welcomed too
	back!.close();

	const { TestClient } = await import( '../helpers/ws-client' );
	const resumed = await TestClient.open( svc.wsUrl, 'http://site.test' );
	resumed.send( { type: 'hello', token: svc.token( 'visitor', 'v_2' ), resume: { chatId: chat.id, code: code.toLowerCase(), lastSeq: 2 } } );
	const welcome = await resumed.next( 'welcome' );
	expect( welcome.chats[ 0 ].id ).toBe( chat.id );
	expect( await resumed.next( 'message' ) ).toMatchObject( { seq: 3, text: 'while you were away' } );
	await agent.next( 'chat', ( c ) => c.chat.status === 'active' );

	// A wrong code resumes nothing.
	const thief = await TestClient.open( svc.wsUrl, 'http://site.test' );
	thief.send( { type: 'hello', token: svc.token( 'visitor', 'v_3' ), resume: { chatId: chat.id, code: '0000-0000-0000', lastSeq: 0 } } );
	expect( await thief.next( 'error' ) ).toMatchObject( { code: 'not_found' } );
	thief.close();
	resumed.close();
	agent.send( { type: 'presence', online: false } );
	await agent.next( 'presence', ( p ) => ! p.online );
	agent.close();
} );

test( 'a sender who has left the chat by the time its message is durable is answered with an ack', async () => {
	const { agent, visitor, chat } = await svc.chatWithAgent( { agent: 'wp:5', visitor: 'v_5' } );
	const colleague = await svc.connect( 'agent', 'wp:6', 'Di' );
	colleague.send( { type: 'presence', online: true } );
	await colleague.next( 'presence', ( p ) => p.online );

	// The agent's message is durable, but held before it is handed on; meanwhile the agent hands the chat to a colleague.
	const store = svc.store;
	const append = store.appendMessage.bind( store );
	let release!: () => void;
	const held = new Promise< void >( ( r ) => ( release = r ) );
	let reached!: () => void;
	const writing = new Promise< void >( ( r ) => ( reached = r ) );
	store.appendMessage = async ( m ) => {
		const seq = await append( m );
		if ( m.clientId !== 'z1' ) return seq;
		reached();
		await held;
		return seq;
	};
	try {
		agent.send( { type: 'send', chatId: chat.id, clientId: 'z1', text: 'one moment, passing you on' } );
		await writing;
		agent.send( { type: 'transfer', chatId: chat.id, toAgent: 'wp:6' } );
		await colleague.next( 'chat', ( c ) => c.chat.id === chat.id && c.chat.agent === 'wp:6' );
	} finally {
		store.appendMessage = append;
		release();
	}
	// The copy went to the chat's people now (visitor and colleague), not to the sender, who gets the ack instead.
	const copy = await visitor.next( 'message', ( m ) => m.clientId === 'z1' );
	expect( await colleague.next( 'message', ( m ) => m.clientId === 'z1' ) ).toEqual( copy );
	expect( await agent.next( 'ack', ( a ) => a.clientId === 'z1' ) ).toEqual( { type: 'ack', chatId: chat.id, clientId: 'z1', seq: copy.seq } );
	expect( agent.frames.some( ( f ) => f.type === 'message' && f.clientId === 'z1' ) ).toBe( false );
	visitor.close();
	colleague.close();
	agent.close();
} );

test( 'a message whose write failed is written afresh when resent, not acknowledged with the lost number', async () => {
	const visitor = await svc.connect( 'visitor', 'v_7' );
	visitor.send( { type: 'start', clientId: 'w0', text: 'hello' } );
	const { chat } = await visitor.next( 'started' );
	await visitor.acked( 'w0' );

	const store = svc.store;
	const append = store.appendMessage.bind( store );
	store.appendMessage = async ( m ) => {
		if ( m.clientId === 'w1' ) throw new Error( 'disk I/O error' );
		return append( m );
	};
	try {
		visitor.send( { type: 'send', chatId: chat.id, clientId: 'w1', text: 'will this arrive?' } );
		expect( await visitor.next( 'error' ) ).toMatchObject( { code: 'internal', ref: 'w1' } );
	} finally {
		store.appendMessage = append;
	}
	// The client still holds it unacknowledged and resends it.
	visitor.send( { type: 'send', chatId: chat.id, clientId: 'w1', text: 'will this arrive?' } );
	const seq = await visitor.acked( 'w1' );
	const stored = await store.messagesAfter( chat.id, 0 );
	expect( stored.find( ( m ) => m.clientId === 'w1' ) ).toMatchObject( { seq, text: 'will this arrive?' } );
	// The failed write took no number: the chat's numbers have no hole.
	expect( stored.map( ( m ) => m.seq ) ).toEqual( stored.map( ( _, i ) => i + 1 ) );
	visitor.close();
} );

test( 'a resend that arrives while the first copy is still being written is acknowledged with its number once durable, not written twice', async () => {
	const visitor = await svc.connect( 'visitor', 'v_8' );
	visitor.send( { type: 'start', clientId: 'r0', text: 'hello' } );
	const { chat } = await visitor.next( 'started' );
	await visitor.acked( 'r0' );
	// Both in one turn: the second arrives before the first's commit.
	visitor.send( { type: 'send', chatId: chat.id, clientId: 'r1', text: 'said once' } );
	visitor.send( { type: 'send', chatId: chat.id, clientId: 'r1', text: 'said once' } );
	const copy = await visitor.next( 'message', ( m ) => m.clientId === 'r1' );
	expect( await visitor.next( 'ack', ( a ) => a.clientId === 'r1' ) ).toEqual( { type: 'ack', chatId: chat.id, clientId: 'r1', seq: copy.seq } );
	// A round trip after both: no second copy came (next() took the first), and the store holds it once.
	visitor.send( { type: 'send', chatId: chat.id, clientId: 'r2', text: 'barrier' } );
	await visitor.acked( 'r2' );
	expect( visitor.frames.filter( ( f ) => f.type === 'message' && f.clientId === 'r1' ) ).toEqual( [] );
	expect( ( await svc.store.messagesAfter( chat.id, 0 ) ).filter( ( m ) => m.clientId === 'r1' ) ).toHaveLength( 1 );
	visitor.close();
} );
