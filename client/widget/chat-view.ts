/**
 * The running chat: the chat code with a copy button, the message log (agent
 * messages as sanitised Markdown, everything else as text), reply options,
 * the typing indicator, the composer and the chat's actions (end, forget and
 * start anew, download the transcript).
 */
import type { FrontendConfig, WidgetStrings } from '../contract';
import type { ChatMessage, ChatMode } from '../../server/protocol';
import { LIMITS } from '../../server/protocol/limits';
import { h } from './dom';
import { renderMarkdown } from './markdown';
import type { PrivacyFlyout } from './privacy';
import { submitOnEnter } from './start-view';

export interface ChatActions {
	send( text: string ): void;
	typing( typing: boolean ): void;
	end(): void;
	forget(): void;
	newChat(): void;
}

/** Buttons for a few options, a drop-down from this many on (fewer clicks, less clutter). */
const SELECT_FROM = 5;
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
	private readonly rendered = new Map< number, HTMLElement >();
	private readonly pending = new Map< string, HTMLElement >();
	private readonly messages: ChatMessage[] = [];
	private options: HTMLElement | null = null;
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
		const logBox = h( 'div', { className: 'cc-log', role: 'log', 'aria-live': 'polite', 'aria-label': s.title }, this.log );
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
		this.download = h( 'button', { type: 'button', className: 'cc-link', onClick: () => this.saveTranscript() }, s.download );
		this.actions = h(
			'div',
			{ className: 'cc-actions' },
			h( 'button', { type: 'button', className: 'cc-link', onClick: () => this.on.end() }, s.endChat ),
			h( 'button', { type: 'button', className: 'cc-link cc-link--forget', onClick: () => this.on.forget() }, s.forget ),
			this.download,
			config.privacy.inChat ? privacy.link( false ) : null,
			// Whatever the privacy link's setting: consent is withdrawn where the chat is.
			privacy.settingsButton()
		);
		this.element = h( 'div', { className: 'cc-chat' }, this.codeBox, logBox, this.typingLine, compose, this.actions );
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
		if ( m.from === 'agent' ) this.setTyping( null );
		if ( ! next ) this.showOptions( m );
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
		this.options?.remove();
		this.input.disabled = true;
		this.actions.replaceChildren(
			h( 'button', { type: 'button', className: 'cc-button', onClick: () => this.on.newChat() }, this.s.newChat ),
			this.download
		);
	}

	/* -------------------------------------------------------------- */

	private messageItem( m: ChatMessage ): HTMLElement {
		if ( m.from === 'system' ) {
			return h( 'li', { className: 'cc-msg cc-msg--system' }, this.systemText( m ) );
		}
		if ( m.from === 'visitor' ) {
			const body = m.dialog && m.fields ? Object.values( m.fields ).join( ' · ' ) : m.text;
			return this.item( 'visitor', this.s.you, document.createTextNode( body ) );
		}
		return this.item( 'agent', m.name || this.s.agent, renderMarkdown( m.text, this.s.newTab ) );
	}

	private item( from: 'visitor' | 'agent', who: string, body: Node ): HTMLElement {
		return h(
			'li',
			{ className: `cc-msg cc-msg--${ from }` },
			h( 'span', { className: 'cc-msg__who' }, who ),
			h( 'div', { className: 'cc-msg__text cc-md' }, body )
		);
	}

	private systemText( m: ChatMessage ): string {
		const name = m.name ?? this.s.agent;
		switch ( m.event ) {
			case 'agent_joined':
				return this.s.joined.replace( '%s', name );
			case 'transferred':
				return this.s.transferred.replace( '%s', name );
			case 'ended':
				return this.s.ended;
			case 'timeout':
				return this.s.timeout;
			case 'memory_lost':
				return this.s.memoryLost;
			case 'bot_unavailable':
				return this.s.botUnavailable;
			default:
				return this.s.left;
		}
	}

	/** Reply options of the newest agent message: buttons, or a drop-down when there are many. */
	private showOptions( m: ChatMessage ): void {
		this.options?.remove();
		this.options = null;
		if ( m.from !== 'agent' || ! m.options?.length || this.ended ) return;
		const pick = ( text: string ): void => {
			this.options?.remove();
			this.options = null;
			this.on.send( text );
		};
		if ( m.options.length < SELECT_FROM ) {
			this.options = h(
				'div',
				{ className: 'cc-options', role: 'group', 'aria-label': this.s.chooseOption },
				...m.options.map( ( o ) => h( 'button', { type: 'button', className: 'cc-chip', onClick: () => pick( o ) }, o ) )
			);
		} else {
			const id = `cc-opt-${ m.seq }`;
			const select = h( 'select', { id, className: 'cc-input' }, ...m.options.map( ( o ) => h( 'option', { value: o }, o ) ) );
			const form = h(
				'form',
				{ className: 'cc-options' },
				h( 'label', { for: id, className: 'cc-label' }, this.s.chooseOption ),
				select,
				h( 'button', { type: 'submit', className: 'cc-button' }, this.s.send )
			);
			form.addEventListener( 'submit', ( e ) => {
				e.preventDefault();
				pick( select.value );
			} );
			this.options = form;
		}
		this.log.after( this.options );
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

	/** A plain-text transcript, made in the browser from what it shows. */
	private saveTranscript(): void {
		const lines = this.messages.map( ( m ) => {
			const time = new Date( m.at ).toLocaleString( this.config.lang.replace( '_', '-' ) );
			if ( m.from === 'system' ) return `[${ time }] ${ this.systemText( m ) }`;
			const who = m.from === 'visitor' ? this.s.you : m.name || this.s.agent;
			const text = m.dialog && m.fields ? Object.values( m.fields ).join( ' · ' ) : m.text;
			return `[${ time }] ${ who }: ${ text }`;
		} );
		const head = `${ this.s.title } — ${ this.s.code }: ${ this.code }\n\n`;
		const url = URL.createObjectURL( new Blob( [ head + lines.join( '\n' ) + '\n' ], { type: 'text/plain;charset=utf-8' } ) );
		const a = h( 'a', { href: url, download: `chat-${ this.code || 'transcript' }.txt`, hidden: true } );
		document.body.append( a );
		a.click();
		a.remove();
		setTimeout( () => URL.revokeObjectURL( url ), 10_000 );
	}
}
