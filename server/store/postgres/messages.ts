/**
 * The numbered messages on PostgreSQL: numbering inside the write, the rows
 * of a run, reads by chat. Writes run inside the batch's transaction
 * (batch.ts); reads on the pool.
 *
 * How a message gets its number: `UPDATE chats SET last_seq = last_seq + n
 * … RETURNING last_seq` raises the chat's counter by the run's count for it,
 * and the messages are inserted with the numbers below the new value, in the
 * same transaction. The UPDATE holds the chat row's lock until the commit,
 * so a batch of another node numbering the same chat waits for it and then
 * raises the committed value (READ COMMITTED re-reads a row it waited for):
 * no two messages get one number, and as the counter commits or rolls back
 * with the rows, no number is skipped. Looked at and not taken: MAX(seq) + 1
 * (two nodes read the same maximum; one batch then fails on the key), a
 * sequence (one per chat is unworkable, a shared one leaves gaps in each
 * chat), an advisory lock per chat (the same wait, and a round trip more).
 *
 * A batch of messages and nothing else (the common one) is written by one
 * statement (ONE_STATEMENT), in a transaction of its own: the chats' rows
 * locked in id order, the numbers raised, the rows inserted, the counters
 * and their mark written (stats.ts), committed when PostgreSQL answers. One
 * round trip instead of eight (BEGIN, the locks, a savepoint, the numbers,
 * the rows, its release, the counters, COMMIT), each of which waits for a
 * busy event loop to read its answer: docs/architecture.md, "The cluster
 * bench", has the figures. If that statement fails (nothing of it is then
 * applied), the batch is written the careful way (batch.ts), where a write
 * that fails fails alone.
 */
import type pg from 'pg';
import type { ChatMessage } from '../../protocol';
import { bodyAfterNumber, decodeMessage, encodeBody } from '../body-codec';
import { NoSuchChatError } from '../errors';
import { Failed } from '../group-commit';
import type { NewMessage } from '../types';
import { alone } from './batch';
import type { ReadPool } from './connection';
import type { StatsCounters } from './stats';

const NUMBER = `UPDATE chats SET last_seq = chats.last_seq + n.count
	FROM unnest($1::text[], $2::int[]) AS n (id, count)
	WHERE chats.id = n.id
	RETURNING chats.id, chats.rid, chats.last_seq`;

const INSERT = 'INSERT INTO messages (chat, seq, body) SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[])';

/**
 * A batch of messages in one statement. $1, $2: each chat and its count of
 * messages; $3–$5: each message's chat, its place among that chat's
 * messages in the batch (1, 2, …) and its body after the number
 * (body-codec.ts). `locked` takes the rows' locks in id order, as batch.ts
 * does for every batch, and the gates hold each later part back until the
 * part before has run whole (a part of a WITH runs when it is read, and in
 * no promised order otherwise): no row changes before every lock is held,
 * and the counters (`more`, from $6) come after the chats. Rows come back
 * for the chats that exist, with the number before the batch's first
 * message in each.
 */
const ONE_STATEMENT = ( more = '' ): string => `WITH locked AS (
		SELECT id FROM chats WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE
	), numbered AS (
		UPDATE chats SET last_seq = chats.last_seq + n.count
		FROM unnest($1::text[], $2::int[]) AS n (id, count)
		WHERE chats.id = n.id AND (SELECT count(*) FROM locked) >= 0
		RETURNING chats.id, chats.rid, chats.last_seq - n.count AS before
	), inserted AS (
		INSERT INTO messages (chat, seq, body)
		SELECT c.rid, c.before + m.k, '{"s":' || (c.before + m.k) || ',' || m.tail
		FROM unnest($3::text[], $4::int[], $5::text[]) AS m (id, k, tail) JOIN numbered c ON c.id = m.id
	)${ more }
	SELECT id, before FROM numbered`;

export class MessageLog {
	constructor( private readonly reads: ReadPool ) {}

	/**
	 * Numbers and writes a run of messages (consecutive in the batch), in one
	 * savepoint: each one's number, or a Failed (no such chat: it takes no
	 * number). If the database refuses the run as a whole, each message is
	 * written again alone, so that only one that fails on its own fails.
	 */
	async writeRun( db: pg.ClientBase, run: NewMessage[] ): Promise< unknown[] > {
		const together = await alone( db, () => this.write( db, run ) );
		if ( ! ( together instanceof Failed ) ) return together as unknown[];
		const out: unknown[] = [];
		for ( const m of run ) {
			const one = await alone( db, () => this.write( db, [ m ] ) );
			out.push( one instanceof Failed ? one : ( one as unknown[] )[ 0 ] );
		}
		return out;
	}

	/**
	 * A batch of messages and nothing else, with the counters, as one
	 * statement that commits on its own (see above): each message's number,
	 * or a Failed (no such chat: it takes no number). Rejects if PostgreSQL
	 * refused the statement; then nothing of it was applied.
	 */
	async writeBatch( db: pg.ClientBase, run: readonly NewMessage[], counters: StatsCounters ): Promise< unknown[] > {
		const counts = new Map< string, number >();
		const places = run.map( ( m ) => {
			const k = ( counts.get( m.chatId ) ?? 0 ) + 1;
			counts.set( m.chatId, k );
			return k;
		} );
		const values: unknown[] = [ [ ...counts.keys() ], [ ...counts.values() ], run.map( ( m ) => m.chatId ), places, run.map( bodyAfterNumber ) ];
		const more = counters.parts( values.length + 1, '(SELECT count(*) FROM numbered) >= 0' );
		if ( more ) values.push( ...more.values );
		const { rows } = await db.query< { id: string; before: number } >( ONE_STATEMENT( more ? `, ${ more.sql }` : '' ), values );
		const before = new Map( rows.map( ( r ) => [ r.id, r.before ] ) );
		return run.map( ( m, i ) => {
			const b = before.get( m.chatId );
			return b === undefined ? new Failed( new NoSuchChatError() ) : b + places[ i ];
		} );
	}

	async messagesAfter( chatId: string, afterSeq: number ): Promise< ChatMessage[] > {
		const rows = await this.reads.rows< { body: string } >(
			'SELECT m.body FROM messages m JOIN chats c ON c.rid = m.chat WHERE c.id = $1 AND m.seq > $2 ORDER BY m.seq',
			[ chatId, afterSeq ]
		);
		return rows.map( ( r ) => decodeMessage( chatId, r.body ) );
	}

	/** chats.last_seq: the highest number given in the chat, which is the highest written. */
	async lastSeq( chatId: string ): Promise< number > {
		const rows = await this.reads.rows< { last_seq: number } >( 'SELECT last_seq FROM chats WHERE id = $1', [ chatId ] );
		return rows[ 0 ]?.last_seq ?? 0;
	}

	/** Two statements whatever the run's length: the numbers of every chat in it, then every row. */
	private async write( db: pg.ClientBase, run: NewMessage[] ): Promise< unknown[] > {
		const counts = new Map< string, number >();
		for ( const m of run ) counts.set( m.chatId, ( counts.get( m.chatId ) ?? 0 ) + 1 );
		const { rows } = await db.query< { id: string; rid: number; last_seq: number } >( NUMBER, [ [ ...counts.keys() ], [ ...counts.values() ] ] );
		// Per chat, the number before the run's first message in it.
		const next = new Map( rows.map( ( r ) => [ r.id, { rid: r.rid, seq: r.last_seq - counts.get( r.id )! } ] ) );
		const out: unknown[] = [];
		const chats: number[] = [];
		const seqs: number[] = [];
		const bodies: string[] = [];
		for ( const m of run ) {
			const chat = next.get( m.chatId );
			if ( ! chat ) {
				out.push( new Failed( new NoSuchChatError() ) );
				continue;
			}
			const seq = ++chat.seq;
			out.push( seq );
			chats.push( chat.rid );
			seqs.push( seq );
			bodies.push( encodeBody( m, seq ) );
		}
		if ( bodies.length > 0 ) await db.query( INSERT, [ chats, seqs, bodies ] );
		return out;
	}
}
