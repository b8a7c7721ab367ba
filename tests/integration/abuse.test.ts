/**
 * Floods and fuzz against a live service: refusals are typed, the offender
 * is cut off, and everyone else's chat goes on.
 */
import fc from 'fast-check';
import { CLOSE } from '../../server/protocol';
import { ORIGIN, startTestService, type TestService } from '../helpers/service';
import { TestClient } from '../helpers/ws-client';

let svc: TestService;
afterEach( () => svc.stop() );

/** A visitor and an agent in an active chat: the bystanders that must not notice the abuse. */
async function bystanders() {
	const agent = await svc.connect( 'agent', 'wp:1', 'Ann' );
	agent.send( { type: 'presence', online: true } );
	const visitor = await svc.connect( 'visitor', 'v_ok' );
	visitor.send( { type: 'start', clientId: 's', text: 'hi' } );
	const { chat } = await visitor.next( 'started' );
	await visitor.next( 'message', ( m ) => m.event === 'agent_joined' );
	let n = 0;
	return {
		async stillRelays() {
			n++;
			visitor.send( { type: 'send', chatId: chat.id, clientId: `ok${ n }`, text: `still fine ${ n }` } );
			await agent.next( 'message', ( m ) => m.text === `still fine ${ n }` );
		},
		close() {
			visitor.close();
			agent.close();
		},
	};
}

test( 'a connection that floods gets rate_limited errors, then is closed with 4029', async () => {
	svc = await startTestService( {}, { service: { limits: { framesPerSecond: 5, burst: 5 } } } );
	const ok = await bystanders();
	const flooder = await svc.connect( 'visitor', 'v_flood' );
	for ( let i = 0; i < 80; i++ ) flooder.send( { type: 'sync', chatId: 'x', afterSeq: 0 } );
	expect( await flooder.next( 'error', ( e ) => e.code === 'rate_limited' ) ).toMatchObject( { message: 'slow down' } );
	expect( ( await flooder.closed ).code ).toBe( CLOSE.rateLimited );
	await ok.stillRelays();
	ok.close();
} );

test( 'connections per address are limited; closing one frees a place', async () => {
	svc = await startTestService( {}, { service: { limits: { connectionsPerIp: 3 } } } );
	const a = await TestClient.open( svc.wsUrl, ORIGIN );
	const b = await TestClient.open( svc.wsUrl, ORIGIN );
	const c = await TestClient.open( svc.wsUrl, ORIGIN );
	const d = await TestClient.open( svc.wsUrl, ORIGIN );
	expect( await d.next( 'error' ) ).toMatchObject( { code: 'rate_limited' } );
	expect( ( await d.closed ).code ).toBe( CLOSE.rateLimited );
	a.close();
	await a.closed;
	// The server sees the close a moment later; a new connection then fits.
	let e: TestClient | null = null;
	for ( let tries = 0; tries < 50 && ! e; tries++ ) {
		const candidate = await TestClient.open( svc.wsUrl, ORIGIN );
		candidate.send( { type: 'hello', token: svc.token( 'visitor', 'v_e' ) } );
		const first = await Promise.race( [ candidate.next( 'welcome' ), candidate.closed ] );
		if ( 'type' in first ) e = candidate;
	}
	expect( e ).not.toBeNull();
	[ b, c, e! ].forEach( ( x ) => x.close() );
} );

test( 'fuzz: thousands of generated frames leave the service healthy and other chats working', async () => {
	svc = await startTestService( {}, { service: { limits: { framesPerSecond: 100_000, burst: 100_000 } } } );
	const ok = await bystanders();
	const visitor = await svc.connect( 'visitor', 'v_fuzz' );
	const agent = await svc.connect( 'agent', 'wp:fuzz', 'Fuzz' );
	const anything = fc.oneof(
		fc.string(),
		fc.json(),
		fc.jsonValue().map( ( v ) => JSON.stringify( v ) ),
		// Frames that look real: a valid type with random fields, or random values for valid fields.
		fc
			.record( {
				type: fc.constantFrom( 'hello', 'start', 'send', 'end', 'sync', 'typing', 'submit', 'restart', 'presence', 'take', 'transfer', 'keep', 'nope' ),
				chatId: fc.oneof( fc.string(), fc.uuid(), fc.integer() ),
				clientId: fc.oneof( fc.string( { maxLength: 70 } ), fc.constant( 'k' ) ),
				text: fc.oneof( fc.string( { maxLength: 5000 } ), fc.integer(), fc.constant( null ) ),
				afterSeq: fc.oneof( fc.integer(), fc.double(), fc.string() ),
				online: fc.oneof( fc.boolean(), fc.string() ),
				fields: fc.dictionary( fc.string(), fc.oneof( fc.string(), fc.integer() ) ),
				token: fc.string(),
			}, { requiredKeys: [ 'type' ] } )
			.map( ( v ) => JSON.stringify( v ) )
	);
	let sent = 0;
	await fc.assert(
		fc.asyncProperty( fc.array( anything, { minLength: 10, maxLength: 60 } ), async ( frames ) => {
			for ( const f of frames ) {
				visitor.raw( f );
				agent.raw( f );
				sent += 2;
			}
			// Each batch is answered (the connection is alive and processing in order).
			visitor.send( { type: 'sync', chatId: 'probe', afterSeq: 0 } );
			await visitor.next( 'error', ( e ) => e.message.includes( 'no such chat' ) );
		} ),
		{ numRuns: 150 }
	);
	expect( sent ).toBeGreaterThan( 3000 );
	const health = await svc.http( 'GET', '/health' );
	expect( health ).toMatchObject( { status: 200, body: { status: 'ok' } } );
	await ok.stillRelays();
	ok.close();
	visitor.close();
	agent.close();
} );
