/**
 * The PostgreSQL engine's tables: schema 1, and what each later step adds. Times are milliseconds since
 * the epoch in bigint columns, as the interface has them.
 *
 * Chats have an integer key (`rid`) besides their public id (a UUID), and
 * messages, status changes and nothing else refer to it; deleting a chat
 * deletes both by foreign key (ON DELETE CASCADE), in the same statement.
 *
 * `chats.last_seq` is the one owner of a chat's message numbers: a message
 * is numbered by raising it in the transaction that inserts the message
 * (postgres/messages.ts), so the number and the row commit together or not
 * at all.
 *
 * No planner statistics are kept of the columns that hold what people
 * wrote or who they are (STATISTICS 0): ANALYZE (autovacuum runs it)
 * otherwise copies sample values of every column into pg_statistic, where a
 * message text would outlive its chat's deletion until the next ANALYZE.
 * Nothing is ever looked up by those columns, so the planner misses nothing.
 */

export const SCHEMA_1 = `
CREATE TABLE chats (
	rid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id text NOT NULL UNIQUE,
	site text NOT NULL,
	code_hash text NOT NULL,
	mode text NOT NULL,
	dept text,
	status text NOT NULL,
	created_at bigint NOT NULL,
	closed_at bigint,
	keep boolean NOT NULL DEFAULT false,
	visitor_sub text NOT NULL,
	visitor_name text,
	agent_sub text,
	agent_name text,
	from_ref text,
	consent_version text,
	last_seq integer NOT NULL DEFAULT 0
);
CREATE INDEX chats_open ON chats (created_at, rid) WHERE status <> 'closed';
CREATE INDEX chats_code ON chats (code_hash);
CREATE INDEX chats_agent ON chats (site, agent_sub, closed_at);
CREATE INDEX chats_expiry ON chats (site, closed_at) WHERE status = 'closed' AND NOT keep;
ALTER TABLE chats ALTER visitor_name SET STATISTICS 0, ALTER agent_name SET STATISTICS 0, ALTER from_ref SET STATISTICS 0;

CREATE TABLE chat_events (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	chat bigint NOT NULL REFERENCES chats (rid) ON DELETE CASCADE,
	status text NOT NULL,
	at bigint NOT NULL
);
CREATE INDEX chat_events_chat ON chat_events (chat, id);

-- One message per row: its body (../body-codec.ts) as JSON text, not json or
-- jsonb, which cannot hold a NUL character that a visitor may well send.
CREATE TABLE messages (
	chat bigint NOT NULL REFERENCES chats (rid) ON DELETE CASCADE,
	seq integer NOT NULL,
	body text NOT NULL,
	PRIMARY KEY (chat, seq)
);
ALTER TABLE messages ALTER body SET STATISTICS 0;

-- json (stored as sent, read back parsed), not jsonb, for the same reason as messages.body.
CREATE TABLE contact_submissions (
	id text PRIMARY KEY,
	site text NOT NULL,
	created_at bigint NOT NULL,
	dept text,
	lang text,
	fields json NOT NULL,
	consents json NOT NULL
);
CREATE INDEX contact_submissions_site ON contact_submissions (site, created_at);
ALTER TABLE contact_submissions ALTER fields SET STATISTICS 0;

CREATE TABLE stats_hourly (
	site text NOT NULL,
	hour bigint NOT NULL,
	kind text NOT NULL,
	count bigint NOT NULL,
	PRIMARY KEY (site, hour, kind)
);

-- Per open store: the last of its batches that wrote counters (postgres/stats.ts).
CREATE TABLE stats_marks (
	writer text PRIMARY KEY,
	batch bigint NOT NULL
);
`;

/**
 * Schema 2: what a node kept in files of its own beside the chats' database,
 * here so that every node shares it (the issue of several nodes).
 *
 * `site_policies`: the policy WordPress last sent per site (../policies.ts),
 * as the JSON it was checked as; it is checked again where it is applied
 * (site-policy.ts), so the rule for a valid policy stays in one place and a
 * new field needs no schema step.
 *
 * `page_views_hourly`: the tracking embed's counts, as in the SQLite file
 * (../page-views.ts): no visitor id, no address, nothing that ties a row to
 * a person. The nodes add to the rows (postgres/page-views.ts).
 */
export const SCHEMA_2 = `
CREATE TABLE site_policies (
	site text PRIMARY KEY,
	policy jsonb NOT NULL,
	saved_at bigint NOT NULL
);

CREATE TABLE page_views_hourly (
	site text NOT NULL,
	hour bigint NOT NULL,
	path text NOT NULL,
	referrer_host text NOT NULL,
	views bigint NOT NULL,
	returning_views bigint NOT NULL,
	PRIMARY KEY (site, hour, path, referrer_host)
);
`;

/**
 * Schema 3: `site_assistants`, what WordPress last sent for each site's
 * built-in assistant (`PUT /admin/assistant`: settings and content, one
 * JSON document, up to a few MB), kept as sent and checked again where it is
 * applied (assistant/site-assistants.ts). Only the site's own content: no
 * visitor's words are ever kept here. `json`, not `jsonb`: jsonb reorders an
 * object's keys, and the order of the locales says which is the site's main
 * one (the first).
 */
export const SCHEMA_3 = `
CREATE TABLE site_assistants (
	site text PRIMARY KEY,
	push json NOT NULL,
	saved_at bigint NOT NULL
);
`;
