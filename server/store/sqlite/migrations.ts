/**
 * Brings a database file of any earlier shape to the current one
 * (schema.ts), in numbered steps keyed by `PRAGMA user_version`: a file of
 * version n runs every step above n, in order. Each step runs in one
 * transaction together with setting the version it reaches, so a crash
 * leaves the file at the last finished step and no step ever runs twice.
 *
 * The versions as they were written (every earlier shape must still open;
 * tests/integration/schema-migration.test.ts):
 * 0  the first shape; it never set a version
 * 1  the contact form's table, the pre-chat form's and (later, still 1)
 *    the reply options' message columns
 * 2  counters per site
 * 3  chats get a rid; a message is (id, rid, seq, one compact body)
 * 4  the index by chat is folded in batches (message_index, message_fold)
 * 5  a row holds the messages of one chat and commit (an array of bodies)
 */
import type Database from 'better-sqlite3';
import type { ChatMessage } from '../../protocol';
import { encodeBody } from '../body-codec';
import { CHAT_INDEXES, CONTACTS_TABLE, CURRENT_SCHEMA, EVENTS_TABLE, SCHEMA_VERSION, chatsTable, messagesTable, MESSAGE_INDEX, statsTable } from './schema';

export interface MigrationContext {
	/** Owner of counters written before they had a site (schema 1): the service's first configured site. */
	legacyStatsSite: string;
}

interface Step {
	to: number;
	run: ( db: Database.Database, ctx: MigrationContext ) => void;
}

const STEPS: Step[] = [
	// The first shape had no contact form; its other gaps are filled by step 3's rebuild.
	{ to: 1, run: ( db ) => db.exec( CONTACTS_TABLE ) },
	{ to: 2, run: statsPerSite },
	{ to: 3, run: messagesToRids },
	{ to: 4, run: foldedIndex },
	{ to: 5, run: messageRows },
];

/**
 * The file's version; throws for a file of a newer schema than this code
 * knows (it would be damaged, not read), before anything has touched it.
 */
export function schemaVersion( db: Database.Database ): number {
	const version = db.pragma( 'user_version', { simple: true } ) as number;
	if ( version > SCHEMA_VERSION ) {
		throw new Error( `the database is of schema ${ version }, newer than this service's (${ SCHEMA_VERSION }): run the newer service` );
	}
	return version;
}

/** Migrates the open file; returns the version it had. Run before anything else reads or writes it. */
export function migrate( db: Database.Database, ctx: MigrationContext ): number {
	const version = schemaVersion( db );
	if ( version === SCHEMA_VERSION ) return version;
	// Off for the rebuilds (dropping a table would cascade to chat_events); step 3 checks the keys itself.
	db.pragma( 'foreign_keys = OFF' );
	const isNew = version === 0 && ! hasTable( db, 'chats' );
	const steps: Step[] = isNew ? [ { to: SCHEMA_VERSION, run: () => db.exec( CURRENT_SCHEMA ) } ] : STEPS.filter( ( s ) => s.to > version );
	for ( const step of steps ) {
		db.transaction( () => {
			step.run( db, ctx );
			db.pragma( `user_version = ${ step.to }` );
		} )();
	}
	// Old tables' pages are overwritten (secure_delete); their copies in the WAL go too.
	if ( ! isNew ) db.pragma( 'wal_checkpoint(TRUNCATE)' );
	return version;
}

const hasTable = ( db: Database.Database, name: string ): boolean =>
	db.prepare( "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?" ).get( name ) !== undefined;

/**
 * Schema 1 kept one set of counters for the whole service. They are copied,
 * unchanged, to the legacy site (in the usual one-site setup that is the
 * only site, so its statistics stay as they were); the table is rebuilt
 * because its primary key changes.
 */
function statsPerSite( db: Database.Database, ctx: MigrationContext ): void {
	db.exec( statsTable( 'stats_hourly_v2' ) );
	db.prepare( 'INSERT INTO stats_hourly_v2 (site, hour, kind, count) SELECT ?, hour, kind, count FROM stats_hourly' ).run( ctx.legacyStatsSite );
	db.exec( 'DROP TABLE stats_hourly; ALTER TABLE stats_hourly_v2 RENAME TO stats_hourly;' );
}

/** A message row of schema 2 and before; the columns after `client_id` came one by one in schemas 0–1. */
interface MessageRowV2 {
	chat_id: string;
	seq: number;
	author: ChatMessage[ 'from' ];
	text: string;
	at: number;
	name: string | null;
	event: ChatMessage[ 'event' ] | null;
	client_id: string | null;
	dialog?: string | null;
	fields?: string | null;
	options?: string | null;
}

const fromRowV2 = ( r: MessageRowV2 ): ChatMessage => {
	const m: ChatMessage = { chatId: r.chat_id, seq: r.seq, from: r.author, text: r.text, at: r.at };
	if ( r.name !== null ) m.name = r.name;
	if ( r.event !== null ) m.event = r.event;
	if ( r.client_id !== null ) m.clientId = r.client_id;
	if ( r.dialog != null ) m.dialog = r.dialog;
	if ( r.fields != null ) m.fields = JSON.parse( r.fields ) as Record< string, string >;
	if ( r.options != null ) m.options = JSON.parse( r.options ) as string[];
	return m;
};

/**
 * Schema 2 and before keyed messages by the chat's UUID, with eleven
 * columns and a foreign key. Both tables are rebuilt (schema 3): chats get
 * their rid, in order of creation, and every message becomes (rid, seq,
 * body). The foreign key of chat_events is kept and checked before the commit.
 */
function messagesToRids( db: Database.Database ): void {
	if ( ! hasTable( db, 'chats' ) ) {
		// A file from before any chat was written may hold only some tables (the counters, say).
		db.exec( `${ chatsTable( 'chats' ) } ${ CHAT_INDEXES } ${ EVENTS_TABLE } ${ messagesTable( 'messages' ) } ${ CONTACTS_TABLE }` );
		return;
	}
	db.exec( chatsTable( 'chats_v3' ) );
	db.exec( messagesTable( 'messages_v3' ) );
	db.exec(
		`INSERT INTO chats_v3 (id, site, code_hash, mode, dept, status, created_at, closed_at, keep,
			visitor_sub, visitor_name, agent_sub, agent_name, from_ref, consent_version)
		 SELECT id, site, code_hash, mode, dept, status, created_at, closed_at, keep,
			visitor_sub, visitor_name, agent_sub, agent_name, from_ref, consent_version
		 FROM chats ORDER BY created_at, rowid`
	);
	const chats = db.prepare( 'SELECT rid, id FROM chats_v3 ORDER BY rid' ).all() as Array< { rid: number; id: string } >;
	const read = db.prepare( 'SELECT * FROM messages WHERE chat_id = ? ORDER BY seq' );
	const write = db.prepare( 'INSERT INTO messages_v3 (chat, seq, body) VALUES (?, ?, ?)' );
	for ( const { rid, id } of chats ) {
		for ( const row of read.all( id ) as MessageRowV2[] ) {
			const m = fromRowV2( row );
			write.run( rid, m.seq, encodeBody( m, m.seq ) );
		}
	}
	db.exec( 'DROP TABLE messages; DROP TABLE chats;' );
	db.exec( 'ALTER TABLE chats_v3 RENAME TO chats; ALTER TABLE messages_v3 RENAME TO messages;' );
	db.exec( CHAT_INDEXES );
	const broken = db.pragma( 'foreign_key_check' ) as unknown[];
	if ( broken.length > 0 ) throw new Error( `schema 3 migration: ${ broken.length } foreign key violations` );
}

/**
 * Schema 4: the unique index on messages(chat, seq), written on every
 * insert, gives way to message_index, folded in batches. The index is built
 * from all messages and the fold mark set past them; the old index holds no
 * text (its pages are overwritten all the same: secure_delete).
 */
function foldedIndex( db: Database.Database ): void {
	db.exec(
		`${ MESSAGE_INDEX }
		 INSERT INTO message_index (chat, seq, id) SELECT chat, seq, id FROM messages ORDER BY chat, seq;
		 INSERT INTO message_fold (one, up_to) SELECT 1, COALESCE(MAX(id), 0) FROM messages;
		 DROP INDEX IF EXISTS messages_chat;`
	);
}

/**
 * Schema 5: a row holds an array of bodies, each with its seq. Rows of
 * earlier schemas hold one message each, so each body becomes an array of
 * one, its seq put in; the index stays valid (a row's seq is unchanged).
 */
function messageRows( db: Database.Database ): void {
	db.exec( "UPDATE messages SET body = json_array( json_set( body, '$.s', seq ) )" );
}
