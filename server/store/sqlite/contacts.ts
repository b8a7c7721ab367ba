/**
 * Contact-form submissions, and the e-mail search behind WordPress's
 * personal data export and erasure (submissions with the address in a
 * field, stored chats whose pre-chat form gave it).
 */
import type Database from 'better-sqlite3';
import type { ChatRecord, ContactSubmission } from '../types';
import { toRecord, type ChatRow } from './chats';

interface ContactRow {
	id: string;
	site: string;
	created_at: number;
	dept: string | null;
	lang: string | null;
	fields: string;
	consents: string;
}

const toContact = ( r: ContactRow ): ContactSubmission => ( {
	id: r.id,
	site: r.site,
	createdAt: r.created_at,
	dept: r.dept,
	lang: r.lang,
	fields: JSON.parse( r.fields ) as ContactSubmission[ 'fields' ],
	consents: JSON.parse( r.consents ) as ContactSubmission[ 'consents' ],
} );

export class Contacts {
	private readonly stmt;

	constructor( db: Database.Database ) {
		this.stmt = {
			insert: db.prepare(
				`INSERT INTO contact_submissions (id, site, created_at, dept, lang, fields, consents)
				 VALUES (@id, @site, @createdAt, @dept, @lang, @fields, @consents)`
			),
			list: db.prepare( 'SELECT * FROM contact_submissions WHERE site = ? ORDER BY created_at DESC' ),
			// E-mail addresses are compared without case, as mail systems treat them.
			byEmail: db.prepare(
				`SELECT * FROM contact_submissions WHERE site = ?
				 AND EXISTS ( SELECT 1 FROM json_each( contact_submissions.fields ) WHERE lower( value ) = lower( ? ) )
				 ORDER BY created_at`
			),
			// The pre-chat form is a message with dialog 'prechat' (body keys: ../body-codec.ts).
			chatsByEmail: db.prepare(
				`SELECT * FROM chats WHERE site = ? AND rid IN (
					SELECT m.chat FROM messages m, json_each( m.body ) b
					WHERE json_extract( b.value, '$.d' ) = 'prechat'
					AND EXISTS ( SELECT 1 FROM json_each( b.value, '$.v' ) WHERE lower( value ) = lower( ? ) )
				 ) ORDER BY created_at`
			),
			delete: db.prepare( 'DELETE FROM contact_submissions WHERE id = ?' ),
		};
	}

	/** Inside a batch. */
	insert( c: ContactSubmission ): void {
		this.stmt.insert.run( { ...c, fields: JSON.stringify( c.fields ), consents: JSON.stringify( c.consents ) } );
	}

	/** Inside a batch. */
	delete( id: string ): void {
		this.stmt.delete.run( id );
	}

	list( site: string ): ContactSubmission[] {
		return ( this.stmt.list.all( site ) as ContactRow[] ).map( toContact );
	}

	findByEmail( site: string, email: string ): { contacts: ContactSubmission[]; chats: ChatRecord[] } {
		return {
			contacts: ( this.stmt.byEmail.all( site, email ) as ContactRow[] ).map( toContact ),
			chats: ( this.stmt.chatsByEmail.all( site, email ) as ChatRow[] ).map( toRecord ),
		};
	}
}
