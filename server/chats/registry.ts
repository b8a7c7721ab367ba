/**
 * The open chats this node holds, and the two ways to find one besides its
 * id: by the visitor's connection and by the agent handling it. Both indexes
 * are derived here from the chat itself and changed only through this class,
 * so they cannot disagree with it: an agent's load is the size of its entry
 * (the chats whose record names it and are not closed), and a visitor's chat
 * is the one whose `visitor` is that connection.
 */
import type { Peer } from '../peer';
import type { ChatRecord } from '../store/types';
import { ChatError, agentKey, type LiveChat } from './live-chat';

/** The fields only this class writes (LiveChat shows them read-only to everyone else). */
type Owned = { record: ChatRecord; visitor: Peer | null };

const holder = ( r: ChatRecord ): string | null => ( r.agentSub && r.status !== 'closed' ? agentKey( r.site, r.agentSub ) : null );

export class ChatRegistry {
	private readonly chats = new Map< string, LiveChat >();
	private readonly byVisitor = new Map< Peer, LiveChat >();
	private readonly byAgent = new Map< string, Set< LiveChat > >();

	/** `onAgentFreed`: an agent's last open chat left its hands (the routing's "idle since" starts). */
	constructor( private readonly onAgentFreed: ( key: string ) => void ) {}

	get( id: string ): LiveChat | undefined {
		return this.chats.get( id );
	}

	all(): IterableIterator< LiveChat > {
		return this.chats.values();
	}

	get size(): number {
		return this.chats.size;
	}

	add( chat: LiveChat ): void {
		this.chats.set( chat.record.id, chat );
		this.index( chat );
		if ( chat.visitor ) this.byVisitor.set( chat.visitor, chat );
	}

	/** The chat is over on this node: out of every index. */
	remove( chat: LiveChat ): void {
		if ( this.chats.get( chat.record.id ) !== chat ) return;
		this.chats.delete( chat.record.id );
		this.unindex( chat, holder( chat.record ) );
		this.attachVisitor( chat, null );
	}

	/** The one way a chat's record changes; the agent index follows it. */
	setRecord( chat: LiveChat, record: ChatRecord ): void {
		if ( ! this.chats.has( chat.record.id ) ) {
			( chat as Owned ).record = record;
			return;
		}
		const before = holder( chat.record );
		( chat as Owned ).record = record;
		if ( holder( record ) === before ) return;
		this.unindex( chat, before );
		this.index( chat );
	}

	/** Makes `peer` the chat's visitor connection (null: none). Returns the connection it replaced. */
	attachVisitor( chat: LiveChat, peer: Peer | null ): Peer | null {
		const before = chat.visitor;
		if ( before === peer ) return null;
		if ( before && this.byVisitor.get( before ) === chat ) this.byVisitor.delete( before );
		( chat as Owned ).visitor = peer;
		if ( peer ) this.byVisitor.set( peer, chat );
		return before;
	}

	/** The open chat this visitor connection is in, if any. */
	chatOfVisitor( peer: Peer ): LiveChat | undefined {
		return this.byVisitor.get( peer );
	}

	/** The open chats the agent handles now. */
	agentChats( key: string ): LiveChat[] {
		return [ ...( this.byAgent.get( key ) ?? [] ) ];
	}

	/** How many open chats the agent handles now: what its parallel-chat limit counts. */
	load( key: string ): number {
		return this.byAgent.get( key )?.size ?? 0;
	}

	/** The site's waiting chats, oldest first (the queue's order). */
	waiting( site: string ): LiveChat[] {
		return [ ...this.chats.values() ]
			.filter( ( c ) => c.record.site === site && c.record.status === 'waiting' )
			.sort( ( a, b ) => a.record.createdAt - b.record.createdAt );
	}

	/** The chat, if this connection takes part in it; the same answer for "absent" and "not yours". */
	participantChat( peer: Peer, chatId: string ): LiveChat {
		const chat = this.chats.get( chatId );
		const { identity } = peer;
		const mine =
			chat !== undefined &&
			chat.record.site === identity.site.id &&
			( identity.role === 'visitor' ? chat.visitor === peer : chat.record.agentSub === identity.subject );
		if ( ! chat || ! mine ) throw new ChatError( 'not_found', 'no such chat on this connection' );
		return chat;
	}

	private index( chat: LiveChat ): void {
		const key = holder( chat.record );
		if ( key === null ) return;
		let set = this.byAgent.get( key );
		if ( ! set ) this.byAgent.set( key, ( set = new Set() ) );
		set.add( chat );
	}

	private unindex( chat: LiveChat, key: string | null ): void {
		const set = key === null ? undefined : this.byAgent.get( key );
		if ( ! key || ! set?.delete( chat ) || set.size > 0 ) return;
		this.byAgent.delete( key );
		this.onAgentFreed( key );
	}
}
