/**
 * What the service's log holds about chats, read from a real service process
 * at its most verbose level (debug: tests/helpers/child-service.ts): after a
 * stored and a no-storage chat have run to their end and one was deleted by
 * its chat code, the log names no chat (id or code), holds no message text,
 * no pre-chat answer, no e-mail or IP address, and has no line per chat —
 * whose own millisecond `time` would record the chat's start or end far
 * finer than the hourly counters the service keeps, and would outlive the
 * chat's deletion.
 */
import { randomUUID } from 'node:crypto';
import { signToken } from '../../server/tokens';
import { spawnService, type ChildService } from '../helpers/child-service';
import { ORIGIN, SITE } from '../helpers/service';
import { TestClient } from '../helpers/ws-client';

const sites = [
	{ ...SITE, id: 'eph', defaultMode: 'ephemeral' as const, visitorChoosesMode: false },
	{ ...SITE, id: 'sto', defaultMode: 'stored' as const, visitorChoosesMode: false },
];

async function client( svc: ChildService, site: string, role: 'visitor' | 'agent', sub: string, name?: string ) {
	const c = await TestClient.open( svc.wsUrl, ORIGIN );
	c.send( { type: 'hello', token: signToken( { id: site, secret: SITE.secret }, { role, sub, name } ) } );
	await c.next( 'welcome' );
	return c;
}

/** One chat from start to end; returns what must not reach the log. */
async function chatToTheEnd( svc: ChildService, site: string ) {
	const tag = randomUUID();
	const agent = await client( svc, site, 'agent', 'wp:1', 'Ann' );
	agent.send( { type: 'presence', online: true } );
	await agent.next( 'presence', ( p ) => p.online );
	const visitor = await client( svc, site, 'visitor', `v-${ tag }` );
	const email = `jane.${ tag.slice( 0, 8 ) }@mail.example`;
	const texts = [ `first-${ tag }`, `visitor-${ tag }`, `agent-${ tag }`, `Jane-${ tag }` ];
	visitor.send( { type: 'start', clientId: 'c0', text: texts[ 0 ], form: { name: texts[ 3 ], email } } );
	const { chat, code } = await visitor.next( 'started' );
	await visitor.next( 'message', ( m ) => m.event === 'agent_joined' );
	visitor.send( { type: 'send', chatId: chat.id, clientId: 'c1', text: texts[ 1 ] } );
	const sent = await visitor.next( 'message', ( m ) => m.clientId === 'c1' );
	agent.send( { type: 'send', chatId: chat.id, clientId: 'a1', text: texts[ 2 ] } );
	const received = await visitor.next( 'message', ( m ) => m.text === texts[ 2 ] );
	agent.send( { type: 'end', chatId: chat.id } );
	await visitor.next( 'chat', ( c ) => c.chat.id === chat.id && c.chat.status === 'closed' );
	visitor.close();
	agent.close();
	return { chat, code, email, texts, times: [ chat.createdAt, sent.at, received.at ] };
}

interface LogLine {
	time: number;
	msg: string;
	level: number;
	[ key: string ]: unknown;
}

let svc: ChildService;
beforeAll( async () => {
	svc = await spawnService( { sites } );
} );
afterAll( () => svc.remove() );

test( 'the log names no chat, holds no chat’s text, address or e-mail, and has no line per chat (no chat’s time to the millisecond)', async () => {
	const stored = await chatToTheEnd( svc, 'sto' );
	const ephemeral = await chatToTheEnd( svc, 'eph' );
	expect( stored.chat.mode ).toBe( 'stored' );
	expect( ephemeral.chat.mode ).toBe( 'ephemeral' );

	// The visitor deletes the stored chat by its code, through the public HTTP API.
	const res = await fetch( `http://127.0.0.1:${ svc.port }/chats/delete`, {
		method: 'POST',
		headers: { origin: ORIGIN },
		body: JSON.stringify( { site: 'sto', code: stored.code } ),
	} );
	expect( res.status ).toBe( 200 );
	expect( await res.json() ).toEqual( { deleted: true } );

	// Barrier: a graceful stop writes its last line, and 'close' comes once the
	// process's stdout and stderr are drained, so the log is complete.
	const closed = new Promise( ( r ) => svc.process.once( 'close', r ) );
	svc.process.kill( 'SIGTERM' );
	await closed;
	const log = svc.log();
	const lines = log.trim().split( '\n' ).map( ( l ) => JSON.parse( l ) as LogLine );
	const msgs = lines.map( ( l ) => l.msg );
	// The log is real and complete: from listening to stopped.
	expect( msgs ).toContain( 'consent chat service listening' );
	expect( msgs[ msgs.length - 1 ] ).toBe( 'consent chat service stopped' );

	for ( const run of [ stored, ephemeral ] ) {
		const secrets = [
			run.chat.id,
			run.code,
			run.code.replace( /-/g, '' ),
			run.email,
			...run.texts,
		];
		expect( secrets.filter( ( s ) => log.toLowerCase().includes( s.toLowerCase() ) ) ).toEqual( [] );
		// No line carries a chat's own time (its start, a message) to the millisecond.
		expect( lines.filter( ( l ) => run.times.includes( l.time ) ) ).toEqual( [] );
	}
	for ( const ip of [ '127.0.0.1', '::ffff:127.0.0.1', '::1' ] ) expect( log.includes( ip ) ).toBe( false );

	// Nothing was written while the chats ran, were ended and deleted: no line per chat at
	// any level. Only the hourly activity line may fall in, on the hour (its time is the clock's).
	const from = msgs.indexOf( 'consent chat service listening' );
	const during = lines
		.slice( from + 1, -1 )
		.filter( ( l ) => ! ( l.msg === 'chats in the past hour' && l.time % 3_600_000 < 60_000 ) );
	expect( during ).toEqual( [] );
} );
