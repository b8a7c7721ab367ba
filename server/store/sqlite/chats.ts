/**
 * The `chats` table and its status history (`chat_events`): rows to records
 * and back. Writes here run inside the store's batches; reads outside them.
 */
import type Database from 'better-sqlite3';
import type { ChatStatus } from '../../protocol';
import { NoSuchChatError } from '../errors';
import { checkAssignment, type AssignOutcome, type Assignment, type ChatChanges, type ChatRecord } from '../types';

export interface ChatRow {
	id: string;
	site: string;
	code_hash: string;
	mode: ChatRecord[ 'mode' ];
	dept: string | null;
	status: ChatStatus;
	created_at: number;
	closed_at: number | null;
	keep: number;
	visitor_sub: string;
	visitor_name: string | null;
	agent_sub: string | null;
	agent_name: string | null;
	from_ref: string | null;
	consent_version: string | null;
}

export const toRecord = ( r: ChatRow ): ChatRecord => ( {
	id: r.id,
	site: r.site,
	codeHash: r.code_hash,
	mode: r.mode,
	dept: r.dept,
	status: r.status,
	createdAt: r.created_at,
	closedAt: r.closed_at,
	keep: r.keep === 1,
	visitorSub: r.visitor_sub,
	visitorName: r.visitor_name,
	agentSub: r.agent_sub,
	agentName: r.agent_name,
	from: r.from_ref,
	consentVersion: r.consent_version,
} );

/** Closed, not kept, and closed before the cutoff: what retention deletes. */
const EXPIRED = "site = ? AND status = 'closed' AND keep = 0 AND closed_at < ?";

export class ChatTable {
	private readonly stmt;

	constructor( db: Database.Database ) {
		this.stmt = {
			insert: db.prepare(
				`INSERT INTO chats (id, site, code_hash, mode, dept, status, created_at, closed_at, keep,
					visitor_sub, visitor_name, agent_sub, agent_name, from_ref, consent_version)
				 VALUES (@id, @site, @codeHash, @mode, @dept, @status, @createdAt, @closedAt, @keep,
					@visitorSub, @visitorName, @agentSub, @agentName, @from, @consentVersion)`
			),
			event: db.prepare( 'INSERT INTO chat_events (chat_id, status, at) VALUES (?, ?, ?)' ),
			setStatus: db.prepare(
				'UPDATE chats SET status = ?, closed_at = CASE WHEN ? = \'closed\' THEN ? ELSE closed_at END WHERE id = ?'
			),
			setAgent: db.prepare( 'UPDATE chats SET agent_sub = ?, agent_name = ? WHERE id = ?' ),
			setDept: db.prepare( 'UPDATE chats SET dept = ? WHERE id = ?' ),
			setKeep: db.prepare( 'UPDATE chats SET keep = ? WHERE id = ?' ),
			where: db.prepare( 'SELECT rid, site, status, agent_sub FROM chats WHERE id = ?' ),
			held: db.prepare( "SELECT COUNT(*) FROM chats WHERE site = ? AND agent_sub = ? AND status != 'closed' AND rid != ?" ).pluck(),
			rid: db.prepare( 'SELECT rid FROM chats WHERE id = ?' ).pluck(),
			get: db.prepare( 'SELECT * FROM chats WHERE id = ?' ),
			byCode: db.prepare( 'SELECT * FROM chats WHERE site = ? AND code_hash = ?' ),
			open: db.prepare( "SELECT * FROM chats WHERE status != 'closed' ORDER BY created_at" ),
			history: db.prepare( 'SELECT status, at FROM chat_events WHERE chat_id = ? ORDER BY rowid' ),
			lastChatEnd: db.prepare( 'SELECT COALESCE(MAX(closed_at), 0) FROM chats WHERE site = ? AND agent_sub = ?' ).pluck(),
			delete: db.prepare( 'DELETE FROM chats WHERE rid = ?' ),
			expiredRids: db.prepare( `SELECT rid FROM chats WHERE ${ EXPIRED }` ).pluck(),
			deleteExpired: db.prepare( `DELETE FROM chats WHERE ${ EXPIRED }` ),
		};
	}

	/** Inserts the chat and its first status; returns its rid. */
	insert( chat: ChatRecord ): number {
		const { lastInsertRowid } = this.stmt.insert.run( { ...chat, keep: chat.keep ? 1 : 0 } );
		this.stmt.event.run( chat.id, chat.status, chat.createdAt );
		return Number( lastInsertRowid );
	}

	/** The status change and its history entry (whose foreign key refuses a chat that is not there). */
	setStatus( chatId: string, status: ChatStatus, at: number, changes: ChatChanges ): void {
		this.stmt.setStatus.run( status, status, at, chatId );
		this.stmt.event.run( chatId, status, at );
		if ( changes.agent !== undefined ) this.stmt.setAgent.run( changes.agent?.sub ?? null, changes.agent?.name ?? null, chatId );
		if ( changes.dept !== undefined ) this.stmt.setDept.run( changes.dept, chatId );
	}

	/**
	 * The compare-and-set of ChatStore.assign. Atomic as it stands: it runs
	 * inside the batch's transaction, and SQLite has one writer.
	 */
	assign( chatId: string, a: Assignment ): AssignOutcome {
		checkAssignment( a );
		const chat = this.stmt.where.get( chatId ) as Pick< ChatRow, 'site' | 'status' | 'agent_sub' > & { rid: number } | undefined;
		if ( ! chat ) throw new NoSuchChatError( 'assignment' );
		const where = a.from === undefined
			? chat.status === 'waiting'
			: ( chat.status === 'active' || chat.status === 'away' ) && chat.agent_sub === a.from;
		if ( ! where ) return 'taken';
		if ( ( this.stmt.held.get( chat.site, a.agent.sub, chat.rid ) as number ) >= a.maxChats ) return 'limit';
		this.setStatus( chatId, a.status, a.at, { agent: a.agent } );
		return 'assigned';
	}

	setKeep( chatId: string, keep: boolean ): void {
		this.stmt.setKeep.run( keep ? 1 : 0, chatId );
	}

	ridOf( chatId: string ): number | undefined {
		return this.stmt.rid.get( chatId ) as number | undefined;
	}

	get( chatId: string ): ChatRecord | undefined {
		const row = this.stmt.get.get( chatId ) as ChatRow | undefined;
		return row ? toRecord( row ) : undefined;
	}

	byCode( site: string, codeHash: string ): ChatRecord | undefined {
		const row = this.stmt.byCode.get( site, codeHash ) as ChatRow | undefined;
		return row ? toRecord( row ) : undefined;
	}

	open(): ChatRecord[] {
		return ( this.stmt.open.all() as ChatRow[] ).map( toRecord );
	}

	history( chatId: string ): Array< { status: ChatStatus; at: number } > {
		return this.stmt.history.all( chatId ) as Array< { status: ChatStatus; at: number } >;
	}

	lastChatEnd( site: string, agentSub: string ): number {
		return this.stmt.lastChatEnd.get( site, agentSub ) as number;
	}

	/** Deletes the chat row, and its status history with it (foreign key). Its messages are the caller's. */
	delete( rid: number ): void {
		this.stmt.delete.run( rid );
	}

	/** The rids retention would delete now (the same condition as deleteExpired, in one transaction). */
	expiredRids( site: string, cutoff: number ): number[] {
		return this.stmt.expiredRids.all( site, cutoff ) as number[];
	}

	deleteExpired( site: string, cutoff: number ): number {
		return this.stmt.deleteExpired.run( site, cutoff ).changes;
	}
}
