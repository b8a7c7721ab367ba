/**
 * The browser side of the protocol, shared by the visitor widget and the
 * agent console: one WebSocket that authenticates with a fresh token,
 * resends what the service has not acknowledged, and reconnects with
 * back-off (resuming where it left off) unless the service refused it.
 */
import {
	CLOSE,
	parseServerFrame,
	type ClientFrame,
	type HelloFrame,
	type ServerFrame,
} from '../../server/protocol';

export interface Ticket {
	/** Signed by WordPress; short-lived. */
	token: string;
	/** ws(s)://…/ws of the chat service. */
	service: string;
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ConnectionOptions {
	ticket: () => Promise< Ticket >;
	onFrame: ( frame: ServerFrame ) => void;
	onState?: ( state: ConnectionState, detail?: { code?: number } ) => void;
	/** Asked at every (re)connect, so a visitor picks up its chat. */
	resume?: () => HelloFrame[ 'resume' ];
	/** Runs after each welcome, e.g. to sync each open chat. */
	onWelcome?: ( frame: Extract< ServerFrame, { type: 'welcome' } > ) => void;
}

/** Close codes after which reconnecting would only be refused again. */
const FINAL_CLOSES = new Set< number >( [ CLOSE.badOrigin, CLOSE.replaced, CLOSE.normal ] );
const MAX_BACKOFF_MS = 15_000;

type SendFrame = Extract< ClientFrame, { type: 'send' } >;

export class ChatConnection {
	private ws: WebSocket | null = null;
	private state: ConnectionState = 'closed';
	private wanted = false;
	private attempts = 0;
	private timer: ReturnType< typeof setTimeout > | null = null;
	/** Sent but not yet acknowledged: resent after a reconnect (the service de-duplicates). */
	private readonly unacked = new Map< string, SendFrame >();
	/** Frames sent while not connected, in order. */
	private outbox: ClientFrame[] = [];

	constructor( private readonly opts: ConnectionOptions ) {}

	get connectionState(): ConnectionState {
		return this.state;
	}

	open(): void {
		this.wanted = true;
		if ( this.ws ) return;
		void this.connect();
	}

	/** Intentional close: no reconnect. */
	close(): void {
		this.wanted = false;
		if ( this.timer ) clearTimeout( this.timer );
		this.ws?.close( CLOSE.normal );
		this.ws = null;
		this.setState( 'closed' );
	}

	send( frame: ClientFrame ): void {
		if ( frame.type === 'send' ) this.unacked.set( frame.clientId, frame );
		if ( this.state === 'open' && this.ws ) {
			this.ws.send( JSON.stringify( frame ) );
		} else if ( frame.type !== 'send' ) {
			// `send` frames wait in `unacked`; everything else keeps its order here.
			this.outbox.push( frame );
		}
	}

	pendingCount(): number {
		return this.unacked.size;
	}

	private async connect(): Promise< void > {
		this.setState( this.attempts === 0 ? 'connecting' : 'reconnecting' );
		let ticket: Ticket;
		try {
			ticket = await this.opts.ticket();
		} catch {
			this.retry();
			return;
		}
		if ( ! this.wanted ) return;
		const ws = new WebSocket( ticket.service );
		this.ws = ws;
		ws.onopen = () => {
			const hello: HelloFrame = { type: 'hello', token: ticket.token };
			const resume = this.opts.resume?.();
			if ( resume ) hello.resume = resume;
			ws.send( JSON.stringify( hello ) );
		};
		ws.onmessage = ( ev ) => {
			const frame = parseServerFrame( String( ev.data ) );
			if ( ! frame ) return;
			if ( frame.type === 'welcome' ) this.onWelcome( ws, frame );
			// A message's own copy (with its clientId) acknowledges it; `ack` answers a resend.
			if ( frame.type === 'ack' ) this.unacked.delete( frame.clientId );
			else if ( frame.type === 'message' && frame.clientId ) this.unacked.delete( frame.clientId );
			this.opts.onFrame( frame );
		};
		ws.onclose = ( ev ) => {
			if ( this.ws !== ws ) return;
			this.ws = null;
			if ( ! this.wanted || FINAL_CLOSES.has( ev.code ) ) {
				this.wanted = false;
				this.setState( 'closed', { code: ev.code } );
				return;
			}
			this.retry();
		};
	}

	private onWelcome( ws: WebSocket, frame: Extract< ServerFrame, { type: 'welcome' } > ): void {
		this.attempts = 0;
		this.setState( 'open' );
		this.opts.onWelcome?.( frame );
		const queued = this.outbox;
		this.outbox = [];
		for ( const f of queued ) ws.send( JSON.stringify( f ) );
		for ( const f of this.unacked.values() ) ws.send( JSON.stringify( f ) );
	}

	private retry(): void {
		if ( ! this.wanted ) return;
		this.setState( 'reconnecting' );
		const delay = Math.min( MAX_BACKOFF_MS, 500 * 2 ** this.attempts ) * ( 0.75 + Math.random() / 2 );
		this.attempts++;
		this.timer = setTimeout( () => void this.connect(), delay );
	}

	private setState( state: ConnectionState, detail?: { code?: number } ): void {
		if ( this.state === state && ! detail ) return;
		this.state = state;
		this.opts.onState?.( state, detail );
	}
}

/** Unique enough for de-duplication within one chat. */
export function newClientId(): string {
	return Math.random().toString( 36 ).slice( 2, 10 ) + Date.now().toString( 36 );
}
