/**
 * The WebSocket protocol, service → client: the one definition of every
 * frame the service sends, as types (the service builds them; the widget and
 * the agent console read them). The clients' frames are in client-frames.ts.
 * See docs/protocol.md.
 */
import type { ErrorCode } from './errors';
import type { FieldValues, PageView } from './client-frames';
import type { DialogStep } from '../assistant/answers';

/* ------------------------------------------------------------------ */
/* Service → client                                                     */
/* ------------------------------------------------------------------ */

export type Role = 'visitor' | 'agent';
/**
 * `assistant`: the site's built-in assistant serves the chat (it is in no
 * queue); a hand-over makes it `waiting`.
 */
export type ChatStatus = 'assistant' | 'waiting' | 'active' | 'away' | 'closed';
export type ChatMode = 'stored' | 'ephemeral';
/** `assistant`: the site's built-in assistant (its messages are Markdown). */
export type Author = 'visitor' | 'agent' | 'system' | 'assistant';
/** System messages carry an event, not text, so each client words it in its own language. */
export type SystemEvent =
	| 'agent_joined'
	| 'agent_left'
	| 'visitor_left'
	| 'transferred'
	| 'ended'
	/** Ended by the inactivity timeout. */
	| 'timeout'
	/**
	 * A no-storage chat whose messages were in the memory of a node that
	 * stopped: another node carries it on, without what was said before.
	 */
	| 'memory_lost'
	/** The assistant handed the chat to the people of its department: it waits in their queue now. */
	| 'handed_over'
	/**
	 * A hand-over was asked for, but nobody who could take the chat is
	 * online: the widget offers the contact form, prefilled with the
	 * message's `fields` if it has any (a dialog's answers). The chat stays
	 * with the assistant.
	 */
	| 'contact_offered'
	/**
	 * The site's own bot could not answer (it failed, or did not reply in
	 * time): the hand-over follows (`handed_over` or `contact_offered`).
	 */
	| 'bot_unavailable'
	/** (from `assistant`) No confident answer: the message's `options` are the titles of the closest answers. */
	| 'suggestions'
	/** (from `assistant`) Nothing in the site's answers matched. */
	| 'no_answer';

/** A dialog the assistant asks the visitor to fill in (see ChatMessage.form). */
export interface DialogForm {
	id: string;
	title: string;
	steps: DialogStep[];
}

export interface ChatView {
	id: string;
	status: ChatStatus;
	mode: ChatMode;
	dept: string | null;
	createdAt: number;
	lastSeq: number;
	visitorName: string | null;
	agentName: string | null;
	/** Agent's subject (`wp:<id>`), for transfers; null while waiting. */
	agent: string | null;
	from: string | null;
	/** Exempt from automatic deletion. */
	keep: boolean;
	/** The visitor's current page, only while the visitor consents to tracking (never stored). */
	page?: PageView;
	/** The pages of this visit seen during the chat, oldest first, while the visitor consents (memory only). */
	pages?: PageView[];
	/**
	 * The chat's agent has no connection open and may be back in a moment
	 * (within the service's grace period; after it the chat returns to the
	 * queue). Absent otherwise.
	 */
	agentAway?: true;
}

/** An online agent as other agents see it (for transfers). */
export interface AgentView {
	sub: string;
	name: string;
	depts: string[];
	chats: number;
}

export interface ChatMessage {
	chatId: string;
	seq: number;
	from: Author;
	text: string;
	at: number;
	name?: string;
	event?: SystemEvent;
	/** Echoed to the sender so it can match its pending copy. */
	clientId?: string;
	/** A submitted dialog: which one, and its answers. */
	dialog?: string;
	fields?: FieldValues;
	/**
	 * Reply options offered with this (agent or assistant) message; the
	 * visitor answers by sending one's text.
	 */
	options?: string[];
	/**
	 * (assistant) The widget offers its own "talk to a person" button with
	 * this message, which sends `handover`.
	 */
	person?: true;
	/**
	 * (assistant) A dialog to fill in: the widget holds the answers, lets
	 * the visitor go back a step, and sends only the completed dialog
	 * (`submit` with `dialog: form.id` and one field per step id).
	 */
	form?: DialogForm;
}

export interface QueueEntry {
	chat: ChatView;
	/** First message, so the agent sees what the chat is about. */
	preview: string | null;
}

export type ServerFrame =
	| {
			type: 'welcome';
			role: Role;
			name: string;
			/** Agent: their open chats. Visitor on resume: the resumed chat. */
			chats: ChatView[];
			online?: boolean;
	  }
	| { type: 'started'; chat: ChatView; code: string }
	| { type: 'chat'; chat: ChatView }
	| ( { type: 'message' } & ChatMessage )
	| { type: 'ack'; chatId: string; clientId: string; seq: number }
	| { type: 'queue'; waiting: QueueEntry[] }
	/** Agent: its own presence, after every change (any of its tabs). */
	| { type: 'presence'; online: boolean; depts: string[] }
	/** Agent: its `renew` was accepted; the connection now lasts until `expiresAt` (epoch ms). */
	| { type: 'renewed'; expiresAt: number }
	/** Agents: who is online, for transfers. */
	| { type: 'agents'; agents: AgentView[] }
	/** Waiting visitor: place in the queue (1 = next). */
	| { type: 'position'; chatId: string; position: number }
	| { type: 'typing'; chatId: string; from: 'visitor' | 'agent'; typing: boolean }
	| { type: 'error'; code: ErrorCode; message: string; ref?: string };

export type ServerFrameType = ServerFrame[ 'type' ];
