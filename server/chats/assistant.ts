/**
 * The site's built-in assistant in a chat: whether it serves a new chat (its
 * mode for the chat's department, and for `when_offline` whether an agent who
 * may take the chat is online: agents.available, the access rule's answer),
 * its answer to each visitor message, the options it offered and where each
 * leads, its dialogs, and the hand-over to the people's queue.
 *
 * It reads the site's assistant in force (assistant/site-assistants.ts) and
 * writes only through the chat stream (its messages are numbered and kept or
 * buffered by the chat's mode, like any other) and the lifecycle (status).
 * What it holds per chat is memory only (LiveChat.assistant). It logs
 * nothing, and keeps nothing of the visitor's words beyond the chat's own
 * messages: the statistics are hour-rounded counts with no chat reference.
 */
import type { Dialog } from '../assistant/answers';
import type { BotReply } from '../bot/wire';
import { ChatBot, type BotReplyOutcome } from './bot';
import { dialogAnswersProblem } from '../assistant/dialog-answers';
import type { SiteAssistant } from '../assistant/site-assistants';
import type { FieldValues } from '../protocol';
import type { Core } from './core';
import { ChatError, type LiveChat } from './live-chat';

/** Where an option the assistant offered leads. */
type Offer = { to: 'answer'; answer: string } | { to: 'dialog'; dialog: string } | { to: 'person' };

/** What the assistant holds of a chat it serves (memory only). */
export interface AssistantState {
	/** The visitor's language (`start`'s `lang`); null: the site's main one. */
	lang: string | null;
	/** Visitor messages in a row it found nothing for. */
	unanswered: number;
	/** The options of its latest message, by label (compared case-insensitively). */
	offers: Map< string, Offer >;
	/** Dialogs it asked for in this chat: only their `submit` completes anything. */
	dialogs: Set< string >;
	/** Set (synchronously) when the hand-over starts: it answers nothing more, and no second hand-over starts. */
	handingOver: boolean;
}

const key = ( label: string ): string => label.trim().toLocaleLowerCase();

export class ChatAssistant {
	/** The site's own bot, where it has one, answering instead of the built-in answers. */
	private readonly bot: ChatBot;

	constructor( private readonly core: Core ) {
		this.bot = new ChatBot( core, ( chat ) => this.handover( chat ) );
	}

	/** Whether a new chat of `dept` on `site` goes to the assistant rather than the queue. */
	serves( site: string, dept: string | null ): boolean {
		return this.core.assistants.get( site )?.servesNewChat( dept, this.core.agents.available( site, dept ) ) ?? false;
	}

	/** The chat was opened for the assistant. */
	begin( chat: LiveChat, lang: string | null ): void {
		chat.assistant = { lang, unanswered: 0, offers: new Map(), dialogs: new Set(), handingOver: false };
		const bot = this.core.assistants.get( chat.record.site )?.bot;
		if ( bot ) this.bot.started( chat, bot );
	}

	/**
	 * Answers the visitor's message `text` (already in the chat, numbered
	 * `seq`), if the assistant serves the chat: the site's bot, if it has
	 * one (its reply comes later: botReply), else the built-in answers.
	 */
	async reply( chat: LiveChat, text: string, seq: number ): Promise< void > {
		const site = this.siteOf( chat );
		if ( ! site ) return;
		const state = this.state( chat );
		// Two messages in quick succession: the first one's hand-over is under way.
		if ( state.handingOver ) return;
		if ( site.bot ) return this.bot.message( chat, site.bot, seq, text );
		const locale = site.localeFor( state.lang );
		if ( locale === undefined ) return this.unanswered( chat, site, state );
		const offer = state.offers.get( key( text ) );
		if ( offer ) return this.follow( chat, site, locale, offer );
		const match = site.indexes.match( locale, text );
		if ( match.kind === 'answer' ) return this.answer( chat, site, locale, match.id );
		if ( match.kind === 'none' ) return this.unanswered( chat, site, state );
		const answers = match.ids.map( ( id ) => site.answer( locale, id ) ).filter( ( a ) => a !== undefined );
		state.offers = new Map( answers.map( ( a ) => [ key( a.title ), { to: 'answer', answer: a.id } ] ) );
		await this.core.stream.assistant( chat, '', { event: 'suggestions', options: answers.map( ( a ) => a.title ), person: true } );
	}

	/**
	 * The visitor asked for a person (`handover`, the person option, or too
	 * many messages unanswered): the chat goes to its department's queue, or,
	 * with nobody online who could take it, the visitor is offered the
	 * contact form (the chat stays with the assistant). `dialog`: the dialog
	 * whose answers the contact form may be prefilled with.
	 */
	async handover( chat: LiveChat, dialog?: string ): Promise< void > {
		const { core } = this;
		if ( chat.record.status !== 'assistant' || chat.assistant?.handingOver ) throw new ChatError( 'conflict', 'the assistant does not serve this chat' );
		const { site, dept } = chat.record;
		if ( ! core.agents.available( site, dept ) ) {
			await core.stream.system( chat, 'contact_offered', undefined, dialog );
			return;
		}
		const state = this.state( chat );
		state.handingOver = true;
		try {
			await core.stream.system( chat, 'handed_over' );
			await core.lifecycle.setStatus( chat, 'waiting' );
		} catch ( e ) {
			// Not recorded (setStatus rolled its change back): still the assistant's, and a hand-over may be asked again.
			state.handingOver = false;
			throw e;
		}
		chat.assistant = null;
		this.bot.left( chat, core.assistants.get( site )?.bot, 'handed_over' );
		core.store.bumpStat( site, 'assistant_handed_over', core.now() );
		core.dispatcher.dispatch( site );
	}

	/** A reply of the site's bot (`POST /bot/reply`, signed with the bot's secret of `site`). */
	botReply( site: string, reply: BotReply ): Promise< BotReplyOutcome > {
		return this.bot.reply( site, reply );
	}

	/** The chat ends: a bot that served it is told. */
	ended( chat: LiveChat ): void {
		this.bot.left( chat, this.core.assistants.get( chat.record.site )?.bot, 'chat_ended' );
	}

	/**
	 * The dialog a visitor's `submit` completes, checked before it is kept:
	 * null if it is none the assistant asked for in this chat (then it is an
	 * ordinary submit); a ChatError if its answers do not fit the dialog.
	 */
	submitted( chat: LiveChat, dialogId: string, fields: FieldValues ): Dialog | null {
		const site = this.siteOf( chat );
		if ( ! site || ! this.state( chat ).dialogs.has( dialogId ) ) return null;
		const locale = site.localeFor( this.state( chat ).lang );
		const dialog = locale === undefined ? undefined : site.dialog( locale, dialogId );
		if ( ! dialog ) return null;
		const problem = dialogAnswersProblem( dialog, fields );
		if ( problem ) throw new ChatError( 'bad_frame', problem );
		return dialog;
	}

	/** The completed dialog's action, once its answers are in the chat (the agent after a hand-over sees them there). */
	async complete( chat: LiveChat, dialog: Dialog ): Promise< void > {
		if ( chat.record.status !== 'assistant' ) return;
		this.state( chat ).dialogs.delete( dialog.id );
		switch ( dialog.complete.action ) {
			case 'handover':
				return this.handover( chat, dialog.id );
			case 'contact':
				return this.core.stream.system( chat, 'contact_offered', undefined, dialog.id );
			case 'end':
				this.state( chat ).offers = new Map();
				return this.core.stream.assistant( chat, dialog.complete.text );
		}
	}

	private async follow( chat: LiveChat, site: SiteAssistant, locale: string, offer: Offer ): Promise< void > {
		if ( offer.to === 'person' ) return this.handover( chat );
		if ( offer.to === 'answer' ) return this.answer( chat, site, locale, offer.answer );
		const dialog = site.dialog( locale, offer.dialog );
		if ( ! dialog ) return this.unanswered( chat, site, this.state( chat ) );
		const state = this.state( chat );
		state.offers = new Map();
		state.dialogs.add( dialog.id );
		await this.core.stream.assistant( chat, dialog.title, { form: { id: dialog.id, title: dialog.title, steps: dialog.steps } } );
	}

	private async answer( chat: LiveChat, site: SiteAssistant, locale: string, id: string ): Promise< void > {
		const answer = site.answer( locale, id );
		// The content changed between the offer and the visitor's pick.
		if ( ! answer ) return this.unanswered( chat, site, this.state( chat ) );
		const state = this.state( chat );
		state.unanswered = 0;
		const options = answer.options ?? [];
		state.offers = new Map(
			options.map( ( o ): [ string, Offer ] => [
				key( o.label ),
				o.to === 'answer' ? { to: 'answer', answer: o.answer } : o.to === 'dialog' ? { to: 'dialog', dialog: o.dialog } : { to: 'person' },
			] )
		);
		this.core.store.bumpStat( chat.record.site, 'assistant_answered', this.core.now() );
		await this.core.stream.assistant( chat, answer.answer, options.length ? { options: options.map( ( o ) => o.label ) } : {} );
	}

	private async unanswered( chat: LiveChat, site: SiteAssistant, state: AssistantState ): Promise< void > {
		state.unanswered++;
		state.offers = new Map();
		this.core.store.bumpStat( chat.record.site, 'assistant_no_answer', this.core.now() );
		if ( state.unanswered >= site.handoverAfter ) return this.handover( chat );
		await this.core.stream.assistant( chat, '', { event: 'no_answer', person: true } );
	}

	/** The site's assistant, if it serves this chat (still in force: the site may have turned it off since). */
	private siteOf( chat: LiveChat ): SiteAssistant | undefined {
		return chat.record.status === 'assistant' ? this.core.assistants.get( chat.record.site ) : undefined;
	}

	/** After a restart the chat's memory is gone: it goes on in the site's main language. */
	private state( chat: LiveChat ): AssistantState {
		chat.assistant ??= { lang: null, unanswered: 0, offers: new Map(), dialogs: new Set(), handingOver: false };
		return chat.assistant;
	}
}
