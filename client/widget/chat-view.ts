/**
 * The running chat: the chat code with a copy button, the message log (agent
 * and assistant messages as sanitised Markdown, everything else as text),
 * what the newest message asks of the visitor (reply options, "talk to a
 * person", a dialog, the contact form), the typing indicator, the composer
 * and the chat's actions (talk to a person while the assistant answers,
 * end, forget and start anew, download the transcript).
 */
import type { FrontendConfig, WidgetStrings } from '../contract';
import type { ChatMessage, ChatMode, FieldValues } from '../../server/protocol';
import { LIMITS } from '../../server/protocol/limits';
import { DialogView } from './dialog-view';
import { h } from './dom';
import { author, eventText } from './events';
import { renderMarkdown } from './markdown';
import type { PrivacyFlyout } from './privacy';
import { choiceList } from './reply-options';
import { submitOnEnter } from './start-view';
import { saveTranscript } from './transcript';

export interface ChatActions {
	send( text: string ): void;
	typing( typing: boolean ): void;
	end(): void;
	forget(): void;
	newChat(): void;
	/** Ask for a person (the `handover` frame). */
	handover(): void;
	/** A completed dialog: its one `submit`. */
	submit( dialog: string, fields: FieldValues ): void;
	/** The contact form the assistant offered with `offer`, prefilled from the chat so far. */
	contactForm( offer: ChatMessage, history: readonly ChatMessage[] ): { view: HTMLElement; focus: HTMLElement | null };
}

/** Repeat "typing" no more often than this while the visitor keeps typing. */
const TYPING_EVERY_MS = 3000;

export class ChatView {
	readonly element: HTMLElement;
	readonly input: HTMLTextAreaElement;
	private readonly s: WidgetStrings;
	private readonly log: HTMLOListElement;
	private readonly codeBox: HTMLElement;
	private readonly typingLine: HTMLElement;
	private readonly actions: HTMLElement;
	private readonly download: HTMLButtonElement;
	private readonly person: HTMLButtonElement;
	/** What the newest message asks of the visitor (options, a dialog, the contact form), outside the live log. */
	private readonly panelSlot: HTMLElement;
	private readonly rendered = new Map< number, HTMLElement >();
	private readonly pending = new Map< string, HTMLElement >();
	private readonly messages: ChatMessage[] = [];
	private typingSince = 0;
	private code = '';
	private mode: ChatMode | null = null;
	ended = false;

	constructor(
		private readonly config: FrontendConfig,
		privacy: PrivacyFlyout,
		private readonly on: ChatActions
	) {
		const s = ( this.s = config.strings );
		this.codeBox = h( 'div', { className: 'cc-code', hidden: true } );
		// The list keeps its list semantics inside the live region (a role on the <ol> itself would drop them).
		this.log = h( 'ol', { className: 'cc-log__list' } );
		// Focusable: a long chat (or a dialog below it) makes the log scroll, and keyboard users must reach it.
		const logBox = h( 'div', { className: 'cc-log', role: 'log', 'aria-live': 'polite', 'aria-label': s.title, tabindex: 0 }, this.log );
		this.typingLine = h( 'p', { className: 'cc-typing', 'aria-live': 'polite' } );
		const id = `cc-msg-${ Math.random().toString( 36 ).slice( 2, 8 ) }`;
		this.input = h( 'textarea', { id, className: 'cc-input', rows: 2, maxlength: LIMITS.maxTextLength } );
		this.input.addEventListener( 'input', () => this.onInput() );
		this.input.addEventListener( 'blur', () => this.stopTyping() );
		const compose = h(
			'form',
			{ className: 'cc-compose' },
			h( 'label', { for: id, className: 'cc-visually-hidden' }, s.messageLabel ),
			this.input,
			h( 'button', { type: 'submit', className: 'cc-button' }, s.send )
		);
		compose.addEventListener( 'submit', ( e ) => {
			e.preventDefault();
			const text = this.input.value.trim();
			if ( ! text || this.ended ) return;
			this.input.value = '';
			this.stopTyping();
			this.on.send( text );
		} );
		submitOnEnter( this.input, compose );
		this.download = h( 'button', { type: 'button', className: 'cc-link', onClick: () => saveTranscript( this.messages, this.code, config ) }, s.download );
		// While the assistant answers, a person can be asked for at any time.
		this.person = h( 'button', { type: 'button', className: 'cc-link', hidden: true, onClick: () => this.on.handover() }, s.talkToPerson );
		this.panelSlot = h( 'div', { className: 'cc-panel' } );
		this.actions = h(
			'div',
			{ className: 'cc-actions' },
			this.person,
			h( 'button', { type: 'button', className: 'cc-link', onClick: () => this.on.end() }, s.endChat ),
			h( 'button', { type: 'button', className: 'cc-link cc-link--forget', onClick: () => this.on.forget() }, s.forget ),
			this.download,
			config.privacy.inChat ? privacy.link( false ) : null,
			// Whatever the privacy link's setting: consent is withdrawn where the chat is.
			privacy.settingsButton()
		);
		this.element = h( 'div', { className: 'cc-chat' }, this.codeBox, logBox, this.panelSlot, this.typingLine, compose, this.actions );
	}

	/** The chat code, with a copy button and why it matters. */
	setChat( code: string, mode: ChatMode ): void {
		if ( this.code === code && this.mode === mode ) return;
		this.code = code;
		this.mode = mode;
		this.download.hidden = mode !== 'stored';
		const copy = h( 'button', { type: 'button', className: 'cc-link' }, this.s.copy );
		copy.addEventListener( 'click', () => {
			navigator.clipboard?.writeText( code ).then(
				() => ( copy.textContent = this.s.copied ),
				() => undefined
			);
		} );
		this.codeBox.hidden = false;
		this.codeBox.replaceChildren(
			h( 'p', { className: 'cc-code__line' }, `${ this.s.code }: `, h( 'strong', { className: 'cc-code__value' }, code ), ' ', copy ),
			h( 'p', { className: 'cc-code__help' }, this.s.codeHelp )
		);
	}

	/** The assistant serves the chat: offer "talk to a person" (not after a hand-over). */
	setAssistant( serving: boolean ): void {
		this.person.hidden = ! serving || this.ended;
	}

	/** Highest message number shown: where a reconnect picks up. */
	get lastSeq(): number {
		return this.messages.length ? this.messages[ this.messages.length - 1 ].seq : 0;
	}

	addPending( clientId: string, text: string ): void {
		const li = this.item( 'visitor', `${ this.s.you } · ${ this.s.sending }`, document.createTextNode( text ) );
		li.classList.add( 'is-pending' );
		this.pending.set( clientId, li );
		this.log.append( li );
		li.scrollIntoView?.( { block: 'nearest' } );
	}

	addMessage( m: ChatMessage ): void {
		if ( this.rendered.has( m.seq ) ) return;
		const li = this.messageItem( m );
		const pending = m.clientId ? this.pending.get( m.clientId ) : undefined;
		// Keep seq order even when a gap is filled after newer messages.
		const next = this.messages.find( ( x ) => x.seq > m.seq );
		if ( pending ) {
			pending.replaceWith( li );
			this.pending.delete( m.clientId! );
		} else if ( next ) {
			this.rendered.get( next.seq )!.before( li );
		} else {
			this.log.append( li );
		}
		this.rendered.set( m.seq, li );
		const at = next ? this.messages.indexOf( next ) : this.messages.length;
		this.messages.splice( at, 0, m );
		if ( m.from === 'agent' || m.from === 'assistant' ) this.setTyping( null );
		if ( ! next ) this.showPanel( m );
		li.scrollIntoView?.( { block: 'nearest' } );
	}

	/** A line in the log that is not a message (e.g. "this new chat stores nothing"). */
	notice( text: string ): void {
		this.log.append( h( 'li', { className: 'cc-msg cc-msg--system' }, text ) );
	}

	/** `name` is typing, or nobody (null). */
	setTyping( name: string | null ): void {
		this.typingLine.textContent = name === null ? '' : this.s.typing.replace( '%s', name );
	}

	/** The chat is over: no more typing; the transcript stays downloadable. */
	finish(): void {
		if ( this.ended ) return;
		this.ended = true;
		this.stopTyping();
		this.setTyping( null );
		this.panelSlot.replaceChildren();
		this.person.hidden = true;
		this.input.disabled = true;
		this.actions.replaceChildren(
			h( 'button', { type: 'button', className: 'cc-button', onClick: () => this.on.newChat() }, this.s.newChat ),
			this.download
		);
	}

	/* -------------------------------------------------------------- */

	private messageItem( m: ChatMessage ): HTMLElement {
		if ( m.from === 'system' ) {
			return h( 'li', { className: 'cc-msg cc-msg--system' }, eventText( m, this.s ) );
		}
		if ( m.from === 'visitor' ) {
			const body = m.dialog && m.fields ? Object.values( m.fields ).join( ' · ' ) : m.text;
			return this.item( 'visitor', this.s.you, document.createTextNode( body ) );
		}
		// Agents' and the assistant's texts go through the one safe Markdown path; events are worded here.
		const body = m.event ? document.createTextNode( eventText( m, this.s ) ) : renderMarkdown( m.text, this.s.newTab );
		return this.item( m.from, author( m, this.s ), body );
	}

	private item( from: 'visitor' | 'agent' | 'assistant', who: string, body: Node ): HTMLElement {
		return h(
			'li',
			{ className: `cc-msg cc-msg--${ from }` },
			h( 'span', { className: 'cc-msg__who' }, who ),
			h( 'div', { className: 'cc-msg__text cc-md' }, body )
		);
	}

	/** What the newest message asks of the visitor; anything an older one asked goes. */
	private showPanel( m: ChatMessage ): void {
		const { s } = this;
		const active = document.activeElement;
		const hadFocus = ! active || active === document.body || this.panelSlot.contains( active );
		this.panelSlot.replaceChildren();
		if ( this.ended ) return;
		const pick = ( text: string ): void => {
			this.panelSlot.replaceChildren();
			this.on.send( text );
		};
		let focus: HTMLElement | null = null;
		if ( m.from === 'assistant' && m.form ) {
			const form = m.form;
			const dialog = new DialogView( form, this.config, ( fields ) => {
				this.panelSlot.replaceChildren();
				this.on.submit( form.id, fields );
			} );
			this.panelSlot.append( dialog.element );
		} else if ( m.from === 'system' && m.event === 'contact_offered' ) {
			const contact = this.on.contactForm( m, this.messages );
			this.panelSlot.append( contact.view );
			focus = contact.focus;
		} else if ( m.from === 'agent' || m.from === 'assistant' ) {
			if ( m.options?.length ) this.panelSlot.append( choiceList( m.options, { label: s.chooseOption, submit: s.send, onPick: pick } ) );
			if ( m.person ) this.panelSlot.append( h( 'button', { type: 'button', className: 'cc-chip', onClick: () => this.on.handover() }, s.talkToPerson ) );
		}
		if ( hadFocus && ! this.element.hidden ) ( focus ?? this.panelSlot.querySelector< HTMLElement >( 'button, input, select, textarea' ) )?.focus();
	}

	private onInput(): void {
		const now = Date.now();
		if ( this.input.value === '' ) {
			this.stopTyping();
		} else if ( now - this.typingSince > TYPING_EVERY_MS ) {
			this.typingSince = now;
			this.on.typing( true );
		}
	}

	private stopTyping(): void {
		if ( this.typingSince === 0 ) return;
		this.typingSince = 0;
		this.on.typing( false );
	}
}
