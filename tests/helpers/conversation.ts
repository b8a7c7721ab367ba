/**
 * A full conversation against a child service, for the privacy tests: a
 * pre-chat form, a dialog and messages both ways, each carrying a unique
 * secret that a search of the service's files and log must (stored mode) or
 * must not (ephemeral mode) find.
 */
import { randomUUID } from 'node:crypto';
import { signToken } from '../../server/tokens';
import type { ChildService } from './child-service';
import { ORIGIN, SITE } from './service';
import { TestClient } from './ws-client';

/** Where each side connects: one service, or two nodes of a cluster (visitor on one, agent on the other). */
export type Endpoints = ChildService | { visitorWsUrl: string; agentWsUrl: string };

/** `localAddress`: the source address of the visitor's socket (a loopback address of the test's choosing). */
async function client( wsUrl: string, site: string, role: 'visitor' | 'agent', sub: string, name?: string, localAddress?: string ) {
	const c = await TestClient.open( wsUrl, ORIGIN, localAddress ? { localAddress } : {} );
	c.send( { type: 'hello', token: signToken( { id: site, secret: SITE.secret }, { role, sub, name } ) } );
	await c.next( 'welcome' );
	return c;
}

/** A full conversation with a pre-chat form, a dialog and messages both ways; returns the secrets it used. */
export async function converse( where: Endpoints, site: string, visitorAddress?: string ): Promise< string[] > {
	const urls = 'wsUrl' in where ? { visitor: where.wsUrl, agent: where.wsUrl } : { visitor: where.visitorWsUrl, agent: where.agentWsUrl };
	const tag = randomUUID();
	const secrets = [ `visitor-text-${ tag }`, `agent-text-${ tag }`, `Zelda-${ tag }`, `street-${ tag }`, `first-${ tag }` ];
	const agent = await client( urls.agent, site, 'agent', 'wp:1', 'Ann' );
	agent.send( { type: 'presence', online: true } );
	await agent.next( 'presence', ( p ) => p.online );
	const visitor = await client( urls.visitor, site, 'visitor', 'v1', undefined, visitorAddress );
	visitor.send( { type: 'start', clientId: 'c0', text: secrets[ 4 ], form: { name: secrets[ 2 ] } } );
	const { chat } = await visitor.next( 'started' );
	await visitor.next( 'message', ( m ) => m.event === 'agent_joined' );
	visitor.send( { type: 'send', chatId: chat.id, clientId: 'c1', text: secrets[ 0 ] } );
	await visitor.acked( 'c1' );
	agent.send( { type: 'send', chatId: chat.id, clientId: 'a1', text: secrets[ 1 ] } );
	await visitor.next( 'message', ( m ) => m.text === secrets[ 1 ] );
	visitor.send( { type: 'submit', chatId: chat.id, clientId: 'c2', dialog: 'address', fields: { street: secrets[ 3 ] } } );
	expect( ( await agent.next( 'message', ( m ) => m.dialog === 'address' ) ).fields ).toEqual( { street: secrets[ 3 ] } );
	agent.send( { type: 'end', chatId: chat.id } );
	await visitor.next( 'chat', ( c ) => c.chat.status === 'closed' );
	visitor.close();
	agent.close();
	return secrets;
}
