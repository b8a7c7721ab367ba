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
 */
import type pg from 'pg';
import type { ChatMessage } from '../../protocol';
import { decodeMessage, encodeBody } from '../body-codec';
import { NoSuchChatError } from '../errors';
import { Failed } from '../group-commit';
import type { NewMessage } from '../types';
import { alone } from './batch';
import type { ReadPool } from './connection';

const NUMBER = `UPDATE chats SET last_seq = chats.last_seq + n.count
	FROM unnest($1::text[], $2::int[]) AS n (id, count)
	WHERE chats.id = n.id
	RETURNING chats.id, chats.rid, chats.last_seq`;

const INSERT = 'INSERT INTO messages (chat, seq, body) SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[])';

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
