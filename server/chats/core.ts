/**
 * The chat core's parts, wired once. Each part owns one job and reaches the
 * others through this object (resolved when called, so parts that call each
 * other both ways — the lifecycle ends a chat and the dispatcher re-queues;
 * the dispatcher assigns and the lifecycle records it — need no import
 * cycle). rooms.ts is the one place that builds it.
 */
import { NO_ASSISTANTS, type AssistantsInForce } from '../assistant/site-assistants';
import type { SiteConfig } from '../config';
import type { Logger } from '../log';
import type { Timers } from '../presence';
import type { ChatStore } from '../store/types';
import { AgentDirectory } from './agents';
import { ChatAssistant } from './assistant';
import { Dispatcher } from './dispatcher';
import { LocalFanout, type Fanout } from './fanout';
import { Lifecycle } from './lifecycle';
import { ChatRegistry } from './registry';
import { ChatStream } from './stream';

export interface Core {
	readonly store: ChatStore;
	readonly log: Logger;
	readonly sites: ReadonlyMap< string, SiteConfig >;
	readonly now: () => number;
	/** Each site's assistant in force (read only here; assistant/site-assistants.ts owns it). */
	readonly assistants: AssistantsInForce;
	/** Open chats and their indexes (by visitor connection, by agent). */
	readonly chats: ChatRegistry;
	/** Agents, their connections and presence, and what the access rule needs of them. */
	readonly agents: AgentDirectory;
	/** Who gets which frame. */
	readonly fanout: Fanout;
	/** Numbering, resend dedupe, commit and backlog of a chat's messages. */
	readonly stream: ChatStream;
	/** Opening, status changes, inactivity and the end of chats. */
	readonly lifecycle: Lifecycle;
	/** The queue, assignment, positions. */
	readonly dispatcher: Dispatcher;
	/** The site's built-in assistant in its chats. */
	readonly assistant: ChatAssistant;
	/** Logs the failure of work nobody awaits. */
	fail( e: unknown ): void;
}

export interface CoreOptions {
	store: ChatStore;
	log: Logger;
	sites: ReadonlyMap< string, SiteConfig >;
	now?: () => number;
	presence?: { graceMs: number; timers?: Timers };
	assistants?: AssistantsInForce;
}

export function createCore( o: CoreOptions ): Core {
	const core = {
		store: o.store,
		log: o.log,
		sites: o.sites,
		now: o.now ?? Date.now,
		assistants: o.assistants ?? NO_ASSISTANTS,
		fail: ( e: unknown ) => o.log.error( { err: e }, 'chat state update failed' ),
	} as { -readonly [ K in keyof Core ]: Core[ K ] };
	core.chats = new ChatRegistry( ( key ) => core.agents.freed( key ) );
	core.agents = new AgentDirectory( core, o.presence ?? { graceMs: 30_000 } );
	core.fanout = new LocalFanout( core );
	core.stream = new ChatStream( core );
	core.lifecycle = new Lifecycle( core );
	core.dispatcher = new Dispatcher( core );
	core.assistant = new ChatAssistant( core );
	return core;
}
