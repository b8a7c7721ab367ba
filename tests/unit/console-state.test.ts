/**
 * The agent console's reducer (admin/console/state.ts): frames in, state out.
 */
import {
	consoleReducer,
	initialState,
	missingFrom,
	sortedMessages,
	syncPoint,
	type ConsoleAction,
	type ConsoleState,
} from '../../admin/console/state';
import type { ChatMessage, ChatView, ServerFrame } from '../../server/protocol';

const view = ( id: string, over: Partial< ChatView > = {} ): ChatView => ( {
	id,
	status: 'active',
	mode: 'stored',
	dept: null,
	createdAt: 1_000,
	lastSeq: 0,
	visitorName: null,
	agentName: 'Ann',
	agent: 'wp:1',
	from: null,
	keep: false,
	...over,
} );

const message = ( chatId: string, seq: number, over: Partial< ChatMessage > = {} ): ServerFrame => ( {
	type: 'message',
	chatId,
	seq,
	from: 'visitor',
	text: `m${ seq }`,
	at: 2_000 + seq,
	...over,
} );

const run = ( state: ConsoleState, ...actions: ( ConsoleAction | ServerFrame )[] ): ConsoleState =>
	actions.reduce< ConsoleState >(
		( s, a ) =>
			consoleReducer( s, isFrame( a ) ? { type: 'frame', frame: a } : a ),
		state
	);

function isFrame( a: ConsoleAction | ServerFrame ): a is ServerFrame {
	return [ 'welcome', 'started', 'chat', 'message', 'ack', 'queue', 'error' ].includes( a.type );
}

const withChat = ( id = 'c1' ): ConsoleState =>
	run( initialState(), { type: 'welcome', role: 'agent', name: 'Ann', online: true, chats: [ view( id ) ] } );

describe( 'console state', () => {
	it( 'opens the chats listed in welcome and selects the first', () => {
		const s = withChat();
		expect( [ ...s.chats.keys() ] ).toEqual( [ 'c1' ] );
		expect( s.activeChatId ).toBe( 'c1' );
		expect( s.online ).toBe( true );
		expect( s.agentName ).toBe( 'Ann' );
	} );

	it( 'de-duplicates messages by seq and keeps them in order', () => {
		const s = run( withChat(), message( 'c1', 2 ), message( 'c1', 1 ), message( 'c1', 2, { text: 'again' } ), message( 'c1', 1 ) );
		const chat = s.chats.get( 'c1' )!;
		expect( sortedMessages( chat ).map( ( m ) => [ m.seq, m.text ] ) ).toEqual( [
			[ 1, 'm1' ],
			[ 2, 'm2' ],
		] );
	} );

	it( 'returns the same state for a message it already holds (no re-render)', () => {
		const s = run( withChat(), message( 'c1', 1 ) );
		expect( consoleReducer( s, { type: 'frame', frame: message( 'c1', 1 ) } ) ).toBe( s );
	} );

	it( 'tracks the highest seq per chat for sync', () => {
		let s = run( withChat(), { type: 'chat', chat: view( 'c2' ) } );
		expect( syncPoint( s, 'c1' ) ).toBe( 0 );
		s = run( s, message( 'c1', 3 ), message( 'c1', 7 ), message( 'c1', 5 ), message( 'c2', 2 ) );
		expect( syncPoint( s, 'c1' ) ).toBe( 7 );
		expect( syncPoint( s, 'c2' ) ).toBe( 2 );
		expect( syncPoint( s, 'unknown' ) ).toBe( 0 );
		// A later welcome (reconnect) keeps what is held.
		s = run( s, { type: 'welcome', role: 'agent', name: 'Ann', online: true, chats: [ view( 'c1' ), view( 'c2' ) ] } );
		expect( syncPoint( s, 'c1' ) ).toBe( 7 );
		expect( s.chats.get( 'c1' )!.messages.size ).toBe( 3 );
	} );

	it( 'replaces the pending copy with the confirmed message', () => {
		let s = run( withChat(), { type: 'send', chatId: 'c1', clientId: 'k1', text: 'hello', at: 5 } );
		expect( [ ...s.chats.get( 'c1' )!.pending.values() ].map( ( p ) => p.text ) ).toEqual( [ 'hello' ] );
		s = run( s, message( 'c1', 4, { from: 'agent', text: 'hello', clientId: 'k1', name: 'Ann' } ) );
		const chat = s.chats.get( 'c1' )!;
		expect( chat.pending.size ).toBe( 0 );
		expect( sortedMessages( chat ).map( ( m ) => m.text ) ).toEqual( [ 'hello' ] );
		// The ack after the message changes nothing.
		s = run( s, { type: 'ack', chatId: 'c1', clientId: 'k1', seq: 4 } );
		expect( s.chats.get( 'c1' )!.pending.size ).toBe( 0 );
	} );

	it( 'drops a pending copy acked first once its seq arrives (e.g. via sync)', () => {
		let s = run(
			withChat(),
			{ type: 'send', chatId: 'c1', clientId: 'k1', text: 'hi', at: 5 },
			{ type: 'ack', chatId: 'c1', clientId: 'k1', seq: 9 }
		);
		expect( s.chats.get( 'c1' )!.pending.get( 'k1' )?.ackedSeq ).toBe( 9 );
		s = run( s, message( 'c1', 9, { from: 'agent', text: 'hi' } ) );
		expect( s.chats.get( 'c1' )!.pending.size ).toBe( 0 );
		expect( s.chats.get( 'c1' )!.messages.size ).toBe( 1 );
	} );

	it( 'replaces the queue with each queue frame', () => {
		let s = run( initialState(), {
			type: 'queue',
			waiting: [ { chat: view( 'w1', { status: 'waiting' } ), preview: 'help' }, { chat: view( 'w2', { status: 'waiting' } ), preview: null } ],
		} );
		expect( s.queue.map( ( e ) => e.chat.id ) ).toEqual( [ 'w1', 'w2' ] );
		s = run( s, { type: 'queue', waiting: [ { chat: view( 'w2', { status: 'waiting' } ), preview: null } ] } );
		expect( s.queue.map( ( e ) => e.chat.id ) ).toEqual( [ 'w2' ] );
		s = run( s, { type: 'queue', waiting: [] } );
		expect( s.queue ).toEqual( [] );
	} );

	it( 'updates a chat status from chat frames and keeps its messages', () => {
		let s = run( withChat(), message( 'c1', 1 ) );
		s = run( s, { type: 'chat', chat: view( 'c1', { status: 'away' } ) } );
		expect( s.chats.get( 'c1' )!.view.status ).toBe( 'away' );
		s = run( s, { type: 'chat', chat: view( 'c1', { status: 'closed' } ) } );
		expect( s.chats.get( 'c1' )!.view.status ).toBe( 'closed' );
		expect( s.chats.get( 'c1' )!.messages.size ).toBe( 1 );
	} );

	it( 'opens and selects a chat this console took', () => {
		let s = run( withChat(), { type: 'take', chatId: 'w1' } );
		s = run( s, { type: 'chat', chat: view( 'w1', { status: 'active' } ) } );
		expect( s.activeChatId ).toBe( 'w1' );
		expect( s.taking ).toBeNull();
		expect( [ ...s.chats.keys() ] ).toEqual( [ 'c1', 'w1' ] );
	} );

	it( 'marks chats missing from a later welcome as closed, and closes tabs', () => {
		let s = run( withChat(), { type: 'chat', chat: view( 'c2' ) } );
		s = run( s, { type: 'welcome', role: 'agent', name: 'Ann', online: false, chats: [ view( 'c2' ) ] } );
		expect( s.chats.get( 'c1' )!.view.status ).toBe( 'closed' );
		expect( s.chats.get( 'c2' )!.view.status ).toBe( 'active' );
		expect( s.online ).toBe( false );
		s = run( s, { type: 'closeTab', chatId: 'c1' } );
		expect( [ ...s.chats.keys() ] ).toEqual( [ 'c2' ] );
		expect( s.activeChatId ).toBe( 'c2' );
	} );

	it( 'collects error frames as dismissible errors', () => {
		let s = run( initialState(), { type: 'take', chatId: 'w1' }, { type: 'error', code: 'conflict', message: 'the chat is no longer waiting' } );
		expect( s.errors.map( ( e ) => e.code ) ).toEqual( [ 'conflict' ] );
		expect( s.taking ).toBeNull();
		s = run( s, { type: 'dismissError', id: s.errors[ 0 ].id } );
		expect( s.errors ).toEqual( [] );
	} );

	it( 'asks for history of a newly opened chat and after a gap in seqs', () => {
		const s = run( withChat(), message( 'c1', 1 ), message( 'c1', 2 ) );
		// A taken chat: the visitor's first message came before it was ours.
		expect( missingFrom( s, { type: 'chat', chat: view( 'w1' ) } ) ).toEqual( { chatId: 'w1', afterSeq: 0, newChat: true } );
		expect( missingFrom( s, { type: 'chat', chat: view( 'c1', { status: 'away' } ) } ) ).toBeNull();
		expect( missingFrom( s, message( 'c1', 3 ) ) ).toBeNull();
		expect( missingFrom( s, message( 'c1', 2 ) ) ).toBeNull();
		expect( missingFrom( s, message( 'c1', 5 ) ) ).toEqual( { chatId: 'c1', afterSeq: 2, newChat: false } );
	} );
} );
