/**
 * The SQLite engine's tables as they are now (schema 5). A new file gets
 * these at once; an older file is brought here step by step (migrations.ts).
 */

/** `PRAGMA user_version` of a file in the current shape. */
export const SCHEMA_VERSION = 5;

/** Counters per site: one service may carry several sites, and each sees only its own. */
export const statsTable = ( name: string ): string => `CREATE TABLE IF NOT EXISTS ${ name } (
	site TEXT NOT NULL,
	hour INTEGER NOT NULL,
	kind TEXT NOT NULL,
	count INTEGER NOT NULL,
	PRIMARY KEY (site, hour, kind)
) WITHOUT ROWID;`;

/**
 * Chats have an integer key (`rid`) besides their public id (a UUID), and
 * messages are keyed by (rid, seq): small keys, cheap comparisons. AUTOINCREMENT,
 * so a deleted chat's number is never given to another chat. The public id
 * stays in `chats` only.
 */
export const chatsTable = ( name: string ): string => `CREATE TABLE IF NOT EXISTS ${ name } (
	rid INTEGER PRIMARY KEY AUTOINCREMENT,
	id TEXT NOT NULL UNIQUE,
	site TEXT NOT NULL,
	code_hash TEXT NOT NULL,
	mode TEXT NOT NULL,
	dept TEXT,
	status TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	closed_at INTEGER,
	keep INTEGER NOT NULL DEFAULT 0,
	visitor_sub TEXT NOT NULL,
	visitor_name TEXT,
	agent_sub TEXT,
	agent_name TEXT,
	from_ref TEXT,
	consent_version TEXT
);`;

/**
 * One row per chat per commit (schema 5): its chat's rid, the highest seq in
 * it, and its messages as a JSON array of compact bodies, each with its own
 * seq (../body-codec.ts), only ever read back together. At a message or two per
 * commit that is a row per message; under load a commit carries dozens per
 * busy chat, and a row per message was most of what the store cost (the
 * b-tree insert, and the index entry its fold writes).
 *
 * Rows are kept in the order they were written (`id`), so a commit appends
 * them to the end of the table (a page or two for a whole batch) instead of
 * inserting into one page per busy chat; a chat's rows are in seq order. No
 * foreign key: that would cost a lookup in `chats` per insert. Every
 * deletion of a chat deletes its messages in the same transaction instead.
 */
export const messagesTable = ( name: string ): string => `CREATE TABLE IF NOT EXISTS ${ name } (
	id INTEGER PRIMARY KEY,
	chat INTEGER NOT NULL,
	seq INTEGER NOT NULL,
	body TEXT NOT NULL
);`;

/**
 * The index by chat (schema 4): (chat, highest seq) → row id, maintained in
 * batches ("folds", message-index.ts), not per insert, because an index entry
 * per insert wrote one b-tree page per busy chat per commit. Messages with
 * an id above `message_fold.up_to` (the tail) are not in it yet, and every
 * read by chat scans that tail too. The index is derived data: a crash
 * leaves the tail unfolded, and nothing needs repair.
 */
export const MESSAGE_INDEX = `
CREATE TABLE IF NOT EXISTS message_index (
	chat INTEGER NOT NULL,
	seq INTEGER NOT NULL,
	id INTEGER NOT NULL,
	PRIMARY KEY (chat, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS message_fold (
	one INTEGER PRIMARY KEY CHECK (one = 1),
	up_to INTEGER NOT NULL
);`;

export const CHAT_INDEXES = `
CREATE INDEX IF NOT EXISTS chats_status ON chats(status, closed_at);
CREATE INDEX IF NOT EXISTS chats_code ON chats(code_hash);
CREATE INDEX IF NOT EXISTS chats_agent ON chats(site, agent_sub, closed_at);
`;

export const CONTACTS_TABLE = `
CREATE TABLE IF NOT EXISTS contact_submissions (
	id TEXT PRIMARY KEY,
	site TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	dept TEXT,
	lang TEXT,
	fields TEXT NOT NULL,
	consents TEXT NOT NULL
);`;

/** Status changes with their times (the only foreign key: deleting a chat deletes them). */
export const EVENTS_TABLE = `
CREATE TABLE IF NOT EXISTS chat_events (
	chat_id TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
	status TEXT NOT NULL,
	at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS chat_events_chat ON chat_events(chat_id);`;

/** Everything a new file gets (the fold mark starts at 0: nothing to fold). */
export const CURRENT_SCHEMA = `
${ chatsTable( 'chats' ) }
${ CHAT_INDEXES }
${ EVENTS_TABLE }
${ messagesTable( 'messages' ) }
${ MESSAGE_INDEX }
INSERT INTO message_fold (one, up_to) VALUES (1, 0);
${ CONTACTS_TABLE }
${ statsTable( 'stats_hourly' ) }
`;
