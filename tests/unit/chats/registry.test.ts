/**
 * ChatRegistry: the open chats and their two indexes (by visitor
 * connection, by agent), derived from the chats and changed only through
 * it. Pure memory, so it runs on its own here, no store needed.
 */
import { ChatError, agentKey, newLiveChat, type LiveChat } from '../../../server/chats/live-chat';
import { ChatRegistry } from '../../../server/chats/registry';
import type { ChatRecord } from '../../../server/store/types';
import { RecordingPeer, SITE_ID, chatRecord, makeIdentity, siteConfig } from './harness';

const ANN = agentKey( SITE_ID, 'ann' );
const BOB = agentKey( SITE_ID, 'bob' );
const withAgent = ( sub: string ): Partial< ChatRecord > => ( { status: 'active', agentSub: sub, agentName: sub } );

let visitors = 0;
const site = siteConfig();
const visitor = (): RecordingPeer => new RecordingPeer( makeIdentity( site, 'visitor', `v${ ++visitors }` ) );
const agent = ( sub: string, s = site ): RecordingPeer => new RecordingPeer( makeIdentity( s, 'agent', sub ) );

let freed: string[];
let registry: ChatRegistry;
beforeEach( () => {
	freed = [];
	registry = new ChatRegistry( ( key ) => freed.push( key ) );
} );

function open( fields: Partial< ChatRecord > = {} ): LiveChat {
	const chat = newLiveChat( chatRecord( fields ), 0 );
	registry.add( chat );
	return chat;
}
const move = ( chat: LiveChat, fields: Partial< ChatRecord > ): void => registry.setRecord( chat, { ...chat.record, ...fields } );

test( 'an agent’s load counts the non-closed chats naming it, and follows setRecord', () => {
	const a1 = open( withAgent( 'ann' ) );
	const a2 = open( { ...withAgent( 'ann' ), status: 'away' } );
	open( { ...withAgent( 'ann' ), status: 'closed' } );
	open( withAgent( 'bob' ) );
	const waiting = open();
	expect( registry.load( ANN ) ).toBe( 2 );
	expect( registry.agentChats( ANN ) ).toEqual( expect.arrayContaining( [ a1, a2 ] ) );

	move( a2, { status: 'closed' } );
	expect( registry.load( ANN ) ).toBe( 1 );
	move( waiting, withAgent( 'ann' ) );
	expect( registry.agentChats( ANN ) ).toEqual( expect.arrayContaining( [ a1, waiting ] ) );
	expect( registry.load( ANN ) ).toBe( 2 );
	expect( registry.load( BOB ) ).toBe( 1 );
} );

test( 'moving chats between agents frees the first exactly when its last chat leaves; active ⇄ away frees no one', () => {
	const c1 = open( withAgent( 'ann' ) );
	const c2 = open( withAgent( 'ann' ) );
	move( c1, withAgent( 'bob' ) );
	expect( freed ).toEqual( [] );
	move( c1, { status: 'away' } );
	move( c1, { status: 'active' } );
	move( c2, { status: 'away' } );
	expect( freed ).toEqual( [] );

	move( c2, withAgent( 'bob' ) );
	expect( freed ).toEqual( [ ANN ] );
	expect( registry.load( ANN ) ).toBe( 0 );
	expect( registry.load( BOB ) ).toBe( 2 );

	// Back to the queue (no agent), then closed: bob is freed once, when the second leaves.
	move( c1, { status: 'waiting', agentSub: null, agentName: null } );
	expect( freed ).toEqual( [ ANN ] );
	move( c2, { status: 'closed' } );
	expect( freed ).toEqual( [ ANN, BOB ] );
} );

test( 'attachVisitor returns the connection it replaced, and chatOfVisitor follows', () => {
	const chat = open();
	const first = visitor();
	const second = visitor();
	expect( registry.attachVisitor( chat, first ) ).toBeNull();
	expect( registry.chatOfVisitor( first ) ).toBe( chat );

	expect( registry.attachVisitor( chat, second ) ).toBe( first );
	expect( registry.chatOfVisitor( first ) ).toBeUndefined();
	expect( registry.chatOfVisitor( second ) ).toBe( chat );
	expect( chat.visitor ).toBe( second );
	// The same connection again replaces nothing.
	expect( registry.attachVisitor( chat, second ) ).toBeNull();

	expect( registry.attachVisitor( chat, null ) ).toBe( second );
	expect( registry.chatOfVisitor( second ) ).toBeUndefined();
} );

test( 'remove drops the chat from every index (and frees its agent)', () => {
	const chat = open( withAgent( 'ann' ) );
	const waiting = open();
	const peer = visitor();
	registry.attachVisitor( chat, peer );
	registry.remove( chat );
	expect( registry.get( chat.record.id ) ).toBeUndefined();
	expect( registry.size ).toBe( 1 );
	expect( registry.chatOfVisitor( peer ) ).toBeUndefined();
	expect( registry.load( ANN ) ).toBe( 0 );
	expect( registry.agentChats( ANN ) ).toEqual( [] );
	expect( freed ).toEqual( [ ANN ] );

	registry.remove( waiting );
	expect( registry.waiting( SITE_ID ) ).toEqual( [] );
	// A chat no longer registered keeps its record but joins no index.
	move( chat, withAgent( 'bob' ) );
	expect( chat.record.agentSub ).toBe( 'bob' );
	expect( registry.load( BOB ) ).toBe( 0 );
} );

test( 'waiting() is the site’s waiting chats, oldest first', () => {
	const later = open( { createdAt: 2000 } );
	const earlier = open( { createdAt: 1000 } );
	open( { createdAt: 500, site: 'other' } );
	open( { createdAt: 100, ...withAgent( 'ann' ) } );
	expect( registry.waiting( SITE_ID ) ).toEqual( [ earlier, later ] );
} );

test( 'participantChat: the same not_found for a chat that is absent and one that is not yours', () => {
	const own = visitor();
	const ann = agent( 'ann' );
	const chat = open( withAgent( 'ann' ) );
	registry.attachVisitor( chat, own );
	expect( registry.participantChat( own, chat.record.id ) ).toBe( chat );
	expect( registry.participantChat( ann, chat.record.id ) ).toBe( chat );

	const refusal = ( peer: RecordingPeer, id: string ): unknown => {
		try {
			registry.participantChat( peer, id );
		} catch ( e ) {
			return e instanceof ChatError ? { code: e.code, message: e.message } : e;
		}
		return 'allowed';
	};
	const absent = refusal( own, 'no-such-chat' );
	expect( absent ).toEqual( { code: 'not_found', message: expect.any( String ) } );
	// Another visitor, another agent, an agent of the same subject on another site: all as if absent.
	for ( const stranger of [ visitor(), agent( 'bob' ), agent( 'ann', { ...site, id: 'other' } ) ] ) {
		expect( refusal( stranger, chat.record.id ) ).toEqual( absent );
	}
} );
