/**
 * The assistant keeps to the chat's mode: in a no-storage chat nothing the
 * visitor or the assistant said reaches disk (the database files, WAL and
 * journal of a real service process), and the assistant logs nothing of
 * the visitor's words in any mode. A stored chat's same conversation is
 * found by the same search (control). SQLite's files; PostgreSQL's rows are
 * postgres-privacy.test.ts's subject.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { push } from '../helpers/assistant-content';
import { spawnService, type ChildService } from '../helpers/child-service';
import { filesUnder } from '../helpers/disk';
import { ORIGIN, SITE } from '../helpers/service';
import { signToken } from '../../server/tokens';
import { TestClient } from '../helpers/ws-client';

const sites = [
	{ ...SITE, id: 'eph', defaultMode: 'ephemeral' as const, visitorChoosesMode: false },
	{ ...SITE, id: 'sto', defaultMode: 'stored' as const },
];
const ANSWER = 'Shipping is **free** from 50 €.';

let svc: ChildService;
beforeAll( async () => {
	svc = await spawnService( { sites } );
} );
afterAll( () => svc.remove() );

async function client( site: string, role: 'visitor' | 'agent', sub: string ) {
	const c = await TestClient.open( svc.wsUrl, ORIGIN );
	c.send( { type: 'hello', token: signToken( { id: site, secret: SITE.secret }, { role, sub, name: role === 'agent' ? 'Ann' : undefined } ) } );
	await c.next( 'welcome' );
	return c;
}

/** A conversation with the assistant, a dialog, the hand-over and the agent; returns the visitor's secrets. */
async function withAssistant( site: string ): Promise< string[] > {
	const token = signToken( { id: site, secret: SITE.secret }, { role: 'site', sub: 'wordpress' } );
	const res = await fetch( `http://127.0.0.1:${ svc.port }/admin/assistant`, { method: 'PUT', headers: { authorization: `Bearer ${ token }` }, body: JSON.stringify( push( 'first' ) ) } );
	expect( res.status ).toBe( 200 );
	const tag = randomUUID().replace( /-/g, '' );
	const secrets = [ `shipping${ tag }`, `unknown${ tag }`, `Zelda${ tag }`, `mail${ tag }@example.org` ];
	const agent = await client( site, 'agent', 'wp:1' );
	agent.send( { type: 'presence', online: true } );
	await agent.next( 'presence', ( p ) => p.online );
	const visitor = await client( site, 'visitor', 'v1' );
	visitor.send( { type: 'start', clientId: 'c0', text: secrets[ 1 ], lang: 'en_US' } );
	const { chat } = await visitor.next( 'started' );
	expect( chat.status ).toBe( 'assistant' );
	await visitor.next( 'message', ( m ) => m.event === 'no_answer' );
	visitor.send( { type: 'send', chatId: chat.id, clientId: 'c1', text: `How much is shipping? ${ secrets[ 0 ] }` } );
	expect( ( await visitor.next( 'message', ( m ) => m.from === 'assistant' && m.seq === 4 ) ).text ).toBe( ANSWER );
	visitor.send( { type: 'send', chatId: chat.id, clientId: 'c2', text: 'Call me back' } );
	await visitor.next( 'message', ( m ) => m.form?.id === 'callback' );
	visitor.send( { type: 'submit', chatId: chat.id, clientId: 'c3', dialog: 'callback', fields: { name: secrets[ 2 ], email: secrets[ 3 ], day: '2027-03-01' } } );
	await visitor.next( 'message', ( m ) => m.event === 'agent_joined' );
	// The agent sees it all: from the store, or from the no-storage chat's memory.
	agent.send( { type: 'sync', chatId: chat.id, afterSeq: 0 } );
	expect( ( await agent.next( 'message', ( m ) => m.from === 'assistant' && m.seq === 4 ) ).text ).toBe( ANSWER );
	expect( ( await agent.next( 'message', ( m ) => m.dialog === 'callback' ) ).fields?.name ).toBe( secrets[ 2 ] );
	agent.send( { type: 'end', chatId: chat.id } );
	await visitor.next( 'chat', ( c ) => c.chat.status === 'closed' );
	visitor.close();
	agent.close();
	return secrets;
}

test( 'a no-storage chat with the assistant leaves nothing said on disk; the log has no visitor words in either mode', async () => {
	const ephemeral = await withAssistant( 'eph' );
	const stored = await withAssistant( 'sto' );
	svc.process.kill( 'SIGTERM' );
	expect( await svc.exited ).toBe( 0 );
	const files = filesUnder( svc.dataDir );
	const databases = files.filter( ( f ) => f.includes( 'chats.sqlite' ) );
	expect( databases.length ).toBeGreaterThan( 0 );
	const disk = files.map( ( f ) => readFileSync( f ).toString( 'latin1' ) ).join( '\n' );
	const chats = databases.map( ( f ) => readFileSync( f ).toString( 'latin1' ) ).join( '\n' );
	for ( const secret of ephemeral ) expect( disk.includes( secret ) ).toBe( false );
	// Control: the stored chat's words are found by the same search, and the assistant's answer with them.
	expect( stored.filter( ( s ) => disk.includes( s ) ) ).toEqual( stored );
	const answers = chats.split( 'free** from 50' ).length - 1;
	// The stored chat's answer is in the database once; the no-storage chat's is not.
	expect( answers ).toBe( 1 );
	const log = svc.log();
	expect( log ).toContain( 'consent chat service listening' );
	for ( const secret of [ ...ephemeral, ...stored ] ) expect( log.includes( secret ) ).toBe( false );
}, 30_000 );
