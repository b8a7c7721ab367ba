/**
 * What the connections (connection.ts) and the HTTP routes (http/) ask of
 * the chat core, whoever serves it. One node: ChatRooms itself. Several
 * nodes: ClusterRooms (cluster/cluster-rooms.ts), which serves the sites
 * this node owns with a ChatRooms each and forwards everything else to the
 * owning node over the bus. Answers may come at once or later (a forwarded
 * call), so callers await them.
 */
import type { Peer } from './peer';
import type { ClientFrame, HelloFrame } from './protocol';
import type { DeleteResult } from './chats/erasure';
import type { BotReplyOutcome } from './chats/bot';
import type { BotReply } from './bot/wire';

export type ChatCounts = { open: number; waiting: number; agentsOnline: number };
export type ErasedByEmail = { contacts: number; chats: number; retained: number };

export interface FrontDoor {
	connect( peer: Peer, hello: HelloFrame ): Promise< void >;
	disconnect( peer: Peer ): void;
	/** A connection renewed its token. */
	renewed( peer: Peer ): void;
	handle( peer: Peer, frame: Exclude< ClientFrame, HelloFrame > ): Promise< void >;

	/** Is an agent online (for that department)? For the availability endpoint. */
	available( site: string, dept: string | null ): boolean | Promise< boolean >;
	/** One site's counts; without a site, those of every site this node serves. */
	counts( site?: string ): ChatCounts | Promise< ChatCounts >;
	/** WordPress withdrew or changed the agent's access: its connections close. Returns how many. */
	dropAgent( site: string, sub: string ): number | Promise< number >;
	/** Retention: one site's expired chats, or (timer) those of every site this node serves. */
	purgeExpired( onlySite?: string ): Promise< number >;
	deleteByCode( site: string, code: string ): Promise< DeleteResult >;
	eraseByEmail( site: string, email: string ): Promise< ErasedByEmail >;

	/** A reply of the site's own bot, its signature checked (POST /bot/reply). */
	botReply( site: string, reply: BotReply ): Promise< BotReplyOutcome >;

	/** The timers (service.ts): every site this node serves. */
	sweepInactive(): Promise< number >;
	takeActivity(): { started: number; ended: number };
}
