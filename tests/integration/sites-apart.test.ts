/**
 * Sites apart: one service carrying two sites' chats counts each
 * site's chats and messages apart, and `/admin/stats` answers a site token
 * with its own site's counters only. A database from before counters had a
 * site (schema 1) keeps its counters, now owned by the first configured site.
 * A site's `/admin/purge` runs retention for its own chats only.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type SiteConfig, type SiteConfigInput } from '../../server/config';
import { createLogger } from '../../server/log';
import type { Role } from '../../server/protocol';
import { startService, type RunningService } from '../../server/service';
import type { StatRow } from '../../server/store/types';
import { signToken } from '../../server/tokens';
import { TestClient } from '../helpers/ws-client';

const ALPHA: SiteConfigInput = { id: 'alpha', secret: 'a'.repeat( 48 ), origins: [ 'http://alpha.test' ] };
const BETA: SiteConfigInput = { id: 'beta', secret: 'b'.repeat( 48 ), origins: [ 'http://beta.test' ] };
const HOUR = 3_600_000;

let dir: string;
let service: RunningService | null = null;
const clients: TestClient[] = [];

beforeEach( () => {
	dir = mkdtempSync( join( tmpdir(), 'cc-stats-' ) );
} );
afterEach( async () => {
	clients.splice( 0 ).forEach( ( c ) => c.close() );
	await service?.close();
	service = null;
	rmSync( dir, { recursive: true, force: true } );
} );

async function start( now?: () => number ): Promise< { sites: SiteConfig[] } > {
	const config = parseConfig( { port: 0, dataDir: dir, logLevel: 'silent', sites: [ ALPHA, BETA ] } );
	service = await startService( config, { log: createLogger( 'silent' ), now } );
	return { sites: config.sites };
}

async function connect( site: SiteConfig, role: Role, sub: string ): Promise< TestClient > {
	const client = await TestClient.open( `ws://127.0.0.1:${ service!.port }/ws`, site.origins[ 0 ] );
	clients.push( client );
	client.send( { type: 'hello', token: signToken( site, { role, sub, name: sub } ) } );
	await client.next( 'welcome' );
	return client;
}

const siteToken = ( site: SiteConfig ): string => signToken( site, { role: 'site', sub: 'wordpress' } );

async function stats( site: SiteConfig ): Promise< StatRow[] > {
	const res = await fetch( `http://127.0.0.1:${ service!.port }/admin/stats?from=0&to=${ Date.now() + HOUR }`, {
		headers: { authorization: `Bearer ${ siteToken( site ) }` },
	} );
	expect( res.status ).toBe( 200 );
	return ( ( await res.json() ) as { rows: StatRow[] } ).rows;
}

const total = ( rows: StatRow[], kind: StatRow[ 'kind' ] ): number =>
	rows.filter( ( r ) => r.kind === kind ).reduce( ( n, r ) => n + r.count, 0 );

/** One chat on `site`: the visitor writes `visitorTexts` messages, the agent answers once, the agent ends it. */
async function chat( site: SiteConfig, visitorTexts: number ): Promise< string > {
	const agent = await connect( site, 'agent', `wp:${ site.id }` );
	agent.send( { type: 'presence', online: true } );
	await agent.next( 'presence', ( p ) => p.online );
	const visitor = await connect( site, 'visitor', `v_${ site.id }` );
	visitor.send( { type: 'start', clientId: 's0', text: 'message 0' } );
	const { chat: started } = await visitor.next( 'started' );
	await visitor.next( 'message', ( m ) => m.event === 'agent_joined' );
	for ( let i = 1; i < visitorTexts; i++ ) {
		visitor.send( { type: 'send', chatId: started.id, clientId: `s${ i }`, text: `message ${ i }` } );
		await visitor.acked( `s${ i }` );
	}
	agent.send( { type: 'send', chatId: started.id, clientId: 'a1', text: 'answer' } );
	await agent.acked( 'a1' );
	agent.send( { type: 'end', chatId: started.id } );
	await visitor.next( 'chat', ( c ) => c.chat.status === 'closed' );
	return started.id;
}

test( 'each site token reads only its own site’s counters', async () => {
	const { sites } = await start();
	const [ alpha, beta ] = sites;
	await chat( alpha, 3 );
	await chat( beta, 1 );

	const a = await stats( alpha );
	const b = await stats( beta );
	expect( [ total( a, 'chat_started' ), total( a, 'chat_ended' ), total( a, 'message_received' ), total( a, 'message_sent' ) ] ).toEqual( [ 1, 1, 3, 1 ] );
	expect( [ total( b, 'chat_started' ), total( b, 'chat_ended' ), total( b, 'message_received' ), total( b, 'message_sent' ) ] ).toEqual( [ 1, 1, 1, 1 ] );
	// The answer still carries no site and no chat reference: hour, kind, count.
	expect( Object.keys( a[ 0 ] ).sort() ).toEqual( [ 'count', 'hour', 'kind' ] );
} );

test( 'a site’s purge deletes its own expired chats, never another site’s', async () => {
	let clock = Date.now();
	const { sites } = await start( () => clock );
	const [ alpha, beta ] = sites;
	const alphaChat = await chat( alpha, 1 );
	const betaChat = await chat( beta, 1 );
	clock += 31 * 24 * HOUR; // both sites keep closed chats for 30 days
	const purge = async ( site: SiteConfig ) => {
		const res = await fetch( `http://127.0.0.1:${ service!.port }/admin/purge`, {
			method: 'POST',
			headers: { authorization: `Bearer ${ siteToken( site ) }` },
		} );
		expect( res.status ).toBe( 200 );
		return res.json();
	};
	expect( await purge( alpha ) ).toEqual( { deleted: 1 } );
	expect( await service!.store.getChat( alphaChat ) ).toBeUndefined();
	expect( ( await service!.store.getChat( betaChat ) )?.site ).toBe( 'beta' );
	expect( await purge( beta ) ).toEqual( { deleted: 1 } );
	expect( await service!.store.getChat( betaChat ) ).toBeUndefined();
} );

test( 'counters of a schema-1 database are kept and given to the first configured site', async () => {
	const old = new Database( join( dir, 'chats.sqlite' ) );
	old.exec( 'CREATE TABLE stats_hourly (hour INTEGER NOT NULL, kind TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (hour, kind)) WITHOUT ROWID' );
	const hour = Math.floor( Date.now() / HOUR ) * HOUR - 48 * HOUR;
	old.prepare( 'INSERT INTO stats_hourly VALUES (?, ?, ?)' ).run( hour, 'chat_started', 7 );
	old.prepare( 'INSERT INTO stats_hourly VALUES (?, ?, ?)' ).run( hour, 'message_received', 12 );
	old.pragma( 'user_version = 1' );
	old.close();

	const { sites } = await start();
	const [ alpha, beta ] = sites;
	expect( await stats( alpha ) ).toEqual( [
		{ hour, kind: 'chat_started', count: 7 },
		{ hour, kind: 'message_received', count: 12 },
	] );
	expect( await stats( beta ) ).toEqual( [] );
	// New counts go on beside the old ones, per site.
	await chat( beta, 2 );
	expect( total( await stats( alpha ), 'chat_started' ) ).toBe( 7 );
	expect( total( await stats( beta ), 'message_received' ) ).toBe( 2 );

	await service!.close();
	service = null;
	const db = new Database( join( dir, 'chats.sqlite' ), { readonly: true } );
	expect( db.pragma( 'user_version', { simple: true } ) ).toBe( 5 ); // the current schema (5: message rows per chat and commit)
	expect( ( db.pragma( 'table_info(stats_hourly)' ) as Array< { name: string } > ).map( ( c ) => c.name ) ).toEqual( [ 'site', 'hour', 'kind', 'count' ] );
	db.close();
} );
