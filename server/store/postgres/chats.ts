/**
 * The `chats` table and its status history (`chat_events`) on PostgreSQL.
 * Writes run inside the batch's transaction (one statement each); reads on
 * the pool. Rows come back as ChatRecords directly: the columns are named
 * after the record's fields in the SELECT, so there is no mapping to keep.
 */
import type pg from 'pg';
import type { ChatStatus } from '../../protocol';
import { NoSuchChatError } from '../errors';
import { checkAssignment, type AssignOutcome, type Assignment, type ChatChanges, type ChatRecord } from '../types';
import type { ReadPool } from './connection';

/** A ChatRecord's fields, from `chats` (as c). */
export const RECORD = `c.id, c.site, c.code_hash AS "codeHash", c.mode, c.dept, c.status,
	c.created_at AS "createdAt", c.closed_at AS "closedAt", c.keep, c.visitor_sub AS "visitorSub",
	c.visitor_name AS "visitorName", c.agent_sub AS "agentSub", c.agent_name AS "agentName",
	c.from_ref AS "from", c.consent_version AS "consentVersion"`;

/** The chat and its first status, in one statement. */
const INSERT = `WITH c AS (
		INSERT INTO chats (id, site, code_hash, mode, dept, status, created_at, closed_at, keep,
			visitor_sub, visitor_name, agent_sub, agent_name, from_ref, consent_version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		RETURNING rid
	)
	INSERT INTO chat_events (chat, status, at) SELECT rid, $6, $7 FROM c`;

/** The status (and closing time), the agent and department if asked ($4, $7), and the history entry: no row, no chat. */
const SET_STATUS = `WITH c AS (
		UPDATE chats SET status = $2,
			closed_at = CASE WHEN $2 = 'closed' THEN $3 ELSE closed_at END,
			agent_sub = CASE WHEN $4 THEN $5 ELSE agent_sub END,
			agent_name = CASE WHEN $4 THEN $6 ELSE agent_name END,
			dept = CASE WHEN $7 THEN $8 ELSE dept END
		WHERE id = $1
		RETURNING rid
	)
	INSERT INTO chat_events (chat, status, at) SELECT rid, $2, $3 FROM c`;

/**
 * ChatStore.assign's compare-and-set in one statement: where the chat is
 * ($5: the agent it must be held by, null: it must be waiting), how many
 * open chats of its site the agent ($2) holds besides it, the outcome, and
 * only for 'assigned' the change and its history entry. Every part reads
 * the statement's one snapshot, taken after the batch locked the chat's
 * row and the agent (batch.ts, locks.ts), so nothing it read can change
 * before the commit. No row: no such chat.
 */
const ASSIGN = `WITH c AS (
		SELECT rid, site, CASE WHEN $5::text IS NULL THEN status = 'waiting'
			ELSE status IN ('active', 'away') AND agent_sub = $5 END AS there
		FROM chats WHERE id = $1
	), held AS (
		SELECT count(*) AS n FROM chats o, c
		WHERE o.site = c.site AND o.agent_sub = $2 AND o.status <> 'closed' AND o.rid <> c.rid
	), outcome AS (
		SELECT c.rid, CASE WHEN NOT c.there THEN 'taken' WHEN held.n >= $4 THEN 'limit' ELSE 'assigned' END AS outcome
		FROM c, held
	), changed AS (
		UPDATE chats SET status = $6, agent_sub = $2, agent_name = $3
		FROM outcome WHERE chats.rid = outcome.rid AND outcome.outcome = 'assigned'
		RETURNING chats.rid
	), event AS (
		INSERT INTO chat_events (chat, status, at) SELECT rid, $6, $7 FROM changed
	)
	SELECT outcome FROM outcome`;

/** Closed, not kept, and closed before the cutoff: what retention deletes. */
const EXPIRED = "site = $1 AND status = 'closed' AND NOT keep AND closed_at < $2";

export class ChatTable {
	constructor( private readonly reads: ReadPool ) {}

	async insert( db: pg.ClientBase, c: ChatRecord ): Promise< void > {
		await db.query( INSERT, [
			c.id, c.site, c.codeHash, c.mode, c.dept, c.status, c.createdAt, c.closedAt, c.keep,
			c.visitorSub, c.visitorName, c.agentSub, c.agentName, c.from, c.consentVersion,
		] );
	}

	async setStatus( db: pg.ClientBase, chatId: string, status: ChatStatus, at: number, changes: ChatChanges ): Promise< void > {
		const { rowCount } = await db.query( SET_STATUS, [
			chatId, status, at,
			changes.agent !== undefined, changes.agent?.sub ?? null, changes.agent?.name ?? null,
			changes.dept !== undefined, changes.dept ?? null,
		] );
		if ( rowCount === 0 ) throw new NoSuchChatError( 'status change' );
	}

	/** Inside the batch, after it took the chat's row lock and the agent's lock (batch.ts). */
	async assign( db: pg.ClientBase, chatId: string, a: Assignment ): Promise< AssignOutcome > {
		checkAssignment( a );
		const { rows } = await db.query< { outcome: AssignOutcome } >( ASSIGN, [
			chatId, a.agent.sub, a.agent.name, a.maxChats, a.from ?? null, a.status, a.at,
		] );
		if ( rows.length === 0 ) throw new NoSuchChatError( 'assignment' );
		return rows[ 0 ].outcome;
	}

	async setKeep( db: pg.ClientBase, chatId: string, keep: boolean ): Promise< void > {
		await db.query( 'UPDATE chats SET keep = $2 WHERE id = $1', [ chatId, keep ] );
	}

	/** Deletes the chat, and its messages and history with it (foreign keys); true if there was one. */
	async delete( db: pg.ClientBase, chatId: string ): Promise< boolean > {
		const { rowCount } = await db.query( 'DELETE FROM chats WHERE id = $1', [ chatId ] );
		return ( rowCount ?? 0 ) > 0;
	}

	async deleteExpired( db: pg.ClientBase, site: string, cutoff: number ): Promise< number > {
		const { rowCount } = await db.query( `DELETE FROM chats WHERE ${ EXPIRED }`, [ site, cutoff ] );
		return rowCount ?? 0;
	}

	async get( chatId: string ): Promise< ChatRecord | undefined > {
		return ( await this.reads.rows< ChatRecord >( `SELECT ${ RECORD } FROM chats c WHERE c.id = $1`, [ chatId ] ) )[ 0 ];
	}

	async byCode( site: string, codeHash: string ): Promise< ChatRecord | undefined > {
		return ( await this.reads.rows< ChatRecord >( `SELECT ${ RECORD } FROM chats c WHERE c.site = $1 AND c.code_hash = $2`, [ site, codeHash ] ) )[ 0 ];
	}

	open(): Promise< ChatRecord[] > {
		return this.reads.rows< ChatRecord >( `SELECT ${ RECORD } FROM chats c WHERE c.status <> 'closed' ORDER BY c.created_at, c.rid` );
	}

	history( chatId: string ): Promise< Array< { status: ChatStatus; at: number } > > {
		return this.reads.rows( 'SELECT e.status, e.at FROM chat_events e JOIN chats c ON c.rid = e.chat WHERE c.id = $1 ORDER BY e.id', [ chatId ] );
	}

	/** When the agent's last chat on this site ended (0: never): from the data, so any node answers the same. */
	async lastChatEnd( site: string, agentSub: string ): Promise< number > {
		const rows = await this.reads.rows< { at: number } >( 'SELECT COALESCE(MAX(closed_at), 0) AS at FROM chats WHERE site = $1 AND agent_sub = $2', [ site, agentSub ] );
		return rows[ 0 ].at;
	}
}
