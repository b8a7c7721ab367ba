/**
 * The visitor's chat window: home screen, start window or contact form, then
 * the running chat. The WebSocket opens only when the visitor starts (or
 * resumes) a chat, and closes with the window; a reopened window resumes
 * where it left off. The only request on opening is the availability check
 * (plain HTTP, no cookie), which decides between chat and contact form, and
 * whether the start window says that the site's assistant answers first.
 */
import { ChatConnection, newClientId, type ConnectionState } from '../shared/connection';
import type { FrontendConfig, WidgetStrings } from '../contract';
import { CLOSE, type ChatView as ChatInfo, type FieldValues, type ServerFrame } from '../../server/protocol';
import { checkAvailability, contactInstead, type Availability } from './availability';
import { ChatView } from './chat-view';
import { contactPrefill } from './contact-prefill';
import { contactView } from './contact-view';
import { statusText } from './events';
import { tellAppClosed } from './standalone';
import { h } from './dom';
import { PageShare } from './page-share';
import { PrivacyFlyout } from './privacy';
import { clearSession, loadSession, saveSession, type ChatSession } from './session';
import { homeView, showBotNotice, startFrame, startView, type StartRequest } from './start-view';
import { visitorTicket } from './visitor-ticket';
import { windowKeys } from './window-keys';
import { windowShell, type WindowShell } from './window-shell';

export class ChatWindow {
	private readonly s: WidgetStrings;
	private readonly dialog: HTMLElement;
	private readonly setStatus: WindowShell[ 'setStatus' ];
	private readonly body: HTMLElement;
	private readonly privacy: PrivacyFlyout;
	private readonly inline: boolean;
	private conn: ChatConnection | null = null;
	private session: ChatSession | null;
	private chat: ChatView | null = null;
	private info: ChatInfo | null = null;
	/** The old chat's end notice is expected while "forget and start anew" runs. */
	private restarting = false;
	private availability: Promise< Availability > | null = null;
	/** The site's own bot that would answer a chat started now (GET /availability), if any. */
	/** A hello with `resume` is out: a `not_found` now means the chat is gone. */
	private resuming = false;
	/** The visitor's current page for the agent, only while tracking is consented. */
	private readonly pages = new PageShare( ( f ) => this.conn?.send( f ) );

	constructor(
		root: HTMLElement,
		private readonly config: FrontendConfig,
		private readonly launcher: HTMLButtonElement | null
	) {
		this.s = config.strings;
		this.inline = launcher === null;
		this.session = loadSession() ?? ( config.standalone?.resume ? { ...config.standalone.resume } : null );
		const shell = windowShell( config, this.inline, { close: () => this.close(), reconnect: () => this.reconnect() } );
		this.dialog = shell.dialog;
		this.body = shell.body;
		this.setStatus = shell.setStatus;
		this.privacy = new PrivacyFlyout( this.dialog, config.privacy, this.s );
		windowKeys( this.dialog, {
			trap: ! this.inline,
			escape: () => {
				if ( this.privacy.isOpen ) this.privacy.close();
				else if ( ! this.inline ) this.close();
			},
		} );
		root.append( this.dialog );
		if ( this.session ) this.showChat();
		else if ( config.home ) this.showHome();
		else this.showStart();
	}

	open(): void {
		this.dialog.hidden = false;
		this.launcher?.setAttribute( 'aria-expanded', 'true' );
		if ( this.session && ! this.conn ) this.connect();
		if ( ! this.session && ! this.chat ) this.checkAvailability();
		( this.body.querySelector< HTMLElement >( 'input, textarea, select, button' ) ?? this.dialog.querySelector< HTMLElement >( 'button' ) )?.focus();
	}

	/** Closing the window closes the connection (data minimisation); a running chat "sleeps" and resumes on reopen. */
	close(): void {
		this.privacy.close();
		this.conn?.close();
		this.conn = null;
		if ( this.inline ) {
			tellAppClosed( this.dialog );
			this.setStatus( '', true );
			return;
		}
		this.dialog.hidden = true;
		this.launcher?.setAttribute( 'aria-expanded', 'false' );
		this.launcher?.focus();
	}

	/* -------------------------------------------------------------- */
	/* Views                                                           */
	/* -------------------------------------------------------------- */

	private show( view: HTMLElement, focus?: HTMLElement | null ): void {
		this.privacy.close();
		this.body.replaceChildren( view );
		if ( ! this.dialog.hidden ) focus?.focus();
	}

	private showHome(): void {
		this.setStatus( '' );
		this.show( homeView( this.config, ( text ) => this.showStart( text ) ) );
	}

	/** The start window, or the contact form once it is known that nobody is there. */
	private showStart( prefill = '' ): void {
		this.chat = null;
		this.info = null;
		this.setStatus( '' );
		const { form, focus } = startView( this.config, this.privacy, ( req ) => this.start( req ), prefill );
		this.show( form, focus );
		this.whenAvailable( form );
	}

	/**
	 * Once it is known who answers: the contact form instead of this start
	 * window when nobody is there (and no assistant), or the honest notice
	 * that an automatic assistant answers first.
	 */
	private whenAvailable( startWindow: HTMLElement ): void {
		void this.availability?.then( ( a ) => {
			if ( ! startWindow.isConnected ) return;
			if ( contactInstead( a ) ) this.showContact();
			else if ( a.assistant && ! startWindow.querySelector( '.cc-assistant-notice' ) ) {
				startWindow.prepend( h( 'p', { className: 'cc-notice cc-assistant-notice' }, this.s.assistantIntro ) );
			}
			// The site's own bot would answer: the start window names the service that gets the messages.
			if ( a.bot && ! contactInstead( a ) ) showBotNotice( startWindow, this.s, a.bot );
		} );
	}

	private showContact(): void {
		const { view, focus } = contactView( this.config, this.privacy, () => visitorTicket( this.config ) );
		this.show( view, focus );
	}

	private checkAvailability(): void {
		if ( this.availability ) return;
		this.availability = checkAvailability( this.config );
		const startWindow = this.body.querySelector< HTMLElement >( '.cc-start' );
		if ( startWindow ) this.whenAvailable( startWindow );
	}

	private showChat(): ChatView {
		const chat = new ChatView( this.config, this.privacy, {
			send: ( text ) => this.sendMessage( text ),
			typing: ( typing ) => this.info && this.conn?.send( { type: 'typing', chatId: this.info.id, typing } ),
			end: () => this.endChat(),
			forget: () => this.forget(),
			handover: () => this.info && this.conn?.send( { type: 'handover', chatId: this.info.id } ),
			submit: ( dialog, fields ) => this.submitDialog( dialog, fields ),
			contactForm: ( offer, history ) => contactView( this.config, this.privacy, () => visitorTicket( this.config ), contactPrefill( this.config.contact, offer, history ) ),
			newChat: () => {
				// A fresh availability check: agents may have come or gone meanwhile.
				this.availability = null;
				this.checkAvailability();
				this.showStart();
			},
		} );
		this.chat = chat;
		this.show( chat.element, chat.input );
		return chat;
	}

	/* -------------------------------------------------------------- */
	/* Chat                                                            */
	/* -------------------------------------------------------------- */

	private start( req: StartRequest ): void {
		const clientId = newClientId();
		const chat = this.showChat();
		if ( req.text ) chat.addPending( clientId, req.text );
		this.setStatus( this.s.connecting );
		this.connect();
		this.conn!.send( startFrame( this.config, clientId, req ) );
	}

	/** A completed dialog: its answers leave the browser now, in one `submit`. */
	private submitDialog( dialog: string, fields: FieldValues ): void {
		if ( ! this.info || ! this.chat ) return;
		const clientId = newClientId();
		this.chat.addPending( clientId, Object.values( fields ).filter( Boolean ).join( ' · ' ) );
		this.conn?.send( { type: 'submit', chatId: this.info.id, clientId, dialog, fields } );
	}

	private sendMessage( text: string ): void {
		if ( ! this.info || ! this.chat ) return;
		const clientId = newClientId();
		this.chat.addPending( clientId, text );
		this.conn?.send( { type: 'send', chatId: this.info.id, clientId, text } );
	}

	private endChat(): void {
		if ( this.info && this.conn && ! this.chat?.ended ) this.conn.send( { type: 'end', chatId: this.info.id } );
		else this.finish();
	}

	/** End this chat, delete its history, and go on in a new chat that stores nothing. */
	private forget(): void {
		if ( ! this.info || ! this.conn ) return;
		this.restarting = true;
		this.conn.send( { type: 'restart', chatId: this.info.id, clientId: newClientId() } );
	}

	private reconnect(): void {
		if ( this.session ) {
			this.conn?.close();
			this.conn = null;
			this.connect();
		}
	}

	private connect(): void {
		this.conn = new ChatConnection( {
			ticket: () => visitorTicket( this.config ),
			resume: () => {
				this.resuming = this.session !== null;
				return this.session ? { chatId: this.session.chatId, code: this.session.code, lastSeq: this.chat?.lastSeq ?? 0 } : undefined;
			},
			onFrame: ( f ) => this.onFrame( f ),
			onState: ( state, detail ) => this.onState( state, detail?.code ),
		} );
		this.conn.open();
	}

	private onFrame( f: ServerFrame ): void {
		switch ( f.type ) {
			case 'started': {
				const fresh = this.restarting;
				this.restarting = false;
				this.session = { chatId: f.chat.id, code: f.code };
				saveSession( this.session );
				if ( fresh ) this.showChat().notice( this.s.forgotten );
				this.applyChat( f.chat );
				break;
			}
			case 'welcome':
				this.resuming = false;
				if ( f.chats[ 0 ] ) this.applyChat( f.chats[ 0 ] );
				break;
			case 'chat':
				this.applyChat( f.chat );
				break;
			case 'message':
				if ( this.restarting || f.chatId !== this.info?.id ) return;
				this.chat?.addMessage( f );
				if ( f.event === 'ended' || f.event === 'timeout' ) this.finish();
				break;
			case 'position':
				this.setStatus( this.s.position.replace( '%d', String( f.position ) ) );
				break;
			case 'typing':
				if ( f.from === 'agent' ) this.chat?.setTyping( f.typing ? this.info?.agentName || this.s.agent : null );
				break;
			case 'error':
				if ( f.code === 'not_found' && this.resuming ) {
					this.resuming = false;
					// The chat we tried to resume is gone (deleted, or another tab ended it): start afresh.
					this.finish();
					this.showStart();
				} else if ( ! this.chat?.ended ) {
					this.setStatus( f.code === 'too_large' ? this.s.tooLong : this.s.error );
				}
				break;
		}
	}

	private onState( state: ConnectionState, code?: number ): void {
		if ( state === 'connecting' ) this.setStatus( this.s.connecting );
		else if ( state === 'reconnecting' ) this.setStatus( this.s.reconnecting );
		else if ( state === 'open' ) this.setStatus( this.info ? statusText( this.info, this.s ) : '' );
		else if ( state === 'closed' && code !== undefined && code !== CLOSE.normal && this.session ) {
			// Refused for good (another tab took the chat over, or the origin is not allowed): say so, offer a retry.
			this.setStatus( this.s.failed, true );
		}
	}

	private applyChat( chat: ChatInfo ): void {
		if ( this.restarting ) return;
		if ( this.session && chat.id !== this.session.chatId ) return;
		this.info = chat;
		if ( this.session ) this.chat?.setChat( this.session.code, chat.mode );
		this.chat?.setAssistant( chat.status === 'assistant' );
		if ( chat.status === 'closed' ) {
			this.finish();
			return;
		}
		if ( this.conn && chat.page === undefined ) this.pages.running( chat.id );
		this.setStatus( statusText( chat, this.s ) );
	}

	/** The chat is over: forget it in this tab and offer a new one. */
	private finish(): void {
		this.pages.stopped();
		clearSession();
		this.session = null;
		this.conn?.close();
		this.conn = null;
		this.setStatus( this.s.ended );
		this.chat?.finish();
	}
}
