/**
 * Erasure: deleting chats by the visitor's code, by WordPress's personal
 * data eraser and by the site's retention period. Kept chats stay (and are
 * counted); a running chat is ended first, so its connections hear of it.
 */
import { SITE_ID, useHarness } from './harness';

const t = useHarness( { retentionDays: 30 } );
const DAY = 86_400_000;
const EMAIL = 'vera@example.test';

async function closedChat( form: Record< string, string > = {}, keep = false ): Promise< string > {
	const { chat } = await t.h.start( t.h.visitor(), { form } );
	if ( keep ) await t.h.core.lifecycle.keep( chat, true );
	await t.h.core.lifecycle.end( chat );
	return chat.record.id;
}

test( 'the eraser deletes the address’s chats and contacts, but kept chats stay and are counted', async () => {
	const { core, erasure } = t.h;
	const erased = await closedChat( { name: 'Vera', email: EMAIL } );
	const kept = await closedChat( { name: 'Vera', email: EMAIL }, true );
	const someoneElse = await closedChat( { name: 'Max', email: 'max@example.test' } );
	await core.store.insertContact( { id: 'k1', site: SITE_ID, createdAt: t.h.clock.now, dept: null, lang: null, fields: { email: EMAIL }, consents: [] } );

	expect( await erasure.eraseByEmail( SITE_ID, EMAIL ) ).toEqual( { contacts: 1, chats: 1, retained: 1 } );
	expect( await core.store.getChat( erased ) ).toBeUndefined();
	expect( await core.store.getChat( kept ) ).toBeDefined();
	expect( await core.store.getChat( someoneElse ) ).toBeDefined();
	expect( await core.store.contacts( SITE_ID ) ).toEqual( [] );
	// Asked again: only the kept one is left, and it is still counted.
	expect( await erasure.eraseByEmail( SITE_ID, EMAIL ) ).toEqual( { contacts: 0, chats: 0, retained: 1 } );
} );

test( 'by code: a kept chat says so and stays; an unknown code is not_found', async () => {
	const { core, erasure } = t.h;
	const visitor = t.h.visitor();
	const { chat, code } = await t.h.start( visitor );
	await core.lifecycle.keep( chat, true );
	expect( await erasure.deleteByCode( SITE_ID, code ) ).toBe( 'kept' );
	expect( core.chats.get( chat.record.id ) ).toBe( chat );
	expect( await erasure.deleteByCode( SITE_ID, 'not a code' ) ).toBe( 'not_found' );
	expect( await erasure.deleteByCode( 'other-site', code ) ).toBe( 'not_found' );
} );

test( 'a running chat is ended (both sides told, its agent freed) before it is deleted', async () => {
	const { core, erasure } = t.h;
	const { peer: agentPeer, agent } = await t.h.onlineAgent( 'ann' );
	const visitor = t.h.visitor();
	const { chat, code } = await t.h.start( visitor, { text: 'please forget me' } );
	await visitor.waitFor( 'message', ( m ) => m.event === 'agent_joined' );

	expect( await erasure.deleteByCode( SITE_ID, code.toLowerCase() ) ).toBe( 'deleted' );
	for ( const peer of [ visitor, agentPeer ] ) {
		expect( peer.of( 'message' ).at( -1 )?.event ).toBe( 'ended' );
		expect( peer.last( 'chat' )?.chat.status ).toBe( 'closed' );
	}
	expect( core.chats.get( chat.record.id ) ).toBeUndefined();
	expect( core.chats.chatOfVisitor( visitor ) ).toBeUndefined();
	expect( core.chats.load( agent.key ) ).toBe( 0 );
	expect( await core.store.getChat( chat.record.id ) ).toBeUndefined();
	expect( await core.store.messagesAfter( chat.record.id, 0 ) ).toEqual( [] );
} );

test( 'retention deletes closed chats older than the site’s period by the clock, except kept and open ones', async () => {
	const { core, erasure, clock } = t.h;
	const old = await closedChat();
	const oldKept = await closedChat( {}, true );
	const open = ( await t.h.start( t.h.visitor() ) ).chat.record.id;
	clock.advance( DAY );
	const recent = await closedChat();

	clock.advance( 29 * DAY );
	expect( await erasure.purgeExpired() ).toBe( 0 ); // exactly the period: not yet
	clock.advance( 1 );
	expect( await erasure.purgeExpired( 'other-site' ) ).toBe( 0 );
	expect( await erasure.purgeExpired( SITE_ID ) ).toBe( 1 );
	const left = await Promise.all( [ old, oldKept, open, recent ].map( async ( id ) => ( await core.store.getChat( id ) ) !== undefined ) );
	expect( left ).toEqual( [ false, true, true, true ] );
} );
