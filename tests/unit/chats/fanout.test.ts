/**
 * LocalFanout: who gets which frame, addressed by chat, agent or site, and
 * each frame serialised once however many sockets get it.
 */
import type { LiveChat } from '../../../server/chats/live-chat';
import type { ServerFrame } from '../../../server/protocol';
import { SITE_ID, useHarness, type RecordingPeer } from './harness';

const t = useHarness();

/** A frame that counts how often it is serialised (JSON.stringify calls toJSON once per serialisation). */
function counted( frame: ServerFrame ): { frame: ServerFrame; serialised: () => number } {
	let n = 0;
	const copy = { ...frame };
	Object.defineProperty( copy, 'toJSON', { enumerable: false, value: () => ( n++, frame ) } );
	return { frame: copy, serialised: () => n };
}

/** A chat with its visitor, held by Ann, who has two consoles open; Bob has one and no part in it. */
async function scene(): Promise< { chat: LiveChat; visitor: RecordingPeer; tab1: RecordingPeer; tab2: RecordingPeer; bob: RecordingPeer } > {
	const { core } = t.h;
	const [ tab1, tab2, bob ] = [ t.h.agent( 'ann' ), t.h.agent( 'ann' ), t.h.agent( 'bob' ) ];
	for ( const p of [ tab1, tab2, bob ] ) core.agents.join( p );
	const visitor = t.h.visitor();
	const { chat } = await t.h.start( visitor );
	await core.dispatcher.assign( chat, core.agents.of( tab1 ) );
	return { chat, visitor, tab1, tab2, bob };
}

test( 'toChat reaches the visitor and every console of the chat’s agent, and says whether the sender was among them', async () => {
	const { fanout } = t.h.core;
	const { chat, visitor, tab1, tab2, bob } = await scene();
	const typing: ServerFrame = { type: 'typing', chatId: chat.record.id, from: 'visitor', typing: true };
	const got = (): number[] => [ visitor, tab1, tab2, bob ].map( ( p ) => p.of( 'typing' ).length );

	expect( fanout.toChat( chat, typing, visitor ) ).toBe( true );
	expect( got() ).toEqual( [ 1, 1, 1, 0 ] );
	expect( fanout.toChat( chat, typing, tab2 ) ).toBe( true );
	expect( fanout.toChat( chat, typing, bob ) ).toBe( false );
	expect( fanout.toChat( chat, typing, t.h.visitor() ) ).toBe( false );
	expect( fanout.toChat( chat, typing ) ).toBe( false );
	expect( got() ).toEqual( [ 5, 5, 5, 0 ] );

	// To the agent only: the visitor is not among the recipients, even as the sender.
	expect( fanout.toChatAgent( chat, typing, visitor ) ).toBe( false );
	expect( fanout.toChatAgent( chat, typing, tab1 ) ).toBe( true );
	expect( got() ).toEqual( [ 5, 7, 7, 0 ] );

	// A waiting chat has no agent: only its visitor counts.
	const other = t.h.visitor();
	const waiting = ( await t.h.start( other ) ).chat;
	expect( fanout.toChat( waiting, typing, other ) ).toBe( true );
	expect( fanout.toChat( waiting, typing, tab1 ) ).toBe( false );
	expect( tab1.of( 'typing' ) ).toHaveLength( 7 );
} );

test( 'a frame is serialised once, however many sockets get it', async () => {
	const { fanout, agents } = t.h.core;
	const { chat, visitor, tab1, tab2, bob } = await scene();

	const toChat = counted( { type: 'typing', chatId: chat.record.id, from: 'agent', typing: true } );
	fanout.toChat( chat, toChat.frame );
	expect( toChat.serialised() ).toBe( 1 );
	expect( new Set( [ visitor, tab1, tab2 ].map( ( p ) => p.json.at( -1 ) ) ).size ).toBe( 1 );

	const site = counted( { type: 'agents', agents: [] } );
	fanout.toSiteAgents( SITE_ID, site.frame );
	expect( site.serialised() ).toBe( 1 );
	expect( [ tab1, tab2, bob ].map( ( p ) => p.last( 'agents' ) ) ).toEqual( [ 1, 2, 3 ].map( () => ( { type: 'agents', agents: [] } ) ) );

	const ann = agents.of( tab1 );
	const one = counted( { type: 'queue', waiting: [] } );
	fanout.toAgent( ann, one.frame );
	expect( one.serialised() ).toBe( 1 );
	// Already serialised (one queue per set of departments): handed on as it is.
	fanout.toAgent( ann, '{"type":"queue","waiting":[]}' );
	expect( [ tab1.json.at( -1 ), tab2.json.at( -1 ), bob.json.at( -1 ) ] ).toEqual( [
		'{"type":"queue","waiting":[]}',
		'{"type":"queue","waiting":[]}',
		'{"type":"agents","agents":[]}',
	] );
} );
