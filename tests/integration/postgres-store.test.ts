/**
 * What is the PostgreSQL engine's own, beyond the contract suite
 * (postgres-store.contract.test.ts): several nodes on one database, an
 * outage and the recovery from it, migrations under concurrent starts, and
 * what PostgreSQL would otherwise keep or refuse. One throw-away PostgreSQL
 * 15 for the file, a fresh database per test.
 */
import pg from 'pg';
import type { ChatMessage } from '../../server/protocol';
import { StoreInputError, StoreUnavailableError } from '../../server/store/errors';
import { PostgresStore } from '../../server/store/postgres-store';
import { MIGRATION_LOCK, SCHEMA_VERSION, SchemaTooNewError } from '../../server/store/postgres/migrations';
import { HOUR_MS } from '../../server/store/types';
import { chatRecord, message } from '../contract/chat-store.contract';
import { capturedLog } from '../helpers/log';
import { postgresStores } from '../helpers/postgres-stores';

const stores = postgresStores();
const open = stores.open;

const texts = ( messages: ChatMessage[] ): Array< [ number, string ] > => messages.map( ( m ) => [ m.seq, m.text ] );
const turn = (): Promise< void > => new Promise( ( r ) => setImmediate( r ) );

// A batch of messages alone is one statement (postgres/messages.ts); one with another write in it
// is run statement by statement (postgres/batch.ts): both must keep the lock order.
test.each( [
	[ 'each batch with another write', true ],
	[ 'messages only, each batch one statement', false ],
] )( 'two stores (two nodes) appending to the same chats at once (%s): each chat numbered 1..n, no gap, no duplicate, no deadlock, every count once', async ( _, mixed ) => {
	const url = stores.server().createDatabase();
	const h = 480_000 * HOUR_MS;
	const { log, lines } = capturedLog();
	const nodes = [ await open( url, { log } ), await open( url, { log } ) ];
	const chats = [ chatRecord(), chatRecord(), chatRecord(), chatRecord() ];
	for ( const c of chats ) await nodes[ 0 ].insertChat( c );
	const calls: Array< { node: number; chat: number; text: string; seq: Promise< number > } > = [];
	const others: Array< Promise< void > > = [];
	for ( let t = 0; t < 25; t++ ) {
		for ( let k = 0; k < 4; k++ ) {
			for ( let node = 0; node < 2; node++ ) {
				// The nodes walk the chats in opposite orders, each batch starting with a write to
				// one chat's row: without one lock order, their batches would deadlock.
				if ( mixed ) others.push( nodes[ node ].setKeep( chats[ node === 0 ? 0 : chats.length - 1 ].id, k % 2 === 0 ) );
				for ( let j = 0; j < chats.length; j++ ) {
					const chat = node === 0 ? j : chats.length - 1 - j;
					const text = `node ${ node } chat ${ chat } turn ${ t } #${ k }`;
					calls.push( { node, chat, text, seq: nodes[ node ].appendMessage( message( chats[ chat ].id, text ) ) } );
					// Counters too, which both nodes' batches raise: their rows are locked after the chats'.
					nodes[ node ].bumpStat( 'alpha', 'message_received', h );
				}
			}
		}
		await turn();
	}
	const got = await Promise.all( calls.map( ( c ) => c.seq ) );
	await Promise.all( others );
	const perChat = calls.length / chats.length;
	for ( let c = 0; c < chats.length; c++ ) {
		const mine = calls.map( ( call, i ) => ( { ...call, got: got[ i ] } ) ).filter( ( call ) => call.chat === c );
		expect( mine.map( ( m ) => m.got ).sort( ( x, y ) => x - y ) ).toEqual( Array.from( { length: perChat }, ( _, i ) => i + 1 ) );
		// Each node's numbers rise in its own call order.
		for ( const node of [ 0, 1 ] ) {
			const seqs = mine.filter( ( m ) => m.node === node ).map( ( m ) => m.got );
			expect( seqs ).toEqual( [ ...seqs ].sort( ( x, y ) => x - y ) );
		}
		// The text stored under each number is the one whose write was given it, read from either node.
		const byNumber = new Map( mine.map( ( m ) => [ m.got, m.text ] ) );
		expect( texts( await nodes[ 1 ].messagesAfter( chats[ c ].id, 0 ) ) ).toEqual( [ ...byNumber ].sort( ( x, y ) => x[ 0 ] - y[ 0 ] ) );
		expect( await nodes[ 0 ].lastSeq( chats[ c ].id ) ).toBe( perChat );
	}
	expect( lines.filter( ( l ) => l.includes( 'deadlock' ) ) ).toEqual( [] );
	await nodes[ 0 ].flush();
	await nodes[ 1 ].flush();
	expect( await nodes[ 0 ].stats( 'alpha', h, h ) ).toEqual( [ { hour: h, kind: 'message_received', count: calls.length } ] );
}, 60_000 );

/**
 * Another session holds a row (`lock`, in an open transaction) while `body`
 * runs; `probe` is a third session for NOWAIT checks, `release` commits the
 * holder. Both sessions end afterwards, whatever happened.
 */
async function holdingRow( url: string, lock: string, params: unknown[], body: ( probe: pg.Client, release: () => Promise< void > ) => Promise< void > ): Promise< void > {
	const holder = new pg.Client( { connectionString: url } );
	const probe = new pg.Client( { connectionString: url } );
	await holder.connect();
	await probe.connect();
	try {
		await holder.query( 'BEGIN' );
		await holder.query( lock, params );
		await body( probe, async () => void ( await holder.query( 'COMMIT' ) ) );
	} finally {
		await holder.end();
		await probe.end();
	}
}

/** The store's connection is waiting for a lock (the barrier before checking what it already holds). */
const storeWaitsForALock = ( url: string ): Promise< void > =>
	stores.server().until( url, "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE application_name = 'consent-chat' AND wait_event_type = 'Lock')" );

test.each( [
	[ 'messages only, one statement', false ],
	[ 'with another write, statement by statement', true ],
] )( "a batch (%s) takes its chats' rows in id order, whatever order its writes came in", async ( _, mixed ) => {
	const url = stores.server().createDatabase();
	const store = await open( url );
	const [ low, high ] = [ chatRecord(), chatRecord() ].sort( ( x, y ) => ( x.id < y.id ? -1 : 1 ) );
	await store.insertChat( high );
	await store.insertChat( low );
	await holdingRow( url, 'SELECT FROM chats WHERE id = $1 FOR NO KEY UPDATE', [ high.id ], async ( probe, release ) => {
		// The higher id first, in call order, in the table and in the batch.
		const writes: Array< Promise< unknown > > = [ store.appendMessage( message( high.id, 'h' ) ), store.appendMessage( message( low.id, 'l' ) ) ];
		if ( mixed ) writes.push( store.setKeep( low.id, true ) );
		await storeWaitsForALock( url );
		// Waiting for the higher row, the batch already holds the lower one.
		await expect( probe.query( 'SELECT FROM chats WHERE id = $1 FOR NO KEY UPDATE NOWAIT', [ low.id ] ) ).rejects.toMatchObject( { code: '55P03' } );
		await release();
		expect( ( await Promise.all( writes ) ).slice( 0, 2 ) ).toEqual( [ 1, 1 ] );
	} );
} );

test( "a batch of messages takes its chats' rows before the counter rows it raises", async () => {
	const url = stores.server().createDatabase();
	const store = await open( url );
	const h = 480_000 * HOUR_MS;
	const chat = chatRecord();
	await store.insertChat( chat );
	store.bumpStat( 'alpha', 'message_received', h );
	await store.flush();
	await holdingRow( url, "SELECT FROM stats_hourly WHERE site = 'alpha' FOR UPDATE", [], async ( probe, release ) => {
		const written = store.appendMessage( message( chat.id, 'counted' ) );
		store.bumpStat( 'alpha', 'message_received', h );
		await storeWaitsForALock( url );
		await expect( probe.query( 'SELECT FROM chats WHERE id = $1 FOR NO KEY UPDATE NOWAIT', [ chat.id ] ) ).rejects.toMatchObject( { code: '55P03' } );
		await release();
		expect( await written ).toBe( 1 );
		expect( await store.stats( 'alpha', h, h ) ).toEqual( [ { hour: h, kind: 'message_received', count: 2 } ] );
	} );
} );

test( 'a batch of messages alone, one to a chat that does not exist: that one fails with NoSuchChatError and takes no number, the others are written', async () => {
	const url = stores.server().createDatabase();
	const store = await open( url );
	const a = chatRecord();
	const b = chatRecord();
	await store.insertChat( a );
	await store.insertChat( b );
	await store.appendMessage( message( a.id, 'a1' ) );
	const outcomes = await Promise.allSettled( [
		store.appendMessage( message( a.id, 'a2' ) ),
		store.appendMessage( message( b.id, 'b1' ) ),
		store.appendMessage( message( chatRecord().id, 'to nowhere' ) ),
		store.appendMessage( message( a.id, 'a3' ) ),
		store.appendMessage( message( b.id, 'b2' ) ),
	] );
	expect( outcomes.map( ( o ) => ( o.status === 'fulfilled' ? o.value : ( o.reason as Error ).constructor.name ) ) ).toEqual( [ 2, 1, 'NoSuchChatError', 3, 2 ] );
	expect( texts( await store.messagesAfter( a.id, 0 ) ) ).toEqual( [ [ 1, 'a1' ], [ 2, 'a2' ], [ 3, 'a3' ] ] );
	expect( texts( await store.messagesAfter( b.id, 0 ) ) ).toEqual( [ [ 1, 'b1' ], [ 2, 'b2' ] ] );
	expect( await store.lastSeq( a.id ) ).toBe( 3 );
} );

test( 'PostgreSQL going away: writes, reads and opening reject with StoreUnavailableError at once; back, the store works again by itself and loses no count', async () => {
	const url = stores.server().createDatabase();
	const store = await open( url, { connectTimeoutMs: 2_000 } );
	const chat = chatRecord();
	const h = 480_000 * HOUR_MS;
	await store.insertChat( chat );
	expect( await store.appendMessage( message( chat.id, 'before' ) ) ).toBe( 1 );
	stores.server().kill();
	try {
		store.bumpStat( 'alpha', 'message_received', h );
		await expect( store.appendMessage( message( chat.id, 'during' ) ) ).rejects.toBeInstanceOf( StoreUnavailableError );
		await expect( store.messagesAfter( chat.id, 0 ) ).rejects.toBeInstanceOf( StoreUnavailableError );
		await expect( store.checkWritable() ).rejects.toBeInstanceOf( StoreUnavailableError );
		// A node starting now is told so too, instead of waiting.
		await expect( PostgresStore.open( url, { connectTimeoutMs: 2_000 } ) ).rejects.toBeInstanceOf( StoreUnavailableError );
	} finally {
		stores.server().start(); // crash recovery on the same folder
	}
	await expect( store.checkWritable() ).resolves.toBeUndefined();
	expect( await store.appendMessage( message( chat.id, 'after' ) ) ).toBe( 2 );
	expect( texts( await store.messagesAfter( chat.id, 0 ) ) ).toEqual( [ [ 1, 'before' ], [ 2, 'after' ] ] );
	// The count of the batch that failed went with a later one, once.
	expect( await store.stats( 'alpha', h, h ) ).toEqual( [ { hour: h, kind: 'message_received', count: 1 } ] );
	expect( stores.server().psql( url, `SELECT count FROM stats_hourly WHERE hour = ${ h }` ) ).toBe( '1' );
}, 60_000 );

test( 'a write resolved is durable even where the database says synchronous_commit = off: it survives a crash right after', async () => {
	const url = stores.server().createDatabase();
	stores.server().psql( url, `ALTER DATABASE ${ url.split( '/' ).pop()! } SET synchronous_commit = off` );
	const store = await open( url );
	const chat = chatRecord();
	await store.insertChat( chat );
	expect( await store.appendMessage( message( chat.id, 'acknowledged' ) ) ).toBe( 1 );
	stores.server().kill(); // no checkpoint, no flush of what is only in PostgreSQL's memory
	stores.server().start();
	expect( texts( await store.messagesAfter( chat.id, 0 ) ) ).toEqual( [ [ 1, 'acknowledged' ] ] );
}, 60_000 );

/** A database migrated from nothing has a row for every step: 1, 2, … SCHEMA_VERSION. */
const everyVersion = Array.from( { length: SCHEMA_VERSION }, ( _, i ) => i + 1 ).join( '\n' );

test( 'two nodes starting at once on a new database: one migrates while the other waits, then both work', async () => {
	const url = stores.server().createDatabase();
	const holder = new pg.Client( { connectionString: url } );
	await holder.connect();
	try {
		await holder.query( 'BEGIN' );
		await holder.query( 'SELECT pg_advisory_xact_lock($1)', [ MIGRATION_LOCK ] );
		const opening = [ open( url ), open( url ) ];
		await stores.server().until( url, "SELECT count(*) = 2 FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE d.datname = current_database() AND l.locktype = 'advisory' AND NOT l.granted" );
		await holder.query( 'COMMIT' );
		const [ a, b ] = await Promise.all( opening );
		expect( stores.server().psql( url, 'SELECT version FROM schema_migrations ORDER BY 1' ) ).toBe( everyVersion );
		const chat = chatRecord();
		await a.insertChat( chat );
		expect( await b.appendMessage( message( chat.id, 'hello' ) ) ).toBe( 1 );
	} finally {
		await holder.end();
	}
} );

test( 'a database of a newer schema is refused, and left as it was', async () => {
	const url = stores.server().createDatabase();
	await ( await PostgresStore.open( url ) ).close();
	stores.server().psql( url, 'INSERT INTO schema_migrations (version) VALUES (99)' );
	await expect( PostgresStore.open( url ) ).rejects.toBeInstanceOf( SchemaTooNewError );
	expect( stores.server().psql( url, 'SELECT version FROM schema_migrations ORDER BY 1' ) ).toBe( `${ everyVersion }\n99` );
} );

test( 'a batch of messages the database refuses as a whole (its one statement, then its run) is written again one by one: only the refused one fails, no number is lost', async () => {
	const url = stores.server().createDatabase();
	const store = await open( url );
	stores.server().psql(
		url,
		`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
		 BEGIN IF NEW.body LIKE '%refuse-me%' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$;
		 CREATE TRIGGER refuse BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION refuse();`
	);
	const a = chatRecord();
	const b = chatRecord();
	await store.insertChat( a );
	await store.insertChat( b );
	const outcomes = await Promise.allSettled( [
		store.appendMessage( message( a.id, 'a1' ) ),
		store.appendMessage( message( a.id, 'refuse-me' ) ),
		store.appendMessage( message( b.id, 'b1' ) ),
		store.appendMessage( message( a.id, 'a2' ) ),
	] );
	expect( outcomes.map( ( o ) => ( o.status === 'fulfilled' ? o.value : 'rejected' ) ) ).toEqual( [ 1, 'rejected', 1, 2 ] );
	expect( texts( await store.messagesAfter( a.id, 0 ) ) ).toEqual( [ [ 1, 'a1' ], [ 2, 'a2' ] ] );
	expect( texts( await store.messagesAfter( b.id, 0 ) ) ).toEqual( [ [ 1, 'b1' ] ] );
} );

test( 'a statistics read while the batch carrying its counts is in flight counts them once, whether its snapshot comes before or after that commit', async () => {
	const url = stores.server().createDatabase();
	// One read connection, so the test can hold a read back behind another.
	const store = await open( url, { readConnections: 1 } );
	const h = 490_000 * HOUR_MS;
	const row = [ { hour: h, kind: 'message_received', count: 1 } ];
	store.bumpStat( 'alpha', 'message_received', h );
	await store.flush();
	expect( await store.stats( 'alpha', h, h ) ).toEqual( row );
	const rowLock = new pg.Client( { connectionString: url } );
	const tableLock = new pg.Client( { connectionString: url } );
	await rowLock.connect();
	await tableLock.connect();
	const waiting = ( n: number ): Promise< void > => stores.server().until( url, `SELECT count(*) = ${ n } FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'` );
	try {
		// Another session holds the counter's row: the next batch waits on it, its counts taken from memory.
		await rowLock.query( 'BEGIN' );
		await rowLock.query( 'SELECT FROM stats_hourly FOR UPDATE' );
		store.bumpStat( 'alpha', 'message_received', h );
		const flushed = store.flush();
		await waiting( 1 );
		row[ 0 ].count = 2;
		expect( await store.stats( 'alpha', h, h ) ).toEqual( row ); // its snapshot before the commit
		// Now a read whose counts in memory are taken while the batch is in flight, but whose
		// statement runs only after the commit: held back behind a read that waits on a table lock.
		await tableLock.query( 'BEGIN' );
		await tableLock.query( 'LOCK TABLE contact_submissions IN ACCESS EXCLUSIVE MODE' );
		const busy = store.contacts( 'alpha' );
		await waiting( 2 );
		const late = store.stats( 'alpha', h, h );
		await rowLock.query( 'COMMIT' );
		await flushed;
		await tableLock.query( 'COMMIT' );
		await busy;
		expect( await late ).toEqual( row );
	} finally {
		await rowLock.end();
		await tableLock.end();
	}
	expect( await store.stats( 'alpha', h, h ) ).toEqual( row );
	expect( stores.server().psql( url, 'SELECT count FROM stats_hourly' ) ).toBe( '2' );
} );

test( 'ANALYZE (autovacuum runs it) keeps no sample of what people wrote or their names', async () => {
	const url = stores.server().createDatabase();
	const store = await open( url );
	for ( let i = 0; i < 20; i++ ) {
		const chat = chatRecord( { visitorName: `name-${ i }`, from: 'app', agentName: 'Ann' } );
		await store.insertChat( chat );
		await store.appendMessage( message( chat.id, `text-${ i }`, { dialog: 'prechat', fields: { email: `p${ i }@example.org` } } ) );
		await store.insertContact( { id: `c${ i }`, site: 'alpha', createdAt: i, dept: null, lang: null, fields: { email: `p${ i }@example.org` }, consents: [] } );
	}
	stores.server().psql( url, 'ANALYZE' );
	const sampled = ( columns: string ): string =>
		stores.server().psql( url, `SELECT string_agg(tablename || '.' || attname, ',' ORDER BY tablename, attname) FROM pg_stats WHERE schemaname = 'public' AND attname IN (${ columns })` );
	expect( sampled( "'body', 'fields', 'visitor_name', 'agent_name', 'from_ref'" ) ).toBe( '' );
	expect( sampled( "'seq', 'site'" ) ).toBe( 'chats.site,contact_submissions.site,messages.seq' ); // ANALYZE did run
} );

test( 'a NUL character: a message keeps it, the e-mail search still works, and a chat field PostgreSQL cannot hold fails alone with a StoreInputError', async () => {
	const url = stores.server().createDatabase();
	const store = await open( url );
	const chat = chatRecord();
	await store.insertChat( chat );
	await store.appendMessage( message( chat.id, '', { dialog: 'prechat', fields: { email: 'ada@example.org', note: 'a\u0000b' } } ) );
	expect( await store.appendMessage( message( chat.id, 'nul \u0000 inside' ) ) ).toBe( 2 );
	await store.insertContact( { id: 'k', site: 'alpha', createdAt: 1, dept: null, lang: null, fields: { email: 'ada@example.org', x: '\u0000' }, consents: [] } );
	expect( ( await store.messagesAfter( chat.id, 1 ) )[ 0 ].text ).toBe( 'nul \u0000 inside' );
	const found = await store.findByEmail( 'alpha', 'ADA@example.org' );
	expect( found.chats.map( ( c ) => c.id ) ).toEqual( [ chat.id ] );
	expect( found.contacts.map( ( c ) => c.id ) ).toEqual( [ 'k' ] );
	const refused = chatRecord( { from: 'app\u0000' } );
	const outcomes = await Promise.allSettled( [ store.insertChat( refused ), store.appendMessage( message( chat.id, 'next' ) ) ] );
	expect( outcomes[ 0 ] ).toMatchObject( { status: 'rejected', reason: expect.any( StoreInputError ) } );
	expect( outcomes[ 1 ] ).toEqual( { status: 'fulfilled', value: 3 } );
	expect( await store.getChat( refused.id ) ).toBeUndefined();
} );
