/**
 * An agent's access ends within seconds of WordPress ending it, also on a
 * connection that stays open: WordPress revokes the agent (`POST
 * /admin/agents/revoke`) and the service closes its connections and refuses
 * its older tokens; an agent token that expires without a `renew` closes
 * its connection; a renewed one carries on.
 */
import { CLOSE } from '../../server/protocol';
import { signToken } from '../../server/tokens';
import { ORIGIN, startTestService, type TestService } from '../helpers/service';
import { TestClient } from '../helpers/ws-client';

let svc: TestService;
const open: TestClient[] = [];
beforeEach( async () => {
	svc = await startTestService();
} );
afterEach( async () => {
	open.splice( 0 ).forEach( ( c ) => c.close() );
	await svc.stop();
} );

/** An agent token as WordPress signs it, with its own life and issue time. */
const agentToken = ( sub: string, lifeS = 300, issuedAt = Date.now() ) => signToken( svc.config.sites[ 0 ], { role: 'agent', sub, name: sub }, lifeS, issuedAt );

async function hello( token: string ): Promise< TestClient > {
	const c = await TestClient.open( svc.wsUrl, ORIGIN );
	open.push( c );
	c.send( { type: 'hello', token } );
	return c;
}

test( 'WordPress revokes an agent: its open connection closes at once, gets no chat, and its older tokens open nothing', async () => {
	const before = agentToken( 'wp:5' );
	const agent = await hello( before );
	await agent.next( 'welcome' );
	agent.send( { type: 'presence', online: true } );
	await agent.next( 'presence', ( p ) => p.online );
	expect( ( await svc.http( 'GET', '/availability?site=test' ) ).body.online ).toBe( true );

	const revoked = await svc.http( 'POST', '/admin/agents/revoke', { sub: 'wp:5' }, svc.token( 'site', 'wordpress' ) );
	expect( revoked ).toMatchObject( { status: 200, body: { revoked: 'wp:5', closed: 1 } } );
	expect( await agent.closed ).toMatchObject( { code: CLOSE.revoked } );
	expect( ( await svc.http( 'GET', '/availability?site=test' ) ).body.online ).toBe( false );

	// A chat started now waits: nobody may get it.
	const visitor = await svc.connect( 'visitor', 'v1' );
	open.push( visitor );
	visitor.send( { type: 'start', clientId: 's', text: 'anyone?' } );
	await visitor.next( 'position' );

	// The token from before the revocation opens nothing.
	const again = await hello( before );
	expect( await again.next( 'error' ) ).toMatchObject( { code: 'token_revoked' } );
	expect( await again.closed ).toMatchObject( { code: CLOSE.revoked } );

	// A token WordPress issues afterwards (the next second at the earliest) is what WordPress allows now.
	const fresh = await hello( agentToken( 'wp:5', 300, Date.now() + 1000 ) );
	expect( await fresh.next( 'welcome' ) ).toMatchObject( { role: 'agent', online: true } );
	// Back within the grace period: as it was, so the waiting chat reaches it.
	expect( ( await visitor.next( 'message', ( m ) => m.event === 'agent_joined' ) ).name ).toBe( 'wp:5' );
} );

test( 'the revoke route: WordPress only, a subject in a JSON body', async () => {
	const site = svc.token( 'site', 'wordpress' );
	expect( await svc.http( 'POST', '/admin/agents/revoke', { sub: 'wp:1' } ) ).toMatchObject( { status: 401, body: { error: 'auth_required' } } );
	expect( await svc.http( 'POST', '/admin/agents/revoke', { sub: 'wp:1' }, svc.token( 'agent', 'wp:1' ) ) ).toMatchObject( { status: 403, body: { error: 'forbidden' } } );
	expect( await svc.http( 'POST', '/admin/agents/revoke', { sub: '' }, site ) ).toMatchObject( { status: 400, body: { error: 'bad_request' } } );
	expect( await svc.http( 'POST', '/admin/agents/revoke', { sub: 'wp:1', extra: 1 }, site ) ).toMatchObject( { status: 400 } );
	expect( await svc.http( 'POST', '/admin/agents/revoke', 'nope', site ) ).toMatchObject( { status: 400, body: { error: 'bad_json' } } );
	expect( await svc.http( 'GET', '/admin/agents/revoke', undefined, site ) ).toMatchObject( { status: 405 } );
	// An agent that is not connected: nothing to close, its tokens are refused all the same.
	expect( await svc.http( 'POST', '/admin/agents/revoke', { sub: 'wp:9' }, site ) ).toMatchObject( { status: 200, body: { closed: 0 } } );
} );

test( 'an agent connection whose token expires without a renewal is closed; a renewed one carries on', async () => {
	const issued = Date.now();
	// Both of the same agent: one renews, one does not. The one that does not lives a second longer,
	// so when it closes, the renewed one's first token has been expired for a second.
	const renewing = await hello( agentToken( 'wp:7', 1, issued ) );
	await renewing.next( 'welcome' );
	const lapsing = await hello( agentToken( 'wp:7', 2, issued ) );
	await lapsing.next( 'welcome' );

	// A renewal must be this agent's: another agent's token is refused and changes nothing.
	renewing.send( { type: 'renew', token: agentToken( 'wp:8' ) } );
	expect( await renewing.next( 'error' ) ).toMatchObject( { code: 'forbidden' } );
	renewing.send( { type: 'renew', token: 'not a token' } );
	expect( await renewing.next( 'error' ) ).toMatchObject( { code: 'bad_token' } );

	const next = agentToken( 'wp:7', 300 );
	renewing.send( { type: 'renew', token: next } );
	const renewed = await renewing.next( 'renewed' );
	expect( renewed.expiresAt ).toBeGreaterThan( Date.now() + 200_000 );

	expect( await lapsing.next( 'error', undefined, 15_000 ) ).toMatchObject( { code: 'token_expired' } );
	expect( await lapsing.closed ).toMatchObject( { code: CLOSE.tokenExpired } );
	// Barrier: a round trip on the renewed connection, past its first token's end.
	renewing.send( { type: 'presence', online: true } );
	expect( await renewing.next( 'presence', ( p ) => p.online ) ).toBeTruthy();
}, 20_000 );

test( 'a visitor’s open chat goes on past its token: only agents are held to theirs', async () => {
	const visitor = await TestClient.open( svc.wsUrl, ORIGIN );
	open.push( visitor );
	visitor.send( { type: 'hello', token: signToken( svc.config.sites[ 0 ], { role: 'visitor', sub: 'v1' }, 1 ) } );
	await visitor.next( 'welcome' );
	visitor.send( { type: 'start', clientId: 's', text: 'hi' } );
	const { chat } = await visitor.next( 'started' );
	// An agent whose token lives as long expires and is closed…
	const agent = await hello( agentToken( 'wp:1', 1 ) );
	await agent.next( 'welcome' );
	await agent.closed;
	// …the visitor goes on.
	visitor.send( { type: 'send', chatId: chat.id, clientId: 'later', text: 'still here' } );
	expect( await visitor.acked( 'later' ) ).toBeGreaterThan( 0 );
}, 20_000 );
