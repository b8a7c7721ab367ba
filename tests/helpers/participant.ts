/**
 * A chat participant that behaves like the real clients across failures
 * (client/shared/connection.ts and the console): when its connection
 * closes it reconnects through the load balancer, a visitor resuming its
 * chat with the last number it holds, an agent syncing from there, and
 * both resending what was never acknowledged, with the same clientId. It
 * records every message by number, so a test can check that nothing
 * acknowledged was lost, nothing doubled and the order held.
 */
import type { ChatMessage, ServerFrame } from '../../server/protocol';
import type { Cluster, ClusterNode } from './cluster';
import type { TestClient } from './ws-client';

/** A client's pause before it tries again (the real clients back off from 500 ms). */
const RETRY_MS = 200;
/** After 'rate_limited': long enough for the frame budget to refill by ten. */
const RATE_RETRY_MS = 1000;

export class Participant {
	/** Every message received, by number (a number seen twice must carry the same message). */
	readonly bySeq = new Map< number, ChatMessage >();
	/** clientId → the number the service acknowledged it with. */
	readonly acked = new Map< string, number >();
	readonly reconnects: number[] = [];
	/** Numbers given to two different messages: must stay empty. */
	readonly conflicts: string[] = [];
	/** Error frames received, as `code: message`. */
	readonly errors: string[] = [];
	chatId: string | null = null;
	code: string | null = null;
	client: TestClient | null = null;
	private readonly pending = new Map< string, string >();
	private readonly watchers = new Set< () => void >();
	private stopped = false;
	private retryTimer: NodeJS.Timeout | null = null;

	constructor(
		private readonly cluster: Cluster,
		readonly role: 'visitor' | 'agent',
		readonly sub: string
	) {}

	/** Connects (to `to` the first time; through the load balancer after that), and stays connected until stop(). */
	async attach( to: ClusterNode | 'lb' = 'lb' ): Promise< void > {
		for ( let attempt = 0; ; attempt++ ) {
			if ( this.stopped ) return;
			try {
				const resume = this.role === 'visitor' && this.chatId && this.code ? { chatId: this.chatId, code: this.code, lastSeq: this.held() } : undefined;
				const { client } = await this.cluster.connect( attempt === 0 ? to : 'lb', this.role, this.sub, { resume } );
				this.adopt( client );
				return;
			} catch {
				// Refused for now (between two owners), or the node went while connecting.
				await new Promise( ( r ) => setTimeout( r, RETRY_MS ) );
			}
		}
	}

	/** Sends a message; until acknowledged it is resent after every reconnect. */
	send( clientId: string, text: string ): void {
		this.pending.set( clientId, text );
		this.trySend( clientId, text );
	}

	/** Resolves once `check` holds (checked after every frame). */
	until( check: () => boolean, timeoutMs = 30_000 ): Promise< void > {
		if ( check() ) return Promise.resolve();
		return new Promise( ( resolve, reject ) => {
			const timer = setTimeout( () => {
				this.watchers.delete( watcher );
				reject( new Error( `${ this.role } ${ this.sub }: condition not met within ${ timeoutMs } ms; holds ${ [ ...this.bySeq.keys() ].join( ',' ) }` ) );
			}, timeoutMs );
			const watcher = (): void => {
				if ( ! check() ) return;
				clearTimeout( timer );
				this.watchers.delete( watcher );
				resolve();
			};
			this.watchers.add( watcher );
		} );
	}

	/** The texts received, in number order. */
	texts(): string[] {
		return [ ...this.bySeq.keys() ].sort( ( a, b ) => a - b ).map( ( n ) => this.bySeq.get( n )!.text );
	}

	/** The highest number up to which this participant holds every message. */
	held(): number {
		let n = 0;
		while ( this.bySeq.has( n + 1 ) ) n++;
		return n;
	}

	stop(): void {
		this.stopped = true;
		if ( this.retryTimer ) clearTimeout( this.retryTimer );
		this.client?.close();
	}

	private adopt( client: TestClient ): void {
		this.client = client;
		// What arrived with and right after the welcome, then everything live.
		for ( const f of client.frames.splice( 0 ) ) this.frame( f );
		client.ws.on( 'message', ( data ) => this.frame( JSON.parse( data.toString() ) as ServerFrame ) );
		if ( this.role === 'agent' ) {
			client.send( { type: 'presence', online: true } );
			if ( this.chatId ) client.send( { type: 'sync', chatId: this.chatId, afterSeq: this.held() } );
		}
		for ( const [ clientId, text ] of this.pending ) this.trySend( clientId, text );
		void client.closed.then( ( { code } ) => {
			if ( this.stopped || this.client !== client ) return;
			this.reconnects.push( code );
			void this.attach( 'lb' );
		} );
	}

	private trySend( clientId: string, text: string ): void {
		if ( ! this.chatId || ! this.client || this.client.ws.readyState !== this.client.ws.OPEN ) return;
		this.client.send( { type: 'send', chatId: this.chatId, clientId, text } );
	}

	private frame( f: ServerFrame ): void {
		if ( f.type === 'started' ) {
			this.chatId = f.chat.id;
			this.code = f.code;
		} else if ( f.type === 'chat' && this.role === 'agent' && ! this.chatId && f.chat.status === 'active' ) {
			this.chatId = f.chat.id;
		} else if ( f.type === 'message' ) {
			const before = this.bySeq.get( f.seq );
			if ( before && ( before.text !== f.text || before.clientId !== f.clientId ) ) {
				this.conflicts.push( `number ${ f.seq } given to two messages: ${ JSON.stringify( before ) } and ${ JSON.stringify( f ) }` );
			}
			const { type: _type, ...message } = f;
			this.bySeq.set( f.seq, message );
			if ( f.clientId && f.from === this.role ) this.settle( f.clientId, f.seq );
		} else if ( f.type === 'ack' ) {
			this.settle( f.clientId, f.seq );
		} else if ( f.type === 'error' ) {
			this.errors.push( `${ f.code }: ${ f.message }` );
			// A burst of resends after a reconnect can outrun the frame budget (30, then 10 a second): try the rest again shortly.
			if ( f.code === 'rate_limited' && ! this.retryTimer ) {
				this.retryTimer = setTimeout( () => {
					this.retryTimer = null;
					for ( const [ clientId, text ] of this.pending ) this.trySend( clientId, text );
				}, RATE_RETRY_MS );
			}
		}
		for ( const w of [ ...this.watchers ] ) w();
	}

	private settle( clientId: string, seq: number ): void {
		if ( ! this.pending.delete( clientId ) && ! this.acked.has( clientId ) ) return;
		this.acked.set( clientId, seq );
	}
}
