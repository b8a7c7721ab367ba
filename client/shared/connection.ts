/**
 * The browser side of the protocol, shared by the visitor widget and the
 * agent console: one WebSocket that authenticates with a fresh token,
 * resends what the service has not acknowledged, and reconnects with
 * back-off (resuming where it left off) unless the service refused it. For
 * agents it also renews the token on the open connection before it expires.
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
	/** When the token expires (Unix seconds), as WordPress's token routes say. */
	expires?: number;
}

/**
 * Thrown by a `ticket()` whose site said no for good (the user may no
 * longer do this: an agent whose role was removed, a user logged out). The
 * connection then stops instead of retrying.
 */
export class TicketRefused extends Error {}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** With `closed`: the service's close code, or `refused` when the site gave no ticket (TicketRefused). */
export interface StateDetail {
	code?: number;
	refused?: boolean;
}

export interface ConnectionOptions {
	ticket: () => Promise< Ticket >;
	onFrame: ( frame: ServerFrame ) => void;
	onState?: ( state: ConnectionState, detail?: StateDetail ) => void;
	/** Asked at every (re)connect, so a visitor picks up its chat. */
	resume?: () => HelloFrame[ 'resume' ];
	/** Runs after each welcome, e.g. to sync each open chat. */
	onWelcome?: ( frame: Extract< ServerFrame, { type: 'welcome' } > ) => void;
	/**
	 * Agents: fetch a fresh ticket before the token expires and hand it to
	 * the open connection (`renew`); the service closes an agent connection
	 * whose token ran out.
	 */
	renew?: boolean;
}

/** Close codes after which reconnecting would only be refused again. */
const FINAL_CLOSES = new Set< number >( [ CLOSE.badOrigin, CLOSE.replaced, CLOSE.normal ] );
const MAX_BACKOFF_MS = 15_000;
/** A renewal starts this long before the token expires (or at half its life, if shorter). */
const RENEW_AHEAD_MS = 60_000;
/** A renewal that failed (not refused) is tried again after this long, while the token lasts. */
const RENEW_RETRY_MS = 5_000;

type SendFrame = Extract< ClientFrame, { type: 'send' } >;

export class ChatConnection {
	private ws: WebSocket | null = null;
	private state: ConnectionState = 'closed';
	private wanted = false;
	private attempts = 0;
	private timer: ReturnType< typeof setTimeout > | null = null;
	private renewTimer: ReturnType< typeof setTimeout > | null = null;
	/** The ticket of the current socket. */
	private ticket: Ticket | null = null;
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
		this.stopRenewing();
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
		} catch ( e ) {
			if ( e instanceof TicketRefused ) this.refused();
			else this.retry();
			return;
		}
		if ( ! this.wanted ) return;
		const ws = new WebSocket( ticket.service );
		this.ws = ws;
		this.ticket = ticket;
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
			this.stopRenewing();
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
		if ( this.opts.renew && this.ticket?.expires ) this.scheduleRenewal( ws, this.ticket.expires * 1000 );
		this.opts.onWelcome?.( frame );
		const queued = this.outbox;
		this.outbox = [];
		for ( const f of queued ) ws.send( JSON.stringify( f ) );
		for ( const f of this.unacked.values() ) ws.send( JSON.stringify( f ) );
	}

	private scheduleRenewal( ws: WebSocket, expiresAt: number, retry = false ): void {
		const left = expiresAt - Date.now();
		const delay = retry ? RENEW_RETRY_MS : Math.max( 0, left - Math.min( RENEW_AHEAD_MS, left / 2 ) );
		if ( this.renewTimer ) clearTimeout( this.renewTimer );
		// Past the token's end the service closes the socket, and the reconnect fetches a fresh one.
		if ( delay >= left ) return;
		this.renewTimer = setTimeout( () => void this.renew( ws, expiresAt ), delay );
	}

	private async renew( ws: WebSocket, expiresAt: number ): Promise< void > {
		this.renewTimer = null;
		let ticket: Ticket;
		try {
			ticket = await this.opts.ticket();
		} catch ( e ) {
			if ( this.ws !== ws ) return;
			if ( e instanceof TicketRefused ) {
				// No longer allowed: end now rather than when the token runs out.
				this.ws = null;
				ws.close( CLOSE.normal );
				this.refused();
			} else {
				this.scheduleRenewal( ws, expiresAt, true );
			}
			return;
		}
		if ( this.ws !== ws || this.state !== 'open' ) return;
		this.ticket = ticket;
		const frame: ClientFrame = { type: 'renew', token: ticket.token };
		ws.send( JSON.stringify( frame ) );
		if ( ticket.expires ) this.scheduleRenewal( ws, ticket.expires * 1000 );
	}

	private stopRenewing(): void {
		if ( this.renewTimer ) clearTimeout( this.renewTimer );
		this.renewTimer = null;
	}

	/** The site gave no ticket: stop for good. */
	private refused(): void {
		this.wanted = false;
		this.stopRenewing();
		this.setState( 'closed', { refused: true } );
	}

	private retry(): void {
		if ( ! this.wanted ) return;
		this.setState( 'reconnecting' );
		const delay = Math.min( MAX_BACKOFF_MS, 500 * 2 ** this.attempts ) * ( 0.75 + Math.random() / 2 );
		this.attempts++;
		this.timer = setTimeout( () => void this.connect(), delay );
	}

	private setState( state: ConnectionState, detail?: StateDetail ): void {
		if ( this.state === state && ! detail ) return;
		this.state = state;
		this.opts.onState?.( state, detail );
	}
}

/** Unique enough for de-duplication within one chat. */
export function newClientId(): string {
	return Math.random().toString( 36 ).slice( 2, 10 ) + Date.now().toString( 36 );
}
