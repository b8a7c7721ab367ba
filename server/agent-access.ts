/**
 * "May this agent handle this chat?" — the one rule behind every way a chat
 * reaches an agent: automatic dispatch (routing.ts), `take`, `transfer` to an
 * agent, and which waiting chats (with their previews) an agent's queue
 * shows. Before it, the token's departments held for dispatch only: an agent
 * limited to "sales" saw and could take "support" chats, and `take` ignored
 * the parallel-chat limit.
 *
 * Two kinds of department list meet here. The token's (`tokenDepts`) is what
 * WordPress allows the agent: a permission, checked on every path. The
 * presence choice (`depts`) is what the agent wants to be sent
 * automatically now: a preference, so it narrows dispatch only; an agent may
 * still take (or be handed) any chat its token allows. A chat without a
 * department may be handled by any agent.
 */
import type { ErrorCode } from './protocol';

export interface AgentAccess {
	/** Departments the agent's token allows; empty: all. */
	tokenDepts: readonly string[];
	/** Departments the agent is online for now; empty: all its token allows. */
	depts: readonly string[];
	online: boolean;
	/** At least one of the agent's connections is open. */
	connected: boolean;
	/** Open chats assigned to the agent now. */
	load: number;
	maxChats: number;
}

/** How a chat would reach the agent. */
export type Way =
	/** The service picks the agent (routing): only online agents, for the departments they chose. */
	| 'dispatch'
	/** The agent takes it from the queue by hand: online or not, it is there. */
	| 'take'
	/** A colleague hands it over: the receiver must be online and connected. */
	| 'transfer';

export type Refusal = 'department' | 'limit' | 'offline';

/** The token allows chats of this department (seeing them in the queue, their previews, handling them). */
export function maySee( agent: Pick< AgentAccess, 'tokenDepts' >, dept: string | null ): boolean {
	return dept === null || agent.tokenDepts.length === 0 || agent.tokenDepts.includes( dept );
}

/** Online, connected, allowed, and chose this department: what `/availability` asks. */
export function servesNow( agent: Omit< AgentAccess, 'load' | 'maxChats' >, dept: string | null ): boolean {
	return (
		agent.online &&
		agent.connected &&
		maySee( agent, dept ) &&
		( dept === null || agent.depts.length === 0 || agent.depts.includes( dept ) )
	);
}

/** Why the agent may not be given a chat of `dept` this way now; null: it may. */
export function refusal( agent: AgentAccess, dept: string | null, way: Way ): Refusal | null {
	if ( ! maySee( agent, dept ) ) return 'department';
	if ( way === 'dispatch' && ! servesNow( agent, dept ) ) return agent.online && agent.connected ? 'department' : 'offline';
	if ( way === 'transfer' && ! ( agent.online && agent.connected ) ) return 'offline';
	if ( agent.load >= agent.maxChats ) return 'limit';
	return null;
}

/** The typed error for a refused `take` (`self`) or `transfer` (`other`: the receiving agent). */
export function refusalError( r: Refusal, who: 'self' | 'other' ): { code: ErrorCode; message: string } {
	switch ( r ) {
		case 'department':
			return {
				code: 'forbidden',
				message: who === 'self' ? 'your account does not serve that chat’s department' : 'that agent does not serve this chat’s department',
			};
		case 'limit':
			return {
				code: 'limit_reached',
				message: who === 'self' ? 'you have as many open chats as your limit allows' : 'that agent has as many open chats as its limit allows',
			};
		case 'offline':
			return { code: 'not_found', message: who === 'self' ? 'you are not online' : 'that agent is not online' };
	}
}
