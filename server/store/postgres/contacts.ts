/**
 * Contact-form submissions on PostgreSQL, and the e-mail search behind
 * WordPress's personal data export and erasure.
 *
 * The search compares in JavaScript, not with PostgreSQL's JSON functions:
 * those turn every string of a document into text, and one NUL character
 * (`\u0000`, which a visitor can send) in any message or field of the site
 * makes the whole query fail, so one visitor could break another's export.
 * SQL only narrows the rows: the site's submissions (a handful: the offline
 * form), and the messages whose body holds the pre-chat form's mark.
 */
import type pg from 'pg';
import { decodeMessage, dialogMark } from '../body-codec';
import type { ChatRecord, ContactSubmission } from '../types';
import { RECORD } from './chats';
import type { ReadPool } from './connection';

const SUBMISSION = 'id, site, created_at AS "createdAt", dept, lang, fields, consents';

/** E-mail addresses are compared without case, as mail systems treat them. */
const sameAddress = ( value: unknown, email: string ): boolean => typeof value === 'string' && value.toLowerCase() === email.toLowerCase();

export class Contacts {
	constructor( private readonly reads: ReadPool ) {}

	async insert( db: pg.ClientBase, c: ContactSubmission ): Promise< void > {
		await db.query(
			'INSERT INTO contact_submissions (id, site, created_at, dept, lang, fields, consents) VALUES ($1, $2, $3, $4, $5, $6, $7)',
			[ c.id, c.site, c.createdAt, c.dept, c.lang, JSON.stringify( c.fields ), JSON.stringify( c.consents ) ]
		);
	}

	/** True if there was one. */
	async delete( db: pg.ClientBase, id: string ): Promise< boolean > {
		const { rowCount } = await db.query( 'DELETE FROM contact_submissions WHERE id = $1', [ id ] );
		return ( rowCount ?? 0 ) > 0;
	}

	/** The site's submissions, newest first. */
	list( site: string ): Promise< ContactSubmission[] > {
		return this.reads.rows< ContactSubmission >( `SELECT ${ SUBMISSION } FROM contact_submissions WHERE site = $1 ORDER BY created_at DESC`, [ site ] );
	}

	/** Submissions with the address in a field, and stored chats whose pre-chat form gave it, each oldest first. */
	async findByEmail( site: string, email: string ): Promise< { contacts: ContactSubmission[]; chats: ChatRecord[] } > {
		const contacts = ( await this.list( site ) ).reverse().filter( ( c ) => Object.values( c.fields ).some( ( v ) => sameAddress( v, email ) ) );
		const rows = await this.reads.rows< ChatRecord & { body: string } >(
			`SELECT ${ RECORD }, m.body FROM chats c JOIN messages m ON m.chat = c.rid
			 WHERE c.site = $1 AND strpos(m.body, $2) > 0 ORDER BY c.created_at, c.rid, m.seq`,
			[ site, dialogMark( 'prechat' ) ]
		);
		const chats = new Map< string, ChatRecord >();
		for ( const { body, ...chat } of rows ) {
			const m = decodeMessage( chat.id, body );
			if ( m.dialog === 'prechat' && Object.values( m.fields ?? {} ).some( ( v ) => sameAddress( v, email ) ) ) chats.set( chat.id, chat );
		}
		return { contacts, chats: [ ...chats.values() ] };
	}
}
