/**
 * Nothing lost: a stored-mode conversation survives a SIGKILL of the service
 * mid-conversation; clients resume with their last seen number and get the
 * gap; a resent unacknowledged message is never doubled. SIGTERM is graceful.
 */
import { CLOSE } from '../../server/protocol';
import { hello, spawnService, type ChildService } from '../helpers/child-service';
import { SITE } from '../helpers/service';

const config = { sites: [ SITE ] };
// Each test starts real service processes (two for the SIGKILL one) and waits for their exit:
// beside other suites on two cores, past jest's default 5 s.
jest.setTimeout( 30_000 );
const services: ChildService[] = [];
afterAll( async () => {
	for ( const s of services ) await s.remove();
} );

test( 'SIGKILL mid-conversation loses no acknowledged message; both sides resume and fill the gap', async () => {
	const first = await spawnService( config );
	services.push( first );
	const { c: agent } = await hello( first, 'agent', 'wp:1' );
	agent.send( { type: 'presence', online: true } );
	const { c: visitor } = await hello( first, 'visitor', 'v1' );
	visitor.send( { type: 'start', clientId: 'c0', text: 'm0' } );
	const { chat, code } = await visitor.next( 'started' );
	await visitor.next( 'message', ( m ) => m.event === 'agent_joined' );

	// A stream of messages both ways; each acknowledged one must survive.
	const acked: string[] = [ 'm0' ];
	for ( let i = 1; i <= 20; i++ ) {
		const who = i % 2 ? visitor : agent;
		who.send( { type: 'send', chatId: chat.id, clientId: `k${ i }`, text: `m${ i }` } );
		await who.acked( `k${ i }` );
		acked.push( `m${ i }` );
	}
	// The visitor saw up to here, then goes on sending without waiting for acks…
	const visitorSeen = Math.max( ...visitor.frames.filter( ( f ) => f.type === 'message' ).map( ( f ) => ( f as { seq: number } ).seq ) );
	for ( let i = 21; i <= 25; i++ ) visitor.send( { type: 'send', chatId: chat.id, clientId: `k${ i }`, text: `m${ i }` } );
	// …and the service dies.
	first.process.kill( 'SIGKILL' );
	await first.exited;
	await visitor.closed;

	const second = await spawnService( config, first.dataDir );
	services.push( second );
	const { c: agent2, welcome: agentWelcome } = await hello( second, 'agent', 'wp:1' );
	expect( agentWelcome.chats.map( ( c ) => c.id ) ).toEqual( [ chat.id ] );
	const resumed = await hello( second, 'visitor', 'v1-new-token', { chatId: chat.id, code, lastSeq: visitorSeen } );
	expect( resumed.welcome.chats[ 0 ] ).toMatchObject( { id: chat.id, status: 'active' } );

	// The visitor resends what it never saw acknowledged (as ChatConnection does).
	for ( let i = 21; i <= 25; i++ ) resumed.c.send( { type: 'send', chatId: chat.id, clientId: `k${ i }`, text: `m${ i }` } );
	for ( let i = 21; i <= 25; i++ ) await resumed.c.acked( `k${ i }` );

	// The agent's full history (sync plus live, by seq): every message once, in order, no holes.
	agent2.send( { type: 'sync', chatId: chat.id, afterSeq: 0 } );
	const bySeq = new Map< number, string >();
	while ( ! [ ...bySeq.values() ].includes( 'm25' ) || bySeq.size < Math.max( ...bySeq.keys() ) ) {
		const m = await agent2.next( 'message' );
		bySeq.set( m.seq, m.text );
	}
	const seqs = [ ...bySeq.keys() ].sort( ( a, b ) => a - b );
	expect( seqs ).toEqual( Array.from( { length: seqs.length }, ( _, i ) => i + 1 ) );
	expect( seqs.map( ( n ) => bySeq.get( n ) ).filter( Boolean ) ).toEqual( Array.from( { length: 26 }, ( _, i ) => `m${ i }` ) );

	// The resumed visitor got exactly the gap after what it had seen.
	const gap = resumed.c.frames.filter( ( f ) => f.type === 'message' ).map( ( f ) => ( f as { seq: number } ).seq );
	expect( gap[ 0 ] ).toBe( visitorSeen + 1 );
	resumed.c.close();
	agent2.close();
	agent.close();
} );

test( 'SIGTERM: clients are told to reconnect (1012), writes are flushed, the process exits 0', async () => {
	const svc = await spawnService( config );
	services.push( svc );
	const { c: visitor } = await hello( svc, 'visitor', 'v9' );
	visitor.send( { type: 'start', clientId: 'c0', text: 'before shutdown' } );
	const { chat } = await visitor.next( 'started' );
	await visitor.acked( 'c0' );
	svc.process.kill( 'SIGTERM' );
	expect( ( await visitor.closed ).code ).toBe( CLOSE.serviceRestart );
	expect( await svc.exited ).toBe( 0 );
	const again = await spawnService( config, svc.dataDir );
	services.push( again );
	const { c } = await hello( again, 'agent', 'wp:2' );
	const queue = await c.next( 'queue', ( q ) => q.waiting.length > 0 );
	expect( queue.waiting[ 0 ] ).toMatchObject( { chat: { id: chat.id }, preview: 'before shutdown' } );
	c.close();
} );
