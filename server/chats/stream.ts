/**
 * A chat's numbered message stream: each message gets the next number of
 * its chat (stored: by the store, inside the write; ephemeral: here, in
 * memory), becomes durable or buffered, and only then reaches the chat's
 * connections, so everyone sees the same order. A resend of a message the
 * chat already has (same clientId, after a reconnect) is answered with the
 * first copy's number, never written twice.
 */
import type { Peer } from '../peer';
import type { Author, ChatMessage, DialogForm, FieldValues, SystemEvent } from '../protocol';
import type { ChatRecord } from '../store/types';
import type { Core } from './core';
import { ChatError, type LiveChat } from './live-chat';

/** Messages an ephemeral chat keeps in memory for resumes. */
export const EPHEMERAL_BUFFER = 500;
/**
 * How far above the highest number a returning participant holds a chat
 * whose memory was lost goes on numbering (carryOn). The two participants
 * may have got different distances into the chat before its node stopped
 * (one was offline, or frames were in flight), and whoever comes back first
 * cannot say how far the other got; a number given again would be taken by
 * the other side for a message it already has. The gap is far above what
 * one side can be ahead of the other: a conversation's in-flight frames, or
 * what an agent writes to a visitor who is away before the chat times out.
 */
export const MEMORY_LOST_GAP = 1_000;

export interface Content {
	text: string;
	dialog?: string;
	fields?: FieldValues;
	options?: string[];
}

/** What the assistant adds to a message of its own. */
export interface AssistantExtras {
	event?: SystemEvent;
	options?: string[];
	person?: true;
	form?: DialogForm;
	dialog?: string;
}

/** What became of a participant's message. */
export interface Sent {
	/** False for a resend of a message the chat has (answered with its number, nothing new). */
	fresh: boolean;
	/** The chat's first visitor text: the queue's preview changed. */
	newPreview: boolean;
	/** The message's number in the chat. */
	seq: number;
}

export class ChatStream {
	constructor( private readonly core: Core ) {}

	/**
	 * A participant's message (or pre-chat form). Resolves once it is
	 * durable and handed on (see Sent).
	 */
	async send( peer: Peer, chat: LiveChat, clientId: string, content: Content ): Promise< Sent > {
		if ( chat.record.status === 'closed' ) throw new ChatError( 'conflict', 'the chat has ended' );
		const chatId = chat.record.id;
		const known = chat.clientSeqs.get( clientId );
		if ( known !== undefined ) {
			// A resend: acknowledged with the number the first copy got (once it is durable), not written twice.
			const seq = await known;
			peer.send( { type: 'ack', chatId, clientId, seq } );
			return { fresh: false, newPreview: false, seq };
		}
		const from: Author = peer.identity.role;
		const message = this.message( chat, from, content.text, {
			clientId,
			name: from === 'agent' ? peer.identity.name : undefined,
			dialog: content.dialog,
			fields: content.fields,
			options: content.options,
		} );
		this.core.store.bumpStat( chat.record.site, from === 'visitor' ? 'message_received' : 'message_sent', message.at );
		const newPreview = from === 'visitor' && chat.preview === null && content.text !== '';
		if ( newPreview ) chat.preview = content.text.slice( 0, 200 );
		const numbered = this.number( chat, message );
		// While the write is in flight, a resend waits for its number.
		chat.clientSeqs.remember( clientId, numbered );
		let delivered: boolean;
		try {
			delivered = await this.commit( chat, message, peer, numbered );
		} catch ( e ) {
			// Not durable: a resend must be written again, not answered with a number.
			chat.clientSeqs.forget( clientId );
			throw e;
		}
		if ( typeof numbered !== 'number' ) chat.clientSeqs.remember( clientId, message.seq );
		// The message's own copy, with its clientId, is the sender's acknowledgement;
		// an `ack` only where that copy did not reach the sending connection.
		if ( ! delivered ) peer.send( { type: 'ack', chatId, clientId, seq: message.seq } );
		return { fresh: true, newPreview, seq: message.seq };
	}

	/**
	 * A message of the site's assistant (Markdown `text`, or an event the
	 * widget words), numbered, kept or buffered by the chat's mode like any other.
	 */
	async assistant( chat: LiveChat, text: string, extra: AssistantExtras = {} ): Promise< void > {
		await this.commit( chat, this.message( chat, 'assistant', text, extra ) );
	}

	/** A line of the service's own (agent joined, chat ended, …), in number order with the rest. */
	async system( chat: LiveChat, event: SystemEvent, name?: string, dialog?: string ): Promise< void > {
		await this.commit( chat, this.message( chat, 'system', '', { event, name, dialog } ) );
	}

	/** The completed pre-chat form, as the chat's first message. */
	async form( chat: LiveChat, fields: FieldValues ): Promise< void > {
		await this.commit( chat, this.message( chat, 'visitor', '', { dialog: 'prechat', fields } ) );
	}

	/** Sends `peer` the messages numbered above `afterSeq` (a resume, a `sync`). */
	async backlog( peer: Peer, record: ChatRecord, afterSeq: number, buffer: readonly ChatMessage[] ): Promise< void > {
		const messages =
			record.mode === 'stored' ? await this.core.store.messagesAfter( record.id, afterSeq ) : buffer.filter( ( m ) => m.seq > afterSeq );
		for ( const m of messages ) peer.send( { type: 'message', ...m } );
	}

	/**
	 * A participant of a chat whose memory was lost came back holding
	 * messages up to `heldSeq`: numbering goes on above anything given before.
	 */
	carryOn( chat: LiveChat, heldSeq: number ): void {
		if ( chat.memoryLost ) chat.lastSeq = Math.max( chat.lastSeq, heldSeq + MEMORY_LOST_GAP );
	}

	/** Rebuilds a stored chat's stream state from its history (a node taking the chat on). */
	restore( chat: LiveChat, history: readonly ChatMessage[] ): void {
		chat.lastSeq = history.length ? history[ history.length - 1 ].seq : 0;
		chat.preview = history.find( ( m ) => m.from === 'visitor' && m.text )?.text ?? null;
		// Resends after the restart must be recognised without asking the database each time.
		for ( const m of history ) if ( m.clientId ) chat.clientSeqs.remember( m.clientId, m.seq );
	}

	private message(
		chat: LiveChat,
		from: Author,
		text: string,
		extra: { clientId?: string; name?: string; dialog?: string; fields?: FieldValues } & AssistantExtras
	): ChatMessage {
		// Numbered when it is committed (see number()).
		const message: ChatMessage = { chatId: chat.record.id, seq: 0, from, text, at: this.core.now() };
		if ( extra.clientId ) message.clientId = extra.clientId;
		if ( extra.name ) message.name = extra.name;
		if ( extra.event ) message.event = extra.event;
		if ( extra.dialog ) message.dialog = extra.dialog;
		if ( extra.fields ) message.fields = extra.fields;
		if ( extra.options ) message.options = extra.options;
		if ( extra.person ) message.person = extra.person;
		if ( extra.form ) message.form = extra.form;
		chat.lastActivity = message.at;
		return message;
	}

	/**
	 * Gives the message its number. Stored: the store numbers it inside the
	 * write (a failed write takes no number, so there is no hole), and the
	 * promise resolves once it is durable. Ephemeral: numbered here, in
	 * memory, and buffered for resumes; its text never reaches the store.
	 */
	private number( chat: LiveChat, message: ChatMessage ): Promise< number > | number {
		if ( chat.record.mode === 'stored' ) return this.core.store.appendMessage( message );
		message.seq = ++chat.lastSeq;
		chat.buffer.push( message );
		// Enough to fill any reconnect gap a person would have; memory stays bounded.
		// Trimmed in halves, so the cost is not paid on every message.
		if ( chat.buffer.length >= 2 * EPHEMERAL_BUFFER ) chat.buffer.splice( 0, EPHEMERAL_BUFFER );
		return message.seq;
	}

	/**
	 * Numbered and durable (stored) or buffered (ephemeral), then handed to
	 * everyone in the chat. Resolves to whether `sender` was among them.
	 * The store settles writes in call order, so a chat's messages go out in
	 * number order.
	 */
	private async commit( chat: LiveChat, message: ChatMessage, sender?: Peer, numbered = this.number( chat, message ) ): Promise< boolean > {
		if ( typeof numbered !== 'number' ) {
			message.seq = await numbered;
			chat.lastSeq = message.seq;
		}
		return this.core.fanout.toChat( chat, { type: 'message', ...message }, sender );
	}
}
