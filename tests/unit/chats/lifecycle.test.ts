/**
 * Lifecycle: opening chats, status changes (memory at once, the store
 * after, memory rolled back where the write fails), keep, the end of a chat
 * and the inactivity sweep, on the hand-moved clock.
 */
import { agentKey } from '../../../server/chats/live-chat';
import { SITE_ID, openHarness, useHarness } from './harness';

const t = useHarness( { inactivityMinutes: 1 } );
const ANN = { sub: 'ann', name: 'Ann' };
const BOB = { sub: 'bob', name: 'Bob' };

test( 'a failed status write rolls back only the fields it set; a change made meanwhile is kept', async () => {
	const { core, faults } = t.h;
	const { chat } = await t.h.start( t.h.visitor() );
	await core.lifecycle.setStatus( chat, 'active', { agent: ANN } );

	// Ann hands the chat to the sales queue; the write hangs, then fails.
	const write = faults.hold( 'setStatus' );
	const transfer = core.lifecycle.setStatus( chat, 'waiting', { agent: null, dept: 'sales' } );
	// Memory changes at once (routing reads it), before the write is done.
	expect( chat.record ).toMatchObject( { status: 'waiting', agentSub: null, dept: 'sales' } );
	await write.called;
	// Meanwhile the waiting chat is given to Bob, and that is written.
	await core.lifecycle.setStatus( chat, 'active', { agent: BOB } );
	write.fail( new Error( 'disk full' ) );
	await expect( transfer ).rejects.toThrow( 'disk full' );

	// Bob's status and agent stay; the department, set only by the failed write, goes back.
	const expected = { status: 'active', agentSub: 'bob', dept: null };
	expect( chat.record ).toMatchObject( expected );
	expect( await core.store.getChat( chat.record.id ) ).toMatchObject( expected );
	expect( core.chats.load( agentKey( SITE_ID, 'ann' ) ) ).toBe( 0 );
	expect( core.chats.load( agentKey( SITE_ID, 'bob' ) ) ).toBe( 1 );
} );

test( 'a failed assignment puts the chat back in the queue, in memory and on the agents’ screens', async () => {
	const { core, faults } = t.h;
	const visitor = t.h.visitor();
	const { chat } = await t.h.start( visitor );
	const agent = t.h.agent( 'ann' );
	await t.h.sessions.connect( agent, { type: 'hello', token: 'x' } ); // offline: nothing is dispatched to it
	const queues = agent.of( 'queue' ).length;
	const chatFrames = visitor.of( 'chat' ).length;

	faults.failNext( 'setStatus' );
	await expect( core.lifecycle.setStatus( chat, 'active', { agent: ANN } ) ).rejects.toThrow( 'injected' );
	expect( chat.record ).toMatchObject( { status: 'waiting', agentSub: null, agentName: null } );
	expect( core.chats.load( agentKey( SITE_ID, 'ann' ) ) ).toBe( 0 );
	expect( core.chats.waiting( SITE_ID ) ).toEqual( [ chat ] );
	expect( agent.of( 'queue' ) ).toHaveLength( queues + 1 );
	expect( agent.last( 'queue' )?.waiting.map( ( e ) => e.chat.id ) ).toEqual( [ chat.record.id ] );
	// The change that did not happen is not announced.
	expect( visitor.of( 'chat' ) ).toHaveLength( chatFrames );
} );

test( 'end() says so, closes the chat in the store, frees its agent and removes it; a second end does nothing', async () => {
	const { core, clock } = t.h;
	const { agent } = await t.h.onlineAgent( 'ann' );
	const visitor = t.h.visitor();
	const { chat } = await t.h.start( visitor, { text: 'hi' } );
	await visitor.waitFor( 'message', ( m ) => m.event === 'agent_joined' );
	expect( core.chats.load( agent.key ) ).toBe( 1 );

	clock.advance( 5_000 );
	await core.lifecycle.end( chat );
	expect( core.chats.get( chat.record.id ) ).toBeUndefined();
	expect( core.chats.chatOfVisitor( visitor ) ).toBeUndefined();
	expect( core.chats.load( agent.key ) ).toBe( 0 );
	expect( agent.idleSince ).toBe( clock.now );
	expect( await core.store.getChat( chat.record.id ) ).toMatchObject( { status: 'closed', closedAt: clock.now } );
	expect( ( await core.store.messagesAfter( chat.record.id, 0 ) ).at( -1 )?.event ).toBe( 'ended' );
	expect( visitor.last( 'chat' )?.chat.status ).toBe( 'closed' );

	const frames = visitor.frames.length;
	await core.lifecycle.end( chat );
	expect( visitor.frames.length ).toBe( frames );
	expect( core.lifecycle.takeActivity() ).toEqual( { started: 1, ended: 1 } );
	expect( core.lifecycle.takeActivity() ).toEqual( { started: 0, ended: 0 } );
} );

test( 'keep() changes memory only once the store has it', async () => {
	const { core, faults } = t.h;
	const visitor = t.h.visitor();
	const { chat } = await t.h.start( visitor );
	const write = faults.hold( 'setKeep' );
	const keeping = core.lifecycle.keep( chat, true );
	await write.called;
	expect( chat.record.keep ).toBe( false );
	write.release();
	await keeping;
	expect( chat.record.keep ).toBe( true );
	expect( visitor.last( 'chat' )?.chat.keep ).toBe( true );
	expect( ( await core.store.getChat( chat.record.id ) )?.keep ).toBe( true );

	faults.failNext( 'setKeep' );
	await expect( core.lifecycle.keep( chat, false ) ).rejects.toThrow( 'injected' );
	expect( chat.record.keep ).toBe( true );
} );

test( 'sweepInactive ends chats idle for the site’s timeout by the clock, counting from the last activity', async () => {
	const { core, clock } = t.h;
	const first = await t.h.start( t.h.visitor() );
	clock.advance( 30_000 );
	const second = t.h.visitor();
	const { chat } = await t.h.start( second );

	clock.advance( 29_999 );
	expect( await core.lifecycle.sweepInactive() ).toBe( 0 );
	clock.advance( 1 );
	expect( await core.lifecycle.sweepInactive() ).toBe( 1 );
	expect( core.chats.get( first.chat.record.id ) ).toBeUndefined();
	expect( ( await core.store.messagesAfter( first.chat.record.id, 0 ) ).at( -1 )?.event ).toBe( 'timeout' );

	// A message is activity: the second chat's minute starts again.
	await core.stream.send( second, chat, 'c1', { text: 'still here' } );
	clock.advance( 59_999 );
	expect( await core.lifecycle.sweepInactive() ).toBe( 0 );
	clock.advance( 1 );
	expect( await core.lifecycle.sweepInactive() ).toBe( 1 );
	expect( core.chats.size ).toBe( 0 );
} );

test( 'start: the pre-chat name is written only in stored mode, and the site may fix the mode', async () => {
	const { core } = t.h;
	for ( const mode of [ 'stored', 'ephemeral' ] as const ) {
		const { chat } = await t.h.start( t.h.visitor(), { mode, form: { name: 'Vera' } } );
		expect( chat.record.visitorName ).toBe( 'Vera' ); // in memory, for the agent, either way
		expect( ( await core.store.getChat( chat.record.id ) )?.visitorName ).toBe( mode === 'stored' ? 'Vera' : null );
	}
	const fixed = await openHarness( { defaultMode: 'ephemeral', visitorChoosesMode: false } );
	try {
		const { chat } = await fixed.start( fixed.visitor(), { mode: 'stored' } );
		expect( chat.record.mode ).toBe( 'ephemeral' );
	} finally {
		await fixed.close();
	}
} );

test( 'an assignment whose write fails while the visitor comes or goes leaves the chat in the queue, not with no one', async () => {
	const { core, faults } = t.h;
	for ( const during of [ 'leaves', 'returns' ] as const ) {
		const visitor = t.h.visitor();
		const { chat, code } = await t.h.start( visitor );
		if ( during === 'returns' ) t.h.sessions.disconnect( visitor );
		const write = faults.hold( 'setStatus' );
		const assigning = core.lifecycle.setStatus( chat, chat.visitor ? 'active' : 'away', { agent: ANN } );
		await write.called;
		// A status change made on the ground of the assignment (active → away, or away → active), written.
		if ( during === 'leaves' ) t.h.sessions.disconnect( visitor );
		else await t.h.sessions.connect( t.h.visitor( visitor.identity.subject ), { type: 'hello', token: 'x', resume: { chatId: chat.record.id, code, lastSeq: 0 } } );
		await core.store.flush();
		write.fail( new Error( 'disk full' ) );
		await expect( assigning ).rejects.toThrow( 'disk full' );

		expect( chat.record ).toMatchObject( { status: 'waiting', agentSub: null } );
		expect( core.chats.waiting( SITE_ID ) ).toContain( chat );
		await core.store.flush();
		expect( await core.store.getChat( chat.record.id ) ).toMatchObject( { status: 'waiting', agentSub: null } );
	}
	// And routing hands them out again.
	const { peer } = await t.h.onlineAgent( 'bob' );
	await peer.waitFor( 'welcome' );
	for ( const chat of core.chats.all() ) await peer.waitFor( 'message', ( m ) => m.chatId === chat.record.id && m.event === 'agent_joined' );
} );
