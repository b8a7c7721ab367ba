/**
 * ChatStream: each message gets its chat's next number (stored: from the
 * store, inside the write; ephemeral: in memory), and reaches the chat only
 * then; a resend is answered with the first copy's number; a chat taken on
 * from the store carries on from its history.
 */
import { newLiveChat } from '../../../server/chats/live-chat';
import { useHarness, type RecordingPeer } from './harness';

const t = useHarness();
const seqs = ( peer: RecordingPeer ): number[] => peer.of( 'message' ).map( ( m ) => m.seq );

test( 'stored: numbered by the store 1, 2, 3 in call order, from the store’s count rather than one in memory', async () => {
	const { core } = t.h;
	const visitor = t.h.visitor();
	const { chat } = await t.h.start( visitor );
	const sent = await Promise.all( [ 'one', 'two', 'three' ].map( ( text, i ) => core.stream.send( visitor, chat, `c${ i }`, { text } ) ) );
	expect( seqs( visitor ) ).toEqual( [ 1, 2, 3 ] );
	expect( ( await core.store.messagesAfter( chat.record.id, 0 ) ).map( ( m ) => [ m.seq, m.text ] ) ).toEqual( [
		[ 1, 'one' ],
		[ 2, 'two' ],
		[ 3, 'three' ],
	] );
	expect( chat.lastSeq ).toBe( 3 );
	// Only the first visitor text becomes the queue's preview.
	expect( sent.map( ( s ) => s.newPreview ) ).toEqual( [ true, false, false ] );
	expect( sent.every( ( s ) => s.fresh ) ).toBe( true );
	expect( chat.preview ).toBe( 'one' );

	// A message the store has that this chat's memory never saw (another writer): the next number is the store's.
	await core.store.appendMessage( { chatId: chat.record.id, from: 'system', text: '', at: t.h.clock.now, event: 'transferred' } );
	await core.stream.send( visitor, chat, 'c9', { text: 'four' } );
	expect( visitor.last( 'message' )?.seq ).toBe( 5 );
	expect( chat.lastSeq ).toBe( 5 );
} );

test( 'stored: a message reaches the chat only once the store has it durable', async () => {
	const visitor = t.h.visitor();
	const { chat } = await t.h.start( visitor );
	const write = t.h.faults.hold( 'appendMessage' );
	const sending = t.h.core.stream.send( visitor, chat, 'c1', { text: 'wait for it' } );
	await write.called;
	expect( visitor.of( 'message' ) ).toEqual( [] );
	write.release();
	await sending;
	expect( visitor.of( 'message' ).map( ( m ) => m.text ) ).toEqual( [ 'wait for it' ] );
} );

test( 'ephemeral: numbered in memory and buffered; the text never reaches the store’s files', async () => {
	const { core } = t.h;
	const visitor = t.h.visitor();
	const { chat } = await t.h.start( visitor, { mode: 'ephemeral' } );
	await core.stream.send( visitor, chat, 'e1', { text: 'ephemeral-secret-one' } );
	await core.stream.send( visitor, chat, 'e2', { text: 'ephemeral-secret-two' } );
	expect( seqs( visitor ) ).toEqual( [ 1, 2 ] );
	expect( chat.lastSeq ).toBe( 2 );
	expect( chat.buffer.map( ( m ) => m.text ) ).toEqual( [ 'ephemeral-secret-one', 'ephemeral-secret-two' ] );
	expect( await core.store.messagesAfter( chat.record.id, 0 ) ).toEqual( [] );

	// A stored chat's text next to it shows that files() does see what is written.
	const other = t.h.visitor();
	const stored = await t.h.start( other );
	await core.stream.send( other, stored.chat, 's1', { text: 'stored-text-on-disk' } );
	await core.store.flush();
	const files = t.h.files();
	expect( files ).toContain( 'stored-text-on-disk' );
	expect( files ).not.toContain( 'ephemeral-secret' );
} );

test( 'a resend with the same clientId is answered with the first number and not written twice', async () => {
	const { core } = t.h;
	const visitor = t.h.visitor();
	const { chat } = await t.h.start( visitor );
	await core.stream.send( visitor, chat, 'c1', { text: 'hello' } );
	// The sender got its own copy, so no ack was needed.
	expect( visitor.of( 'ack' ) ).toEqual( [] );
	await core.stream.send( visitor, chat, 'c1', { text: 'hello' } );
	expect( visitor.of( 'ack' ) ).toEqual( [ { type: 'ack', chatId: chat.record.id, clientId: 'c1', seq: 1 } ] );

	// A resend while the first copy is still being written waits for that copy's number.
	await Promise.all( [ core.stream.send( visitor, chat, 'c2', { text: 'again' } ), core.stream.send( visitor, chat, 'c2', { text: 'again' } ) ] );
	expect( visitor.last( 'ack' )?.seq ).toBe( 2 );
	expect( ( await core.store.messagesAfter( chat.record.id, 0 ) ).map( ( m ) => m.text ) ).toEqual( [ 'hello', 'again' ] );
	expect( seqs( visitor ) ).toEqual( [ 1, 2 ] );
} );

test( 'a write that failed is forgotten: its resend is written, with the next number (no hole)', async () => {
	const { core } = t.h;
	const visitor = t.h.visitor();
	const { chat } = await t.h.start( visitor );
	t.h.faults.failNext( 'appendMessage' );
	await expect( core.stream.send( visitor, chat, 'c1', { text: 'lost once' } ) ).rejects.toThrow( 'injected' );
	await core.stream.send( visitor, chat, 'c1', { text: 'lost once' } );
	expect( visitor.of( 'ack' ) ).toEqual( [] );
	expect( ( await core.store.messagesAfter( chat.record.id, 0 ) ).map( ( m ) => [ m.seq, m.text ] ) ).toEqual( [ [ 1, 'lost once' ] ] );
} );

test( 'restore() rebuilds the last number, the preview and the resend memory from the history', async () => {
	const { core } = t.h;
	const visitor = t.h.visitor();
	// The pre-chat form is a visitor message without text: not the preview.
	const { chat } = await t.h.start( visitor, { form: { name: 'Vera' } } );
	await core.stream.send( visitor, chat, 'c1', { text: 'first words' } );
	await core.stream.system( chat, 'agent_joined', 'Ann' );

	// The same chat as a node taking it on from the store sees it.
	const record = await core.store.getChat( chat.record.id );
	if ( ! record ) throw new Error( 'the chat is not in the store' );
	const taken = newLiveChat( record, t.h.clock.now );
	core.stream.restore( taken, await core.store.messagesAfter( chat.record.id, 0 ) );
	expect( taken.lastSeq ).toBe( 3 );
	expect( taken.preview ).toBe( 'first words' );
	expect( await taken.clientSeqs.get( 'c1' ) ).toBe( 2 );

	const again = t.h.visitor( visitor.identity.subject );
	await core.stream.send( again, taken, 'c1', { text: 'first words' } );
	expect( again.of( 'ack' ) ).toEqual( [ { type: 'ack', chatId: chat.record.id, clientId: 'c1', seq: 2 } ] );
	expect( await core.store.lastSeq( chat.record.id ) ).toBe( 3 );

	const empty = newLiveChat( { ...record, id: 'nothing-yet' }, t.h.clock.now );
	core.stream.restore( empty, [] );
	expect( [ empty.lastSeq, empty.preview, empty.clientSeqs.size ] ).toEqual( [ 0, null, 0 ] );
} );

test( 'backlog: the messages after a number, from the store (stored) or the buffer (ephemeral)', async () => {
	const { core } = t.h;
	for ( const mode of [ 'stored', 'ephemeral' ] as const ) {
		const visitor = t.h.visitor();
		const { chat } = await t.h.start( visitor, { mode } );
		for ( const text of [ 'a', 'b', 'c' ] ) await core.stream.send( visitor, chat, `${ mode }-${ text }`, { text } );
		const reader = t.h.visitor();
		await core.stream.backlog( reader, chat.record, 1, chat.buffer );
		expect( reader.of( 'message' ).map( ( m ) => [ m.seq, m.text ] ) ).toEqual( [
			[ 2, 'b' ],
			[ 3, 'c' ],
		] );
	}
} );
