/**
 * The agent console's reducer (admin/console/state.ts): frames in, state out.
 */
import { alertChannels, alertsFor } from '../../admin/console/alerts';
import { handedOff, knownDepts, missingFrom, prechatAnswers, sortedMessages, syncPoint, transferTargets } from '../../admin/console/chat-queries';
import { identityFromToken } from '../../admin/console/identity';
import { consoleReducer, initialState, type ConsoleAction, type ConsoleState } from '../../admin/console/state';
import { TypingSignal, TYPING_EVERY_MS } from '../../admin/console/typing';
import type { ChatMessage, ServerFrame } from '../../server/protocol';
import { view } from '../helpers/console-fixtures';


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
	return [ 'welcome', 'started', 'chat', 'message', 'ack', 'queue', 'error', 'presence', 'agents', 'typing' ].includes( a.type );
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

	it( 'leaves expired or revoked tokens to the connection (it reconnects with a fresh one): no error shown', () => {
		const s = run( withChat(), { type: 'error', code: 'token_expired', message: 'x' }, { type: 'error', code: 'token_revoked', message: 'y' } );
		expect( s.errors ).toEqual( [] );
	} );

	it( 'ends the agent’s access when WordPress gives no more tokens: no chats, no queue, no presence', () => {
		let s = run(
			withChat(),
			{ type: 'queue', waiting: [ { chat: view( 'w1', { status: 'waiting' } ), preview: 'a secret' } ] },
			{ type: 'presence', online: true, depts: [] }
		);
		s = run( s, { type: 'connection', state: 'reconnecting' } );
		expect( s.accessEnded ).toBe( false );
		expect( s.chats.size ).toBe( 1 );
		s = run( s, { type: 'connection', state: 'closed', refused: true } );
		expect( s ).toMatchObject( { accessEnded: true, connection: 'closed', online: null, queue: [], activeChatId: null } );
		expect( s.chats.size ).toBe( 0 );
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

	it( 'takes online state and departments from presence frames and own choices', () => {
		let s = run( withChat(), { type: 'presence', online: true, depts: [] } );
		expect( s.depts ).toEqual( [] );
		s = run( s, { type: 'online', online: true, depts: [ 'sales' ] } );
		expect( s.depts ).toEqual( [ 'sales' ] );
		// A setOnline without departments keeps the chosen ones.
		s = run( s, { type: 'online', online: false } );
		expect( [ s.online, s.depts ] ).toEqual( [ false, [ 'sales' ] ] );
		s = run( s, { type: 'presence', online: true, depts: [ 'sales', 'support' ] } );
		expect( [ s.online, s.depts ] ).toEqual( [ true, [ 'sales', 'support' ] ] );
		// The same presence again changes nothing (no re-render).
		expect( consoleReducer( s, { type: 'frame', frame: { type: 'presence', online: true, depts: [ 'sales', 'support' ] } } ) ).toBe( s );
	} );

	it( 'shows the visitor typing until they stop, send, or the chat is no longer active', () => {
		let s = run( withChat(), { type: 'typing', chatId: 'c1', from: 'visitor', typing: true } );
		expect( s.chats.get( 'c1' )!.visitorTyping ).toBe( true );
		// The agent's own typing (echo from another tab) is not the visitor's.
		expect( consoleReducer( s, { type: 'frame', frame: { type: 'typing', chatId: 'c1', from: 'agent', typing: false } } ) ).toBe( s );
		s = run( s, { type: 'typing', chatId: 'c1', from: 'visitor', typing: false } );
		expect( s.chats.get( 'c1' )!.visitorTyping ).toBe( false );
		s = run( s, { type: 'typing', chatId: 'c1', from: 'visitor', typing: true }, message( 'c1', 1 ) );
		expect( s.chats.get( 'c1' )!.visitorTyping ).toBe( false );
		s = run( s, { type: 'typing', chatId: 'c1', from: 'visitor', typing: true }, { type: 'chat', chat: view( 'c1', { status: 'away' } ) } );
		expect( s.chats.get( 'c1' )!.visitorTyping ).toBe( false );
		// Unknown chats are ignored.
		expect( run( s, { type: 'typing', chatId: 'zz', from: 'visitor', typing: true } ).chats.has( 'zz' ) ).toBe( false );
	} );

	it( 'sees a chat transferred away as handed off, readable but not ours', () => {
		let s = run( withChat(), { type: 'identity', me: { sub: 'wp:1', depts: [] } } );
		expect( handedOff( s.chats.get( 'c1' )!, s.me ) ).toBe( false );
		s = run( s, { type: 'chat', chat: view( 'c1', { agent: 'wp:2', agentName: 'Bo' } ) } );
		expect( handedOff( s.chats.get( 'c1' )!, s.me ) ).toBe( true );
		// Back to a department's queue: waiting, no agent.
		s = run( s, { type: 'chat', chat: view( 'c1', { agent: null, agentName: null, status: 'waiting', dept: 'sales' } ) } );
		expect( handedOff( s.chats.get( 'c1' )!, s.me ) ).toBe( true );
		// Closed chats are just closed; without knowing who we are, nothing is handed off.
		expect( handedOff( { ...s.chats.get( 'c1' )!, view: view( 'c1', { agent: 'wp:2', status: 'closed' } ) }, s.me ) ).toBe( false );
		expect( handedOff( s.chats.get( 'c1' )!, null ) ).toBe( false );
	} );

	it( 'offers other online agents and known departments as transfer targets', () => {
		const s = run(
			withChat(),
			{ type: 'identity', me: { sub: 'wp:1', depts: [ 'support' ] } },
			{
				type: 'agents',
				agents: [
					{ sub: 'wp:1', name: 'Ann', depts: [ 'support' ], chats: 1 },
					{ sub: 'wp:2', name: 'Bo', depts: [ 'sales' ], chats: 0 },
				],
			},
			{ type: 'queue', waiting: [ { chat: view( 'w1', { status: 'waiting', dept: 'billing' } ), preview: null } ] },
			{ type: 'chat', chat: view( 'c2', { dept: 'sales' } ) }
		);
		expect( transferTargets( s ).map( ( a ) => a.name ) ).toEqual( [ 'Bo' ] );
		expect( knownDepts( s ) ).toEqual( [ 'billing', 'sales', 'support' ] );
	} );

	it( 'finds the pre-chat form answers of a chat, leaving out empty ones', () => {
		let s = run( withChat(), message( 'c1', 2, { text: 'hello' } ) );
		expect( prechatAnswers( s.chats.get( 'c1' )! ) ).toEqual( [] );
		s = run( s, message( 'c1', 1, { text: '', dialog: 'prechat', fields: { name: 'Eve', email: '', topic: 'Invoice' } } ) );
		expect( prechatAnswers( s.chats.get( 'c1' )! ) ).toEqual( [
			[ 'name', 'Eve' ],
			[ 'topic', 'Invoice' ],
		] );
	} );

	it( 'alerts of chats new in the queue, not of those there at load or handed back by this agent', () => {
		const w = ( id: string ) => ( { chat: view( id, { status: 'waiting', agent: null } ), preview: null } );
		const step = ( before: ConsoleState, frame: ServerFrame ) => {
			const after = run( before, frame );
			return { after, alerts: alertsFor( before, after, frame ).map( ( a ) => `${ a.kind }:${ a.chatId }` ) };
		};
		let r = step( withChat(), { type: 'queue', waiting: [ w( 'w1' ) ] } );
		expect( r.alerts ).toEqual( [] );
		r = step( r.after, { type: 'queue', waiting: [ w( 'w1' ), w( 'w2' ), w( 'c1' ) ] } );
		expect( r.alerts ).toEqual( [ 'queued:w2' ] );
	} );

	it( 'alerts of chats assigned to this agent, not of chats it took or already holds', () => {
		const me = { sub: 'wp:1', depts: [] };
		const base = run( withChat(), { type: 'identity', me } );
		const frame: ServerFrame = { type: 'chat', chat: view( 'n1' ) };
		expect( alertsFor( base, run( base, frame ), frame ).map( ( a ) => a.kind ) ).toEqual( [ 'assigned' ] );
		const taking = run( base, { type: 'take', chatId: 'n1' } );
		expect( alertsFor( taking, run( taking, frame ), frame ) ).toEqual( [] );
		const again: ServerFrame = { type: 'chat', chat: view( 'c1', { status: 'away' } ) };
		expect( alertsFor( base, run( base, again ), again ) ).toEqual( [] );
		const closed: ServerFrame = { type: 'chat', chat: view( 'n2', { status: 'closed' } ) };
		expect( alertsFor( base, run( base, closed ), closed ) ).toEqual( [] );
	} );

	it( 'never alerts for the chat the agent is looking at; only sounds while the console has the focus', () => {
		const assigned = { kind: 'assigned' as const, chatId: 'n1', view: view( 'n1' ) };
		const queued = { kind: 'queued' as const, chatId: 'w1', view: view( 'w1' ) };
		expect( alertChannels( assigned, { focused: true, activeChatId: 'n1' } ) ).toEqual( { sound: false, notify: false } );
		expect( alertChannels( assigned, { focused: true, activeChatId: 'c1' } ) ).toEqual( { sound: true, notify: false } );
		expect( alertChannels( assigned, { focused: false, activeChatId: 'n1' } ) ).toEqual( { sound: true, notify: true } );
		expect( alertChannels( queued, { focused: true, activeChatId: null } ) ).toEqual( { sound: true, notify: false } );
		expect( alertChannels( queued, { focused: false, activeChatId: null } ) ).toEqual( { sound: true, notify: true } );
	} );

	it( 'reads who it is from the token (sub and departments), and nothing from garbage', () => {
		const b64 = ( o: unknown ) => Buffer.from( JSON.stringify( o ) ).toString( 'base64url' );
		expect( identityFromToken( `x.${ b64( { sub: 'wp:7', depts: [ 'sales', 3 ], name: 'Zoë' } ) }.sig` ) ).toEqual( { sub: 'wp:7', depts: [ 'sales' ] } );
		expect( identityFromToken( `x.${ b64( { sub: 'wp:7' } ) }.sig` ) ).toEqual( { sub: 'wp:7', depts: [] } );
		expect( identityFromToken( 'nonsense' ) ).toBeNull();
		expect( identityFromToken( 'x.!!!.y' ) ).toBeNull();
		expect( identityFromToken( `x.${ b64( { depts: [] } ) }.y` ) ).toBeNull();
	} );
} );

describe( 'typing signal', () => {
	it( 'says true at the first keystroke, again at most every 3 s, and false once emptied, sent or left', () => {
		const t = new TypingSignal();
		expect( t.stop() ).toBeNull();
		expect( t.input( 'H', 1_000 ) ).toBe( true );
		expect( t.input( 'He', 1_500 ) ).toBeNull();
		expect( t.input( 'Hel', 1_000 + TYPING_EVERY_MS - 1 ) ).toBeNull();
		expect( t.input( 'Hell', 1_000 + TYPING_EVERY_MS ) ).toBe( true );
		expect( t.input( '  ', 5_000 ) ).toBe( false );
		expect( t.input( '', 5_100 ) ).toBeNull();
		expect( t.input( 'x', 5_200 ) ).toBe( true );
		expect( t.stop() ).toBe( false );
		expect( t.stop() ).toBeNull();
	} );
} );
