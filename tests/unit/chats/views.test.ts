/**
 * Views: what clients see of a chat. The stored record's public fields, and
 * from memory only the visitor's pages and whether its agent is away.
 */
import { chatView, recordView } from '../../../server/chats/views';
import { GRACE_MS, chatRecord, useHarness } from './harness';

const t = useHarness();

test( 'recordView shows the record’s public fields, not the code’s hash or the visitor’s subject', () => {
	const record = chatRecord( { dept: 'sales', status: 'active', agentSub: 'ann', agentName: 'Ann', visitorName: 'Vera', from: 'app', keep: true } );
	const view = recordView( record, 7 );
	expect( view ).toEqual( {
		id: record.id,
		status: 'active',
		mode: 'stored',
		dept: 'sales',
		createdAt: record.createdAt,
		lastSeq: 7,
		visitorName: 'Vera',
		agentName: 'Ann',
		agent: 'ann',
		from: 'app',
		keep: true,
	} );
	// The code's hash and the visitor's subject stay on the service.
	expect( JSON.stringify( view ) ).not.toContain( record.codeHash );
	expect( JSON.stringify( view ) ).not.toContain( record.visitorSub );
} );

test( 'chatView adds the pages only while there are any, and agentAway only within the agent’s grace period', async () => {
	const { core, clock } = t.h;
	const { peer, agent } = await t.h.onlineAgent( 'ann' );
	const visitor = t.h.visitor();
	const { chat } = await t.h.start( visitor );
	await core.store.flush();
	expect( chat.record.agentSub ).toBe( 'ann' );
	const view = chatView( core, chat );
	expect( [ 'page', 'pages', 'agentAway' ].filter( ( k ) => k in view ) ).toEqual( [] );
	expect( view.lastSeq ).toBe( chat.lastSeq );

	chat.page = { path: '/pricing', title: 'Pricing' };
	chat.pages = [ { path: '/', title: 'Home' }, chat.page ];
	expect( chatView( core, chat ) ).toMatchObject( { page: chat.page, pages: chat.pages } );

	core.agents.leave( peer );
	expect( chatView( core, chat ).agentAway ).toBe( true );
	core.agents.join( peer );
	expect( 'agentAway' in chatView( core, chat ) ).toBe( false );
	core.agents.leave( peer );
	clock.advance( GRACE_MS );
	// Gone, not away: its chats go back to the queue.
	expect( core.agents.away( agent.site, agent.sub ) ).toBe( false );
	expect( 'agentAway' in chatView( core, chat ) ).toBe( false );
	await visitor.waitFor( 'chat', ( c ) => c.chat.status === 'waiting' );
} );
