/**
 * Sessions: connections coming and going. A visitor resuming its chat (the
 * newest connection wins), an agent whose access WordPress withdrew, and a
 * token renewed in place with fewer departments.
 */
import { formatCode, newChatCode } from '../../../server/chat-code';
import { ChatError } from '../../../server/chats/live-chat';
import { CLOSE } from '../../../server/protocol';
import { SITE_ID, useHarness } from './harness';

const t = useHarness();

test( 'a visitor’s newer connection takes the chat over and the older one is closed with 4009', async () => {
	const { core, sessions } = t.h;
	const first = t.h.visitor();
	const { chat, code } = await t.h.start( first );
	for ( const text of [ 'a', 'b' ] ) await core.stream.send( first, chat, text, { text } );

	// Another chat's code (well-formed, so only its hash can refuse it) resumes nothing and replaces nothing.
	const stranger = t.h.visitor();
	const resume = { chatId: chat.record.id, code, lastSeq: 1 };
	await expect( sessions.connect( stranger, { type: 'hello', token: 'x', resume: { ...resume, code: formatCode( newChatCode() ) } } ) ).rejects.toEqual(
		new ChatError( 'not_found', 'no such chat to resume' )
	);
	expect( first.closes ).toEqual( [] );

	const second = t.h.visitor( first.identity.subject );
	await sessions.connect( second, { type: 'hello', token: 'x', resume } );
	expect( first.closes ).toEqual( [ { code: CLOSE.replaced, reason: expect.any( String ) } ] );
	expect( CLOSE.replaced ).toBe( 4009 );
	expect( core.chats.chatOfVisitor( second ) ).toBe( chat );
	expect( core.chats.chatOfVisitor( first ) ).toBeUndefined();
	expect( second.last( 'welcome' )?.chats.map( ( c ) => c.id ) ).toEqual( [ chat.record.id ] );
	// What it missed after seq 1, and from now on everything, goes to the newer one only.
	expect( second.of( 'message' ).map( ( m ) => m.text ) ).toEqual( [ 'b' ] );
	const before = first.frames.length;
	await core.stream.send( second, chat, 'c', { text: 'c' } );
	expect( second.last( 'message' )?.text ).toBe( 'c' );
	expect( first.frames.length ).toBe( before );
} );

test( 'an active chat goes away with its visitor’s connection and is active again on its return', async () => {
	const { core, sessions } = t.h;
	await t.h.onlineAgent( 'ann' );
	const visitor = t.h.visitor();
	const { chat, code } = await t.h.start( visitor );
	await visitor.waitFor( 'message', ( m ) => m.event === 'agent_joined' );
	sessions.disconnect( visitor );
	expect( chat.record.status ).toBe( 'away' );
	const back = t.h.visitor( visitor.identity.subject );
	await sessions.connect( back, { type: 'hello', token: 'x', resume: { chatId: chat.record.id, code, lastSeq: 0 } } );
	// The welcome already says so: memory changes before the write.
	expect( back.last( 'welcome' )?.chats[ 0 ].status ).toBe( 'active' );
	expect( ( await core.store.statusHistory( chat.record.id ) ).map( ( s ) => s.status ) ).toEqual( [ 'waiting', 'active', 'away', 'active' ] );
} );

test( 'an agent whose access is withdrawn has every connection closed with the revoked code, and hears nothing more', async () => {
	const { core, sessions } = t.h;
	const { peer: tab1 } = await t.h.onlineAgent( 'ann' );
	const tab2 = t.h.agent( 'ann' );
	await sessions.connect( tab2, { type: 'hello', token: 'x' } );
	const visitor = t.h.visitor();
	const { chat } = await t.h.start( visitor );
	await visitor.waitFor( 'message', ( m ) => m.event === 'agent_joined' );

	expect( sessions.dropAgent( SITE_ID, 'ann' ) ).toBe( 2 );
	for ( const tab of [ tab1, tab2 ] ) expect( tab.closes ).toEqual( [ { code: CLOSE.revoked, reason: expect.any( String ) } ] );
	expect( core.agents.get( SITE_ID, 'ann' )?.peers.size ).toBe( 0 );
	// Its grace period runs: the visitor sees the agent away, and the chat is still the agent's for now.
	expect( visitor.last( 'chat' )?.chat.agentAway ).toBe( true );
	expect( chat.record.agentSub ).toBe( 'ann' );

	const heard = [ tab1.frames.length, tab2.frames.length ];
	await core.stream.send( visitor, chat, 'v1', { text: 'hello?' } );
	expect( [ tab1.frames.length, tab2.frames.length ] ).toEqual( heard );
	expect( sessions.dropAgent( SITE_ID, 'nobody' ) ).toBe( 0 );
} );

test( 'a renewed token with fewer departments hands back the chats it no longer allows', async () => {
	const { core, sessions } = t.h;
	const { peer } = await t.h.onlineAgent( 'ann' );
	const sales = t.h.visitor();
	const support = t.h.visitor();
	const salesChat = ( await t.h.start( sales, { dept: 'sales' } ) ).chat;
	const supportChat = ( await t.h.start( support, { dept: 'support' } ) ).chat;
	await support.waitFor( 'message', ( m ) => m.event === 'agent_joined' );

	// The same departments: nothing changes, nothing is sent.
	const frames = peer.frames.length;
	sessions.renewed( peer );
	expect( peer.frames.length ).toBe( frames );

	peer.identity = t.h.identity( 'agent', 'ann', { depts: [ 'sales' ] } );
	sessions.renewed( peer );
	expect( peer.last( 'presence' ) ).toEqual( { type: 'presence', online: true, depts: [] } );
	await support.waitFor( 'chat', ( c ) => c.chat.status === 'waiting' && c.chat.agent === null );
	expect( support.events() ).toEqual( [ 'agent_joined', 'agent_left' ] );
	expect( salesChat.record.agentSub ).toBe( 'ann' );
	expect( core.chats.agentChats( core.agents.of( peer ).key ) ).toEqual( [ salesChat ] );
	// Back in the queue, but not in hers: her token no longer allows it.
	await core.store.flush();
	expect( core.chats.waiting( SITE_ID ) ).toEqual( [ supportChat ] );
	expect( peer.last( 'queue' )?.waiting ).toEqual( [] );
} );
