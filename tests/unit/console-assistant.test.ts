/**
 * The agent console and the site's assistant (admin/console/state.ts,
 * chat-queries.ts, alerts.ts, transcript.ts): a chat the assistant still
 * serves never opens, queues or alerts in the console; a handed-over chat
 * arrives like any other, is synced from the start, and keeps the
 * assistant's messages as the assistant's; a submitted dialog's answers are
 * labelled with the questions asked; and how the console words it all
 * (format.ts, in its English source strings).
 */
import { alertsFor } from '../../admin/console/alerts';
import { missingFrom, sortedMessages } from '../../admin/console/chat-queries';
import { assistantEventText, assistantOffers, statusText, systemText } from '../../admin/console/format';
import { consoleReducer, forPeople, initialState, type ConsoleState } from '../../admin/console/state';
import { dialogAnswers, dialogQuestions } from '../../admin/console/transcript';
import type { ServerFrame } from '../../server/protocol';
import { msg, view } from '../helpers/console-fixtures';



const apply = ( state: ConsoleState, ...frames: ServerFrame[] ): ConsoleState =>
	frames.reduce( ( s, frame ) => consoleReducer( s, { type: 'frame', frame } ), state );

/** A console that is welcomed (no chats), knows who it is, and has had its first queue. */
const ready = (): ConsoleState =>
	consoleReducer(
		apply( initialState(), { type: 'welcome', role: 'agent', name: 'Ann', online: true, chats: [] }, { type: 'queue', waiting: [] } ),
		{ type: 'identity', me: { sub: 'wp:1', depts: [] } }
	);

describe( 'chats the assistant still serves', () => {
	it( 'are for the assistant, not for people', () => {
		expect( forPeople( view( 'c', { status: 'assistant' } ) ) ).toBe( false );
		for ( const status of [ 'waiting', 'active', 'away', 'closed' ] as const ) expect( forPeople( view( 'c', { status } ) ) ).toBe( true );
	} );

	it( 'a `chat` frame of one opens no tab, asks no sync and alerts nobody', () => {
		const before = ready();
		const frame: ServerFrame = { type: 'chat', chat: view( 'a1', { status: 'assistant', agent: null, agentName: null } ) };
		const after = apply( before, frame );
		expect( after ).toBe( before );
		expect( missingFrom( before, frame ) ).toBeNull();
		expect( alertsFor( before, after, frame ) ).toEqual( [] );
	} );

	it( 'is left out of the queue (and its alerts) and of the chats a welcome lists', () => {
		const before = ready();
		const frame: ServerFrame = {
			type: 'queue',
			waiting: [
				{ chat: view( 'a1', { status: 'assistant', agent: null } ), preview: 'with the assistant' },
				{ chat: view( 'w1', { status: 'waiting', agent: null } ), preview: 'waiting' },
			],
		};
		const after = apply( before, frame );
		expect( after.queue.map( ( e ) => e.chat.id ) ).toEqual( [ 'w1' ] );
		expect( alertsFor( before, after, frame ).map( ( a ) => a.chatId ) ).toEqual( [ 'w1' ] );

		const welcomed = apply( initialState(), { type: 'welcome', role: 'agent', name: 'Ann', chats: [ view( 'a1', { status: 'assistant' } ), view( 'c1' ) ] } );
		expect( [ ...welcomed.chats.keys() ] ).toEqual( [ 'c1' ] );
		expect( welcomed.activeChatId ).toBe( 'c1' );
	} );
} );

describe( 'a chat handed over by the assistant', () => {
	it( 'arrives like any other, is synced from the start, and keeps the assistant’s messages as its own', () => {
		const before = ready();
		const assigned: ServerFrame = { type: 'chat', chat: view( 'h1', { mode: 'ephemeral' } ) };
		expect( missingFrom( before, assigned ) ).toEqual( { chatId: 'h1', afterSeq: 0, newChat: true } );
		let s = apply( before, assigned );
		expect( alertsFor( before, s, assigned ).map( ( a ) => a.kind ) ).toEqual( [ 'assigned' ] );
		expect( s.activeChatId ).toBe( 'h1' );
		// The sync's answer, out of order, with the hand-over's own frames in between.
		s = apply(
			s,
			{ type: 'message', ...msg( 'h1', 5, { from: 'system', text: '', event: 'agent_joined', name: 'Ann' } ) },
			{ type: 'message', ...msg( 'h1', 1, { text: 'How much is shipping?' } ) },
			{ type: 'message', ...msg( 'h1', 2, { from: 'assistant', text: 'Shipping is **free**.', options: [ 'Returns' ] } ) },
			{ type: 'message', ...msg( 'h1', 3, { from: 'assistant', text: '', event: 'no_answer', person: true } ) },
			{ type: 'message', ...msg( 'h1', 4, { from: 'system', text: '', event: 'handed_over' } ) },
			{ type: 'message', ...msg( 'h1', 2, { from: 'assistant', text: 'a resend is shown once' } ) }
		);
		const chat = s.chats.get( 'h1' )!;
		expect( sortedMessages( chat ).map( ( m ) => [ m.seq, m.from, m.event ?? m.text ] ) ).toEqual( [
			[ 1, 'visitor', 'How much is shipping?' ],
			[ 2, 'assistant', 'Shipping is **free**.' ],
			[ 3, 'assistant', 'no_answer' ],
			[ 4, 'system', 'handed_over' ],
			[ 5, 'system', 'agent_joined' ],
		] );
		expect( chat.messages.get( 2 ) ).toMatchObject( { options: [ 'Returns' ] } );
		expect( chat.messages.get( 3 ) ).toMatchObject( { person: true } );
		expect( chat.highestSeq ).toBe( 5 );
	} );

	it( 'turning from waiting to assigned keeps what the console already holds', () => {
		let s = apply( ready(), { type: 'chat', chat: view( 'h1', { status: 'waiting', agent: null } ) } );
		s = apply( s, { type: 'message', ...msg( 'h1', 1, { from: 'assistant', text: 'Hello' } ) }, { type: 'chat', chat: view( 'h1' ) } );
		expect( s.chats.get( 'h1' )!.view.status ).toBe( 'active' );
		expect( sortedMessages( s.chats.get( 'h1' )! ).map( ( m ) => m.from ) ).toEqual( [ 'assistant' ] );
	} );
} );

describe( 'a submitted dialog’s answers', () => {
	const form = {
		id: 'callback',
		title: 'Call me back',
		steps: [
			{ id: 'name', question: 'Your name?', input: 'text' as const, required: true },
			{ id: 'day', question: 'Which day?', input: 'date' as const, required: true },
			{ id: 'topic', question: 'About?', input: 'choice' as const, choices: [ 'Order', 'Return' ], required: false },
		],
	};
	const asked = msg( 'h1', 2, { from: 'assistant', text: 'Call me back', form } );

	it( 'are labelled with the questions asked, in the dialog’s order; blank optional ones are left out', () => {
		const submitted = msg( 'h1', 3, { text: '', dialog: 'callback', fields: { topic: '', day: '2026-12-24', name: '<b>Kim</b>' } } );
		const questions = dialogQuestions( [ msg( 'h1', 1 ), asked, submitted ] );
		expect( dialogAnswers( submitted, questions ) ).toEqual( [
			{ id: 'name', label: 'Your name?', value: '<b>Kim</b>' },
			{ id: 'day', label: 'Which day?', value: '2026-12-24' },
		] );
	} );

	it( 'of a dialog this chat does not hold (e.g. lost from a no-storage chat’s memory) are labelled by their ids', () => {
		const submitted = msg( 'h1', 3, { text: '', dialog: 'callback', fields: { zeta: 'z', alpha: 'a' } } );
		expect( dialogAnswers( submitted, dialogQuestions( [ submitted ] ) ) ).toEqual( [
			{ id: 'alpha', label: 'alpha', value: 'a' },
			{ id: 'zeta', label: 'zeta', value: 'z' },
		] );
		expect( dialogAnswers( msg( 'h1', 4 ), new Map() ) ).toEqual( [] );
	} );

	it( 'only the assistant’s forms count as questions (a visitor cannot relabel them)', () => {
		const forged = msg( 'h1', 1, { from: 'visitor', form: { ...form, steps: [ { id: 'name', question: 'Forged?', input: 'text', required: true } ] } } );
		expect( dialogQuestions( [ forged ] ).size ).toBe( 0 );
	} );
} );

describe( 'the console’s wording of the assistant (format.ts)', () => {
	it( 'words every event the assistant’s chats bring, and its status', () => {
		expect( systemText( msg( 'c', 1, { from: 'system', text: '', event: 'handed_over' } ) ) ).toBe( 'The assistant handed the chat over to a person' );
		expect( systemText( msg( 'c', 1, { from: 'system', text: '', event: 'contact_offered' } ) ) ).toMatch( /offered the contact form/ );
		expect( assistantEventText( msg( 'c', 1, { from: 'assistant', text: '', event: 'no_answer', person: true } ) ) ).toBe( 'No answer found' );
		expect( assistantEventText( msg( 'c', 1, { from: 'assistant', text: '', event: 'suggestions', options: [ 'Returns', 'Opening hours' ] } ) ) ).toBe(
			'No sure answer; suggested: Returns, Opening hours'
		);
		expect( statusText( 'assistant' ) ).toBe( 'With the assistant' );
	} );

	it( 'an answer has no event wording (its text is Markdown), and what it offered is listed as text', () => {
		const answer = msg( 'c', 1, { from: 'assistant', text: '**x**', options: [ 'Returns', 'Talk to a person' ] } );
		expect( assistantEventText( answer ) ).toBeNull();
		expect( assistantOffers( answer ) ).toEqual( [ 'Offered: Returns, Talk to a person' ] );
		// Suggestions are worded by the event already; person adds its own line; a dialog is named.
		expect( assistantOffers( msg( 'c', 2, { from: 'assistant', text: '', event: 'suggestions', options: [ 'A' ], person: true } ) ) ).toEqual( [ 'Offered to talk to a person' ] );
		expect( assistantOffers( msg( 'c', 3, { from: 'assistant', text: 'Call me back', form: { id: 'cb', title: 'Call me back', steps: [] } } ) ) ).toEqual( [ 'Asked the visitor to fill in “Call me back”' ] );
	} );
} );
