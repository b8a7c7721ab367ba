/**
 * Who gets the next chat. The open question of the help-chat protocol we
 * follow, answered: the online agent of the chat's department who has been
 * idle longest, counted from the end of their last chat (not from when they
 * came online), within their limit of parallel chats. Agents with no chat
 * at all come before busy ones. Who may get it at all is agent-access.ts's
 * rule, the same one `take` and `transfer` follow.
 */
import { refusal, type AgentAccess } from './agent-access';

export interface Candidate extends AgentAccess {
	key: string;
	/** End of the agent's last chat (epoch ms; 0 if none yet). */
	idleSince: number;
}

/** Whether the service may give this agent a chat of `dept` now: the one access rule (agent-access.ts). */
export function available( agent: Candidate, dept: string | null ): boolean {
	return refusal( agent, dept, 'dispatch' ) === null;
}

/** Negative when `a` should get the chat before `b`. */
function compare( a: Candidate, b: Candidate ): number {
	if ( ( a.load === 0 ) !== ( b.load === 0 ) ) return a.load === 0 ? -1 : 1;
	if ( a.idleSince !== b.idleSince ) return a.idleSince - b.idleSince;
	return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

export function pickAgent< C extends Candidate >( candidates: Iterable< C >, dept: string | null ): C | null {
	let best: C | null = null;
	for ( const a of candidates ) {
		if ( available( a, dept ) && ( ! best || compare( a, best ) < 0 ) ) best = a;
	}
	return best;
}
