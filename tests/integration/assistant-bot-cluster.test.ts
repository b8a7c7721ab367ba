/**
 * A site's own bot with two nodes (one PostgreSQL, one Redis): the bot may
 * send its reply to either node; the one that does not run the site checks
 * the signature and passes the reply to the one that does, and the visitor
 * gets it. A chat the bot was not told of is refused there as on one node.
 */
import { randomUUID } from 'node:crypto';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { startRedis, type RunningRedis } from '../helpers/redis';
import { startTestService } from '../helpers/service';
import { startTestBot, type TestBot } from '../helpers/test-bot';
import type { TestClient } from '../helpers/ws-client';

let pg: TestPostgres;
let redis: RunningRedis;
let bot: TestBot;
const SECRET = randomUUID().replace( /-/g, '' ) + 'cluster';

beforeAll( async () => {
	[ pg, redis, bot ] = await Promise.all( [ startPostgres(), startRedis( { persistence: false } ), startTestBot( SECRET ) ] );
}, 60_000 );
afterAll( async () => {
	await bot?.close();
	await redis?.stop();
	pg?.stop();
} );

test( 'the bot\'s reply reaches the visitor through either node', async () => {
	const service = { databaseUrl: pg.createDatabase(), redisUrl: redis.url };
	const a = await startTestService( {}, { service } );
	const b = await startTestService( {}, { service } );
	const open: TestClient[] = [];
	try {
		// Each answers for the site (through its owner) once the two know of each other.
		for ( const node of [ a, b ] ) expect( ( await node.http( 'GET', '/availability?site=test' ) ).status ).toBe( 200 );
		const put = await a.http( 'PUT', '/admin/assistant', { settings: { mode: 'first', bot: { url: bot.url, name: 'Acme', secret: SECRET, timeoutSeconds: 10 } }, content: { locales: {} } }, a.token( 'site', 'wordpress' ) );
		expect( put.status ).toBe( 200 );
		const visitor = await a.connect( 'visitor', 'v1' );
		open.push( visitor );
		visitor.send( { type: 'start', clientId: 's', text: 'hello' } );
		const { chat } = await visitor.next( 'started' );
		await bot.next( ( e ) => e.chat.id === chat.id && e.type === 'message' );
		for ( const [ node, text ] of [ [ a, 'via A' ], [ b, 'via B' ] ] as const ) {
			const base = `http://127.0.0.1:${ node.port }`;
			expect( await bot.reply( base, { site: 'test', chatId: chat.id, text } ) ).toEqual( { status: 200, body: { delivered: true } } );
			await visitor.next( 'message', ( m ) => m.from === 'assistant' && m.text === text );
			expect( ( await bot.reply( base, { site: 'test', chatId: randomUUID(), text } ) ).status ).toBe( 404 );
		}
		expect( bot.badSignatures ).toBe( 0 );
	} finally {
		open.forEach( ( c ) => c.close() );
		await Promise.all( [ a.stop(), b.stop() ] );
	}
}, 60_000 );
