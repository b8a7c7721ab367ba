/**
 * Health the way load balancers and orchestrators ask for it: /livez (the
 * process is up), /readyz (the store takes writes and the service is not
 * draining). SIGTERM drains: /readyz answers 503 at once while the port stays
 * open for drainSeconds, clients are told to reconnect, new sockets are
 * refused, and what was acknowledged is in the store after a restart.
 */
import WebSocket from 'ws';
import { CLOSE } from '../../server/protocol';
import { hello, httpGet, spawnService, type ChildService } from '../helpers/child-service';
import { ORIGIN, SITE, startTestService } from '../helpers/service';

const services: ChildService[] = [];
afterAll( async () => {
	for ( const s of services ) await s.remove();
} );

test( '/livez and /readyz answer 200 on a running service; /health keeps its shape', async () => {
	const svc = await startTestService();
	try {
		expect( await svc.http( 'GET', '/livez' ) ).toEqual( { status: 200, body: { status: 'ok' } } );
		expect( await svc.http( 'GET', '/readyz' ) ).toEqual( { status: 200, body: { status: 'ready' } } );
		expect( await svc.http( 'GET', '/health' ) ).toMatchObject( { status: 200, body: { status: 'ok' } } );
	} finally {
		await svc.stop();
	}
} );

test( '/readyz answers 503 when the store takes no writes; /livez still 200', async () => {
	const svc = await startTestService();
	try {
		// The database closed under the service: any write now fails.
		svc.store.close();
		expect( await svc.http( 'GET', '/readyz' ) ).toEqual( { status: 503, body: { status: 'unavailable', reason: 'store' } } );
		expect( ( await svc.http( 'GET', '/livez' ) ).status ).toBe( 200 );
	} finally {
		// The shutdown cannot flush a closed store: it says so, after closing the rest.
		await expect( svc.stop() ).rejects.toThrow( /not open/ );
	}
} );

test( 'SIGTERM: /readyz 503 at once, clients told to reconnect, new sockets refused, exit 0, acknowledged message kept', async () => {
	const config = { sites: [ SITE ], drainSeconds: 3 };
	const svc = await spawnService( config );
	services.push( svc );
	expect( ( await httpGet( svc, '/readyz' ) ).status ).toBe( 200 );
	const { c: visitor } = await hello( svc, 'visitor', 'v1' );
	visitor.send( { type: 'start', clientId: 'c0', text: 'acknowledged before SIGTERM' } );
	const { chat } = await visitor.next( 'started' );
	await visitor.acked( 'c0' );

	svc.process.kill( 'SIGTERM' );
	// Told first; the port stays open for the drain, so what follows is not a race with the exit.
	expect( ( await visitor.closed ).code ).toBe( CLOSE.serviceRestart );
	expect( await httpGet( svc, '/readyz' ) ).toEqual( { status: 503, body: { status: 'unavailable', reason: 'draining' } } );
	expect( ( await httpGet( svc, '/livez' ) ).status ).toBe( 200 );
	const refused = await new Promise< number >( ( resolve ) => {
		const ws = new WebSocket( svc.wsUrl, { origin: ORIGIN } );
		ws.once( 'unexpected-response', ( _req, res ) => resolve( res.statusCode ?? 0 ) );
		ws.once( 'open', () => resolve( 101 ) );
		ws.once( 'error', () => resolve( -1 ) );
	} );
	expect( refused ).toBe( 503 );
	expect( await svc.exited ).toBe( 0 );

	const again = await spawnService( config, svc.dataDir );
	services.push( again );
	expect( ( await httpGet( again, '/readyz' ) ).status ).toBe( 200 );
	const { c: agent } = await hello( again, 'agent', 'wp:1' );
	const queue = await agent.next( 'queue', ( q ) => q.waiting.length > 0 );
	expect( queue.waiting[ 0 ] ).toMatchObject( { chat: { id: chat.id }, preview: 'acknowledged before SIGTERM' } );
	agent.close();
}, 30_000 );
