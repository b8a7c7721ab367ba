/**
 * The visitor's chat window: start view, then the running chat. Opens the
 * WebSocket only when the visitor starts (or resumes) a chat, and closes it
 * when the window closes; a reopened window resumes where it left off.
 */
import { ChatConnection, newClientId, type ConnectionState } from '../shared/connection';
import type { FrontendConfig, WidgetStrings } from '../contract';
import type { ChatMessage, ChatView, ServerFrame } from '../../server/protocol';
import { h } from './dom';
import { clearSession, loadSession, saveSession, type ChatSession } from './session';

let uid = 0;

export class ChatWindow {
	private readonly s: WidgetStrings;
	private readonly dialog: HTMLElement;
	private readonly statusLine: HTMLElement;
	private readonly body: HTMLElement;
	private conn: ChatConnection | null = null;
	private session: ChatSession | null;
	private readonly rendered = new Map< number, HTMLElement >();
	private readonly pending = new Map< string, HTMLElement >();
	private log: HTMLOListElement | null = null;
	private input: HTMLTextAreaElement | null = null;
	private codeLine: HTMLElement | null = null;
	private ended = false;

	constructor(
		root: HTMLElement,
		private readonly config: FrontendConfig,
		private readonly launcher: HTMLButtonElement
	) {
		this.s = config.strings;
		this.session = loadSession();
		const titleId = `cc-title-${ ++uid }`;
		this.statusLine = h( 'p', { className: 'cc-status', role: 'status' } );
		this.body = h( 'div', { className: 'cc-body' } );
		this.dialog = h(
			'div',
			{ className: 'cc-window', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId, hidden: true, lang: config.lang.replace( '_', '-' ) },
			h(
				'div',
				{ className: 'cc-header' },
				h( 'h2', { id: titleId, className: 'cc-title' }, this.s.title ),
				h( 'button', { type: 'button', className: 'cc-close', 'aria-label': this.s.close, onClick: () => this.close() }, '×' )
			),
			this.statusLine,
			this.body
		);
		this.dialog.addEventListener( 'keydown', ( e ) => this.onKey( e ) );
		root.append( this.dialog );
		if ( this.session ) this.showChat();
		else this.showStart();
	}

	open(): void {
		this.dialog.hidden = false;
		this.launcher.setAttribute( 'aria-expanded', 'true' );
		if ( this.session && ! this.conn ) this.connect();
		( this.input ?? this.dialog.querySelector< HTMLElement >( 'button' ) )?.focus();
	}

	/** Closing the window closes the connection (data minimisation); reopening resumes. */
	close(): void {
		this.dialog.hidden = true;
		this.launcher.setAttribute( 'aria-expanded', 'false' );
		this.conn?.close();
		this.conn = null;
		this.launcher.focus();
	}

	/* -------------------------------------------------------------- */

	private showStart(): void {
		this.ended = false;
		this.rendered.clear();
		this.pending.clear();
		this.log = null;
		this.codeLine = null;
		this.setStatus( '' );
		const id = `cc-first-${ uid }`;
		this.input = h( 'textarea', { id, className: 'cc-input', rows: 3, required: true, maxlength: 4000 } );
		const form = h(
			'form',
			{ className: 'cc-start' },
			h( 'p', { className: 'cc-intro' }, this.s.intro ),
			h( 'label', { for: id, className: 'cc-label' }, this.s.messageLabel ),
			this.input,
			h( 'button', { type: 'submit', className: 'cc-button' }, this.s.start )
		);
		form.addEventListener( 'submit', ( e ) => {
			e.preventDefault();
			const text = this.input?.value.trim() ?? '';
			if ( text ) this.start( text );
		} );
		this.submitOnEnter( this.input, form );
		this.body.replaceChildren( form );
	}

	private showChat(): void {
		const id = `cc-msg-${ uid }`;
		this.log = h( 'ol', { className: 'cc-log', role: 'log', 'aria-live': 'polite' } );
		this.codeLine = h( 'p', { className: 'cc-code', hidden: ! this.session } );
		this.input = h( 'textarea', { id, className: 'cc-input', rows: 2, maxlength: 4000 } );
		const form = h(
			'form',
			{ className: 'cc-compose' },
			h( 'label', { for: id, className: 'cc-label cc-visually-hidden' }, this.s.messageLabel ),
			this.input,
			h( 'button', { type: 'submit', className: 'cc-button' }, this.s.send )
		);
		form.addEventListener( 'submit', ( e ) => {
			e.preventDefault();
			const text = this.input?.value.trim() ?? '';
			if ( text && this.session && ! this.ended ) {
				this.input!.value = '';
				this.sendMessage( text );
			}
		} );
		this.submitOnEnter( this.input, form );
		const end = h( 'button', { type: 'button', className: 'cc-link', onClick: () => this.endChat() }, this.s.endChat );
		this.body.replaceChildren( this.codeLine, this.log, form, end );
		this.showCode();
	}

	private start( text: string ): void {
		const clientId = newClientId();
		this.showChat();
		this.addPending( clientId, text );
		this.connect();
		this.conn!.send( {
			type: 'start',
			clientId,
			text,
			...( this.config.dept ? { dept: this.config.dept } : {} ),
		} );
		this.input?.focus();
	}

	private sendMessage( text: string ): void {
		const clientId = newClientId();
		this.addPending( clientId, text );
		this.conn?.send( { type: 'send', chatId: this.session!.chatId, clientId, text } );
	}

	private endChat(): void {
		if ( this.session && this.conn && ! this.ended ) {
			this.conn.send( { type: 'end', chatId: this.session.chatId } );
		} else {
			this.finish();
		}
	}

	private connect(): void {
		this.conn = new ChatConnection( {
			ticket: () => this.ticket(),
			resume: () => ( this.session ? { ...this.session } : undefined ),
			onFrame: ( f ) => this.onFrame( f ),
			onState: ( state ) => this.onState( state ),
		} );
		this.conn.open();
	}

	private async ticket(): Promise< { token: string; service: string } > {
		// No cookies: the visitor stays anonymous even when logged in to WordPress.
		const res = await fetch( this.config.tokenUrl, { method: 'POST', credentials: 'omit' } );
		if ( ! res.ok ) throw new Error( `token ${ res.status }` );
		return ( await res.json() ) as { token: string; service: string };
	}

	private onFrame( f: ServerFrame ): void {
		switch ( f.type ) {
			case 'started':
				this.session = { chatId: f.chat.id, code: f.code, lastSeq: 0 };
				saveSession( this.session );
				this.showCode();
				this.applyChat( f.chat );
				break;
			case 'welcome':
				if ( f.chats[ 0 ] ) this.applyChat( f.chats[ 0 ] );
				break;
			case 'chat':
				this.applyChat( f.chat );
				break;
			case 'message':
				this.addMessage( f );
				break;
			case 'error':
				if ( f.code === 'not_found' && ! f.ref ) {
					// The chat we tried to resume is gone: start afresh.
					this.finish();
					this.showStart();
				} else {
					this.setStatus( f.message );
				}
				break;
		}
	}

	private onState( state: ConnectionState ): void {
		if ( state === 'connecting' ) this.setStatus( this.s.connecting );
		else if ( state === 'reconnecting' ) this.setStatus( this.s.reconnecting );
		else if ( state === 'open' ) this.setStatus( '' );
	}

	private applyChat( chat: ChatView ): void {
		if ( chat.status === 'closed' ) {
			this.finish();
			return;
		}
		this.setStatus( chat.status === 'waiting' ? this.s.waiting : '' );
	}

	private addMessage( m: ChatMessage ): void {
		if ( ! this.log || this.rendered.has( m.seq ) ) return;
		const li = this.messageItem( m );
		const pending = m.clientId ? this.pending.get( m.clientId ) : undefined;
		if ( pending ) {
			pending.replaceWith( li );
			this.pending.delete( m.clientId! );
		} else {
			// Keep seq order even when a gap is filled after newer messages.
			const after = [ ...this.rendered.entries() ].filter( ( [ seq ] ) => seq > m.seq ).sort( ( a, b ) => a[ 0 ] - b[ 0 ] )[ 0 ];
			if ( after ) after[ 1 ].before( li );
			else this.log.append( li );
		}
		this.rendered.set( m.seq, li );
		if ( this.session && m.seq > this.session.lastSeq ) {
			this.session.lastSeq = m.seq;
			saveSession( this.session );
		}
		li.scrollIntoView?.( { block: 'nearest' } );
		if ( m.event === 'ended' ) this.finish();
	}

	private messageItem( m: ChatMessage ): HTMLElement {
		if ( m.from === 'system' ) {
			const text =
				m.event === 'agent_joined'
					? this.s.joined.replace( '%s', m.name ?? this.s.agent )
					: m.event === 'ended'
						? this.s.ended
						: this.s.left;
			return h( 'li', { className: 'cc-msg cc-msg--system' }, text );
		}
		const who = m.from === 'visitor' ? this.s.you : m.name || this.s.agent;
		return h(
			'li',
			{ className: `cc-msg cc-msg--${ m.from }` },
			h( 'span', { className: 'cc-msg__who' }, who ),
			h( 'p', { className: 'cc-msg__text' }, m.text )
		);
	}

	private addPending( clientId: string, text: string ): void {
		const li = h(
			'li',
			{ className: 'cc-msg cc-msg--visitor is-pending' },
			h( 'span', { className: 'cc-msg__who' }, `${ this.s.you } · ${ this.s.sending }` ),
			h( 'p', { className: 'cc-msg__text' }, text )
		);
		this.pending.set( clientId, li );
		this.log?.append( li );
	}

	/** The chat is over: forget it in this tab and offer a new one. */
	private finish(): void {
		if ( this.ended ) return;
		this.ended = true;
		clearSession();
		this.session = null;
		this.conn?.close();
		this.conn = null;
		this.setStatus( this.s.ended );
		this.input?.setAttribute( 'disabled', '' );
		this.body.append(
			h( 'button', { type: 'button', className: 'cc-button', onClick: () => this.showStart() }, this.s.newChat )
		);
	}

	private showCode(): void {
		if ( ! this.codeLine || ! this.session ) return;
		this.codeLine.hidden = false;
		this.codeLine.replaceChildren( `${ this.s.code }: `, h( 'strong', { className: 'cc-code__value' }, this.session.code ) );
	}

	private setStatus( text: string ): void {
		this.statusLine.textContent = text;
		this.statusLine.hidden = text === '';
	}

	private submitOnEnter( input: HTMLTextAreaElement, form: HTMLFormElement ): void {
		input.addEventListener( 'keydown', ( e ) => {
			if ( e.key === 'Enter' && ! e.shiftKey && ! e.isComposing ) {
				e.preventDefault();
				form.requestSubmit();
			}
		} );
	}

	/** Escape closes; Tab stays inside the dialog. */
	private onKey( e: KeyboardEvent ): void {
		if ( e.key === 'Escape' ) {
			e.preventDefault();
			this.close();
			return;
		}
		if ( e.key !== 'Tab' ) return;
		const focusable = [ ...this.dialog.querySelectorAll< HTMLElement >( 'button, textarea, input, select, a[href]' ) ].filter(
			( el ) => ! el.hasAttribute( 'disabled' ) && el.offsetParent !== null
		);
		const first = focusable[ 0 ];
		const last = focusable[ focusable.length - 1 ];
		if ( e.shiftKey && document.activeElement === first ) {
			e.preventDefault();
			last?.focus();
		} else if ( ! e.shiftKey && document.activeElement === last ) {
			e.preventDefault();
			first?.focus();
		}
	}
}
