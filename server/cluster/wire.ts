/**
 * What the nodes of a cluster say to each other over the bus (bus.ts), and
 * the one channel each node listens on. A node that holds a connection for
 * a site another node owns (the gateway) forwards the connection's life to
 * the owner: its hello, its frames, its token renewals and its end. The
 * owner answers with the frames for that connection and, when it ends it,
 * a close. Calls carry the HTTP API's requests for the owner's chats.
 *
 * Every message is a batch: what one node has for another within one
 * event-loop turn leaves as one publish (outbox.ts), in the order it was
 * made, and Redis delivers one publisher's messages to a subscriber in the
 * order published, so a connection's frames reach the owner in order.
 *
 * Frames were parsed and checked against the protocol by the gateway that
 * received them; the owner takes them as they come (the bus is inside the
 * operator's trust boundary, like PostgreSQL), but every message is still
 * checked for its shape on arrival (bus.ts), so a mismatched node version
 * is refused, not misread.
 */
import * as v from 'valibot';
import type { SiteConfig } from '../config';
import type { ClientFrame, HelloFrame } from '../protocol';
import type { Identity } from '../tokens';
import { busChannel, type BusChannel, type NodeId } from './bus';

const Text = v.string();

/** An identity as it crosses the bus: its site by id (each node has the site's config, secret included). */
const WireIdentity = v.object( {
	site: Text,
	role: v.picklist( [ 'visitor', 'agent' ] ),
	subject: Text,
	name: Text,
	depts: v.array( Text ),
	maxChats: v.number(),
	issuedAt: v.number(),
	expiresAt: v.number(),
} );
export type WireIdentity = v.InferOutput< typeof WireIdentity >;

export const toWire = ( i: Identity ): WireIdentity => ( {
	site: i.site.id,
	role: i.role,
	subject: i.subject,
	name: i.name,
	depts: i.depts,
	maxChats: i.maxChats,
	issuedAt: i.issuedAt,
	expiresAt: i.expiresAt,
} );

export const fromWire = ( w: WireIdentity, site: SiteConfig ): Identity => ( { ...w, site } );

/** What the gateway's frames are, once checked there. */
const Checked = < T >() => v.custom< T >( ( x ) => typeof x === 'object' && x !== null && typeof ( x as { type?: unknown } ).type === 'string' );

/** The HTTP API's requests that only the owner of a site can answer. */
export const CALLS = [ 'available', 'counts', 'dropAgent', 'purgeExpired', 'deleteByCode', 'eraseByEmail', 'botReply' ] as const;
export type CallName = ( typeof CALLS )[ number ];

const Conn = v.pipe( v.string(), v.minLength( 1 ) );

const Op = v.variant( 'op', [
	// gateway → owner
	v.object( { op: v.literal( 'connect' ), conn: Conn, identity: WireIdentity, hello: Checked< HelloFrame >() } ),
	v.object( { op: v.literal( 'frame' ), conn: Conn, frame: Checked< Exclude< ClientFrame, HelloFrame > >() } ),
	v.object( { op: v.literal( 'renewed' ), conn: Conn, identity: WireIdentity } ),
	v.object( { op: v.literal( 'disconnect' ), conn: Conn } ),
	// owner → gateway
	v.object( { op: v.literal( 'out' ), conn: Conn, json: Text } ),
	v.object( { op: v.literal( 'close' ), conn: Conn, code: v.number(), reason: Text } ),
	// any → owner, and back
	v.object( { op: v.literal( 'call' ), id: v.number(), site: Text, name: v.picklist( CALLS ), args: v.array( v.unknown() ) } ),
	v.object( {
		op: v.literal( 'reply' ),
		id: v.number(),
		value: v.optional( v.unknown() ),
		error: v.optional( v.object( { code: Text, message: Text } ) ),
	} ),
] );
export type Op = v.InferOutput< typeof Op >;

const Batch = v.object( { type: v.literal( 'ops' ), ops: v.array( Op ) } );
export type Batch = v.InferOutput< typeof Batch >;

/** The channel a node listens on for what other nodes have for it. */
export const nodeChannel = ( node: NodeId ): BusChannel< Batch > => busChannel( `node:${ node }`, Batch );

/** Which sites a node serves, said every heartbeat (site-owners.ts). */
export const OWNERS = busChannel( 'owners', v.object( { type: v.literal( 'owners' ), sites: v.array( Text ) } ) );
