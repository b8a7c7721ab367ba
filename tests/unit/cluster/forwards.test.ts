/**
 * The gateway's side of forwarded connections (server/cluster/forwards.ts)
 * over the real Outbox (batching, order). The one stand-in is the bus under
 * the Outbox: an object with the only method it uses, `publish`, keeping
 * what was published. That is a unit test's liberty: the real NodeBus on a
 * real Redis carries these ops in tests/integration/cluster*.test.ts.
 * Peers are the chat core's recording peers (tests/unit/chats/harness.ts).
 */
import type { NodeBus } from '../../../server/cluster/bus';
import { Forwards } from '../../../server/cluster/forwards';
import { Outbox } from '../../../server/cluster/outbox';
import { toWire, type Op } from '../../../server/cluster/wire';
import { CLOSE, type HelloFrame } from '../../../server/protocol';
import { makeIdentity, RecordingPeer, siteConfig } from '../chats/harness';

const OWNER = 'owner-node';
const OTHER = 'other-node';
const site = siteConfig();

interface Published {
	channel: string;
	ops: Op[];
}

/** What the Outbox published, and a way to await the next publish. */
class Bus {
	readonly published: Published[] = [];
	private waiting: Array< () => void > = [];
	readonly bus = {
		publish: async ( channel: { name: string }, message: { type: 'ops'; ops: Op[] } ): Promise< number > => {
			this.published.push( { channel: channel.name, ops: message.ops } );
			for ( const w of this.waiting.splice( 0 ) ) w();
			return 1;
		},
	} as unknown as NodeBus;

	/** Resolves once `count` publishes (in all) were made. */
	async until( count: number ): Promise< Published[] > {
		while ( this.published.length < count ) await new Promise< void >( ( r ) => this.waiting.push( r ) );
		return this.published;
	}
}

let bus: Bus;
let forwards: Forwards;
let lost: unknown[];
beforeEach( () => {
	bus = new Bus();
	lost = [];
	forwards = new Forwards( new Outbox( bus.bus, ( _node, _ops, e ) => lost.push( e ) ) );
} );
afterEach( () => expect( lost ).toEqual( [] ) );

const hello = ( token: string ): HelloFrame => ( { type: 'hello', token } );
const visitor = ( sub: string ): RecordingPeer => new RecordingPeer( makeIdentity( site, 'visitor', sub ) );

/** Opens a forward for `peer` to `owner` and returns the conn id the owner knows it by (from the 'connect' published). */
async function opened( peer: RecordingPeer, owner = OWNER, h = hello( 't' ) ): Promise< string > {
	const before = bus.published.length;
	forwards.open( peer, owner, site.id, h );
	const [ batch ] = ( await bus.until( before + 1 ) ).slice( before );
	const op = batch.ops[ 0 ];
	if ( op.op !== 'connect' ) throw new Error( `expected a connect, got ${ op.op }` );
	return op.conn;
}

test( 'open: a connect op to the owner\'s channel with the wire identity and the hello', async () => {
	const peer = visitor( 'v1' );
	const h: HelloFrame = { type: 'hello', token: 'tok', resume: { chatId: 'c1', code: 'K7Q2', lastSeq: 4 } };
	const conn = await opened( peer, OWNER, h );
	expect( bus.published ).toEqual( [ { channel: `node:${ OWNER }`, ops: [ { op: 'connect', conn, identity: toWire( peer.identity ), hello: h } ] } ] );
	expect( toWire( peer.identity ) ).toMatchObject( { site: site.id, role: 'visitor', subject: 'v1' } );
	expect( forwards.has( peer ) ).toBe( true );
	expect( forwards.has( visitor( 'v2' ) ) ).toBe( false );
} );

test( 'frames and renewals go to the owner in order, one batch per owner per turn; each connection has its own id', async () => {
	const a = visitor( 'a' );
	const b = visitor( 'b' );
	const before = toWire( a.identity );
	forwards.open( a, OWNER, site.id, hello( 'ta' ) );
	forwards.open( b, OTHER, site.id, hello( 'tb' ) );
	forwards.frame( a, { type: 'send', chatId: 'c1', clientId: 'm1', text: 'one' } );
	a.identity = { ...a.identity, expiresAt: a.identity.expiresAt + 60_000 };
	forwards.renewed( a );
	forwards.frame( a, { type: 'typing', chatId: 'c1', typing: true } );
	forwards.frame( b, { type: 'end', chatId: 'c2' } );
	forwards.frame( visitor( 'nobody' ), { type: 'end', chatId: 'c3' } ); // not forwarded: nowhere to go

	const [ toOwner, toOther ] = await bus.until( 2 );
	expect( toOwner.channel ).toBe( `node:${ OWNER }` );
	const conn = ( toOwner.ops[ 0 ] as { conn: string } ).conn;
	expect( toOwner.ops ).toEqual( [
		{ op: 'connect', conn, identity: before, hello: hello( 'ta' ) },
		{ op: 'frame', conn, frame: { type: 'send', chatId: 'c1', clientId: 'm1', text: 'one' } },
		{ op: 'renewed', conn, identity: toWire( a.identity ) },
		{ op: 'frame', conn, frame: { type: 'typing', chatId: 'c1', typing: true } },
	] );
	expect( toWire( a.identity ) ).not.toEqual( before ); // the renewal carries the new identity
	expect( toOther ).toEqual( {
		channel: `node:${ OTHER }`,
		ops: [
			{ op: 'connect', conn: expect.any( String ), identity: toWire( b.identity ), hello: hello( 'tb' ) },
			{ op: 'frame', conn: ( toOther.ops[ 0 ] as { conn: string } ).conn, frame: { type: 'end', chatId: 'c2' } },
		],
	} );
	expect( ( toOther.ops[ 0 ] as { conn: string } ).conn ).not.toBe( conn );
	expect( bus.published ).toHaveLength( 2 );
} );

test( 'out: the owner\'s frame reaches the peer as sent; an unknown conn is ignored', async () => {
	const peer = visitor( 'v1' );
	const conn = await opened( peer );
	const json = JSON.stringify( { type: 'welcome', chats: [] } );
	forwards.out( conn, json );
	forwards.out( 'no-such-conn', JSON.stringify( { type: 'welcome', chats: [ 'x' ] } ) );
	expect( peer.json ).toEqual( [ json ] );
} );

test( 'closed: the owner\'s close reaches the peer and the forward is forgotten', async () => {
	const peer = visitor( 'v1' );
	const conn = await opened( peer );
	forwards.closed( conn, CLOSE.revoked, 'access withdrawn' );
	expect( peer.closes ).toEqual( [ { code: CLOSE.revoked, reason: 'access withdrawn' } ] );
	expect( forwards.has( peer ) ).toBe( false );
	forwards.out( conn, '{"type":"late"}' );
	forwards.closed( conn, 1000, 'again' );
	expect( peer.json ).toEqual( [] );
	expect( peer.closes ).toHaveLength( 1 );
} );

test( 'disconnect: the owner is told and the forward forgotten; what comes for it afterwards is dropped', async () => {
	const peer = visitor( 'v1' );
	const conn = await opened( peer );
	forwards.disconnect( peer );
	forwards.disconnect( peer ); // once only
	forwards.frame( peer, { type: 'end', chatId: 'c1' } );
	const [ , batch ] = await bus.until( 2 );
	expect( batch ).toEqual( { channel: `node:${ OWNER }`, ops: [ { op: 'disconnect', conn } ] } );
	expect( forwards.has( peer ) ).toBe( false );
	forwards.out( conn, '{"type":"late"}' );
	expect( peer.json ).toEqual( [] );
} );

test( 'startOver: answered peers close with 1012; unanswered ones go to `again` with their hello, the old owner told to disconnect; others untouched', async () => {
	const answered = visitor( 'answered' );
	const waiting = visitor( 'waiting' );
	const elsewhere = visitor( 'elsewhere' );
	const answeredConn = await opened( answered, OWNER );
	const waitingConn = await opened( waiting, OWNER, hello( 'tw' ) );
	const elsewhereConn = await opened( elsewhere, OTHER );
	forwards.out( answeredConn, JSON.stringify( { type: 'welcome', chats: [] } ) );
	forwards.out( elsewhereConn, JSON.stringify( { type: 'welcome', chats: [] } ) );

	const again: Array< [ RecordingPeer, HelloFrame ] > = [];
	forwards.startOver( ( f ) => f.owner === OWNER, ( peer, h ) => again.push( [ peer as RecordingPeer, h ] ) );
	expect( answered.closes ).toEqual( [ { code: CLOSE.serviceRestart, reason: 'reconnect: this site moves to another node' } ] );
	expect( CLOSE.serviceRestart ).toBe( 1012 );
	expect( again ).toEqual( [ [ waiting, hello( 'tw' ) ] ] );
	expect( waiting.closes ).toEqual( [] );
	const [ batch ] = ( await bus.until( 4 ) ).slice( 3 );
	expect( batch ).toEqual( { channel: `node:${ OWNER }`, ops: [ { op: 'disconnect', conn: waitingConn } ] } );
	expect( [ answered, waiting ].map( ( p ) => forwards.has( p ) ) ).toEqual( [ false, false ] );
	expect( forwards.has( elsewhere ) ).toBe( true );
	expect( elsewhere.closes ).toEqual( [] );
} );

test( 'startOver without `again`: the unanswered close too, and nothing is sent', async () => {
	const waiting = visitor( 'waiting' );
	await opened( waiting );
	forwards.startOver( () => true, null );
	expect( waiting.closes ).toEqual( [ { code: CLOSE.serviceRestart, reason: 'reconnect: this site moves to another node' } ] );
	expect( forwards.has( waiting ) ).toBe( false );
	forwards.open( visitor( 'barrier' ), OWNER, site.id, hello( 'b' ) ); // the next publish holds only this connect
	const [ , batch ] = await bus.until( 2 );
	expect( batch.ops.map( ( o ) => o.op ) ).toEqual( [ 'connect' ] );
} );
