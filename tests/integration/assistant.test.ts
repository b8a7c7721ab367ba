/**
 * The site's built-in assistant in the real service, over real sockets:
 * WordPress pushes its settings and content (`PUT /admin/assistant`), kept
 * over a restart; a chat it serves gets answers, suggestions and dialogs; it
 * hands over to the people's queue on request, by the person option, or after
 * `handoverAfter` messages it found nothing for; the agent sees the history
 * marked as the assistant's; the hourly counters count it. On both engines.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatMessage } from '../../server/protocol';
import { CONTENT, PERSON, push } from '../helpers/assistant-content';
import { POSTGRES_URL } from '../helpers/engine';
import { ORIGIN, startTestService, type TestService } from '../helpers/service';
import { TestClient } from '../helpers/ws-client';

let svc: TestService;
const open: TestClient[] = [];
let site: string;
beforeEach( async () => {
	svc = await startTestService();
	site = svc.token( 'site', 'wordpress' );
} );
afterEach( async () => {
	open.splice( 0 ).forEach( ( c ) => c.close() );
	await svc?.stop();
} );

async function pushed( body: unknown ): Promise< void > {
	const res = await svc.http( 'PUT', '/admin/assistant', body, site );
	expect( res.status ).toBe( 200 );
}

async function onlineAgent( sub = 'wp:1', name = 'Ann' ): Promise< TestClient > {
	const agent = await svc.connect( 'agent', sub, name );
	open.push( agent );
	agent.send( { type: 'presence', online: true } );
	await agent.next( 'presence', ( p ) => p.online );
	return agent;
}

/** A visitor who started a chat with `text`; resolves with the chat as `started` showed it. */
async function visitorStarts( text: string, extra: { lang?: string; dept?: string; mode?: 'stored' | 'ephemeral' } = {}, sub = 'v1' ) {
	const visitor = await svc.connect( 'visitor', sub );
	open.push( visitor );
	visitor.send( { type: 'start', clientId: 's', text, lang: 'en_US', ...extra } );
	const { chat } = await visitor.next( 'started' );
	return { visitor, chat };
}

let sent = 0;
function say( visitor: TestClient, chatId: string, text: string ): void {
	visitor.send( { type: 'send', chatId, clientId: `m${ ++sent }`, text } );
}

const fromAssistant = ( v: TestClient, where: ( m: ChatMessage ) => boolean = () => true ) => v.next( 'message', ( m ) => m.from === 'assistant' && where( m ) );

async function counters(): Promise< Record< string, number > > {
	const { body } = await svc.http( 'GET', '/admin/stats', undefined, site );
	const total: Record< string, number > = {};
	for ( const r of body.rows as Array< { kind: string; count: number } > ) total[ r.kind ] = ( total[ r.kind ] ?? 0 ) + r.count;
	return total;
}

test( 'WordPress pushes settings and content: checked with the path at fault, size-limited, kept over a restart', async () => {
	const dir = mkdtempSync( join( tmpdir(), 'cc-assistant-' ) );
	await svc.stop();
	svc = await startTestService( {}, { dataDir: dir } );
	site = svc.token( 'site', 'wordpress' );
	try {
		// Nothing sent yet: off, no content.
		expect( ( await svc.http( 'GET', '/admin/assistant', undefined, site ) ).body ).toEqual( { settings: { mode: 'off', departments: {}, handoverAfter: 2 }, content: { locales: {} } } );
		const res = await svc.http( 'PUT', '/admin/assistant', push( 'first' ), site );
		expect( res ).toEqual( { status: 200, body: { settings: { mode: 'first', departments: {}, handoverAfter: 2 }, locales: { en_US: { answers: 5, dialogs: 3 }, de_DE: { answers: 2, dialogs: 0 } } } } );

		const broken = JSON.parse( JSON.stringify( push( 'first' ) ) );
		broken.content.locales.en_US.answers[ 0 ].options[ 0 ].answer = 'nowhere';
		const bad = await svc.http( 'PUT', '/admin/assistant', broken, site );
		expect( bad.status ).toBe( 400 );
		expect( bad.body ).toMatchObject( { error: 'bad_request', code: 'unknown_reference', path: 'content.locales.en_US.answers.0.options.0.answer' } );
		const badMode = await svc.http( 'PUT', '/admin/assistant', { settings: { mode: 'always' }, content: CONTENT }, site );
		expect( badMode.body ).toMatchObject( { error: 'bad_request', code: 'invalid', path: 'settings.mode' } );
		expect( ( await svc.http( 'PUT', '/admin/assistant', '{"settings":', site ) ).body.error ).toBe( 'bad_json' );
		// Refused pushes changed nothing (GET: as checked, defaults filled in).
		const inForce = ( await svc.http( 'GET', '/admin/assistant', undefined, site ) ).body;
		expect( inForce ).toMatchObject( { settings: { mode: 'first', departments: {}, handoverAfter: 2 }, content: CONTENT } );
		expect( inForce.content.locales.en_US.answers[ 0 ].options[ 0 ].answer ).toBe( 'returns' );
		// Over the limit (4 MB): refused before it is parsed; a realistic 2,000 answers fit.
		const huge = { settings: {}, content: { locales: { en_US: { answers: [ { id: 'a', title: 'A', questions: [ 'x'.repeat( 5_000_000 ) ], answer: 'a' } ] } } } };
		expect( ( await svc.http( 'PUT', '/admin/assistant', huge, site ) ) ).toMatchObject( { status: 413, body: { error: 'too_large' } } );
		const many = Array.from( { length: 2000 }, ( _, i ) => ( {
			id: `answer-${ i }`,
			title: `Question number ${ i } about our products`,
			questions: [ `How does product ${ i } work in detail?`, `What is special about item ${ i }?`, `Can I order ${ i } online?` ],
			answer: `Product ${ i } works like this: ${ 'a clear explanation of the product. '.repeat( 12 ) }`,
		} ) );
		const big = { settings: { mode: 'first' }, content: { locales: { en_US: { answers: many } } } };
		expect( JSON.stringify( big ).length ).toBeGreaterThan( 1_000_000 );
		expect( ( await svc.http( 'PUT', '/admin/assistant', big, site ) ).status ).toBe( 200 );
		// A visitor may not push.
		expect( ( await svc.http( 'PUT', '/admin/assistant', push( 'off' ), svc.token( 'visitor', 'v' ) ) ).status ).toBe( 403 );
		expect( ( await svc.http( 'GET', '/admin/assistant', undefined, site ) ).body.content.locales.en_US.answers ).toHaveLength( 2000 );
		await pushed( push( 'first' ) );

		// Kept by the engine: a file per site in the data folder, or PostgreSQL (and then no file).
		expect( existsSync( join( dir, 'assistant', 'test.json' ) ) ).toBe( ! POSTGRES_URL );
		await svc.stop();
		const sameDatabase = svc.config.databaseUrl ? { databaseUrl: svc.config.databaseUrl } : {};
		svc = await startTestService( {}, { dataDir: dir, service: sameDatabase } );
		site = svc.token( 'site', 'wordpress' );
		expect( ( await svc.http( 'GET', '/admin/assistant', undefined, site ) ).body.content ).toMatchObject( CONTENT );
		const { visitor, chat } = await visitorStarts( 'How much is shipping?' );
		expect( chat.status ).toBe( 'assistant' );
		expect( ( await fromAssistant( visitor ) ).text ).toBe( 'Shipping is **free** from 50 €.' );
	} finally {
		open.splice( 0 ).forEach( ( c ) => c.close() );
		await svc.stop();
		svc = await startTestService();
		rmSync( dir, { recursive: true, force: true } );
	}
	// Two restarts and a 1 MB push: on PostgreSQL, beside other suites, past jest's default 5 s.
}, 30_000 );

test( 'a stored chat the assistant serves carries on after a restart of the service', async () => {
	const dir = mkdtempSync( join( tmpdir(), 'cc-assistant-' ) );
	await svc.stop();
	svc = await startTestService( {}, { dataDir: dir } );
	site = svc.token( 'site', 'wordpress' );
	try {
		await pushed( push( 'first' ) );
		const visitor = await svc.connect( 'visitor', 'v1' );
		visitor.send( { type: 'start', clientId: 's', text: 'How much is shipping?', lang: 'en_US' } );
		const { chat, code } = await visitor.next( 'started' );
		const answer = await fromAssistant( visitor );
		visitor.close();
		await svc.stop();
		const sameDatabase = svc.config.databaseUrl ? { databaseUrl: svc.config.databaseUrl } : {};
		svc = await startTestService( {}, { dataDir: dir, service: sameDatabase } );
		const back = await TestClient.open( svc.wsUrl, ORIGIN );
		open.push( back );
		back.send( { type: 'hello', token: svc.token( 'visitor', 'v1' ), resume: { chatId: chat.id, code, lastSeq: answer.seq } } );
		expect( ( await back.next( 'welcome' ) ).chats[ 0 ].status ).toBe( 'assistant' );
		say( back, chat.id, 'When are you open?' );
		expect( ( await fromAssistant( back, ( m ) => m.seq > answer.seq ) ).text ).toBe( 'Monday to Friday, 9 to 5.' );
	} finally {
		open.splice( 0 ).forEach( ( c ) => c.close() );
		await svc.stop();
		svc = await startTestService();
		rmSync( dir, { recursive: true, force: true } );
	}
}, 20_000 );

test( 'a confident match is answered with its options; an option followed by its label; availability says so', async () => {
	expect( ( await svc.http( 'GET', '/availability?site=test' ) ).body ).toEqual( { site: 'test', dept: null, online: false, assistant: false } );
	await pushed( push( 'first' ) );
	expect( ( await svc.http( 'GET', '/availability?site=test' ) ).body ).toEqual( { site: 'test', dept: null, online: false, assistant: true } );
	const { visitor, chat } = await visitorStarts( 'How much is shipping?' );
	expect( chat.status ).toBe( 'assistant' );
	const answer = await fromAssistant( visitor );
	expect( answer ).toMatchObject( { text: 'Shipping is **free** from 50 €.', options: [ 'Changed my mind', 'Call me back', 'Send us a brochure request', 'Rate us', PERSON ] } );
	// Numbered after the visitor's own message.
	expect( answer.seq ).toBe( 2 );
	// An option's label (in any case) follows it: no match of the words would find this answer.
	say( visitor, chat.id, 'changed MY mind' );
	expect( ( await fromAssistant( visitor, ( m ) => m.seq > answer.seq ) ).text ).toBe( 'Send it back within _30 days_.' );
	// German, and a visitor language without content of its own (de_AT) gets the same language's.
	const de = await visitorStarts( 'Was kostet der Versand?', { lang: 'de_AT' }, 'v2' );
	expect( ( await fromAssistant( de.visitor ) ).text ).toBe( 'Ab 50 € **versandkostenfrei**.' );
	expect( await counters() ).toMatchObject( { assistant_answered: 3 } );
} );

test( 'no confident match: the closest answers as options with the person offer; picking one answers it', async () => {
	await pushed( push( 'first' ) );
	const { visitor, chat } = await visitorStarts( 'gift card' );
	const suggestion = await fromAssistant( visitor );
	expect( suggestion ).toMatchObject( { event: 'suggestions', text: '', person: true } );
	expect( [ ...( suggestion.options ?? [] ) ].sort() ).toEqual( [ 'Buying a gift card', 'Gift card balance' ] );
	say( visitor, chat.id, 'Gift card balance' );
	expect( ( await fromAssistant( visitor, ( m ) => m.seq > suggestion.seq ) ).text ).toBe( 'See your balance in your account.' );
	expect( await counters() ).toMatchObject( { assistant_answered: 1 } );
	expect( ( await counters() ).assistant_no_answer ).toBeUndefined();
} );

test( 'after handoverAfter messages it found nothing for, the chat goes to the queue; the agent sees the history marked as the assistant\'s', async () => {
	await pushed( push( 'first' ) );
	const agent = await onlineAgent();
	const { visitor, chat } = await visitorStarts( 'When are you open?' );
	await fromAssistant( visitor );
	say( visitor, chat.id, 'qwxz blorp' );
	const none = await fromAssistant( visitor, ( m ) => m.event === 'no_answer' );
	expect( none ).toMatchObject( { text: '', person: true } );
	say( visitor, chat.id, 'zzkq vvmp' );
	await visitor.next( 'message', ( m ) => m.event === 'handed_over' );
	await visitor.next( 'message', ( m ) => m.event === 'agent_joined' );
	expect( ( await visitor.next( 'chat', ( c ) => c.chat.status === 'active' ) ).chat.agentName ).toBe( 'Ann' );
	// The console asks for the history of a chat it did not hold.
	agent.send( { type: 'sync', chatId: chat.id, afterSeq: 0 } );
	const history: ChatMessage[] = [];
	for ( let seq = 1; seq <= 7; seq++ ) history.push( await agent.next( 'message', ( m ) => m.chatId === chat.id && m.seq === seq ) );
	expect( history.map( ( m ) => [ m.from, m.text || m.event ] ) ).toEqual( [
		[ 'visitor', 'When are you open?' ],
		[ 'assistant', 'Monday to Friday, 9 to 5.' ],
		[ 'visitor', 'qwxz blorp' ],
		[ 'assistant', 'no_answer' ],
		[ 'visitor', 'zzkq vvmp' ],
		[ 'system', 'handed_over' ],
		[ 'system', 'agent_joined' ],
	] );
	// From now on the people answer: the assistant says nothing more.
	say( visitor, chat.id, 'When are you open?' );
	const relayed = await agent.next( 'message', ( m ) => m.seq === 8 );
	expect( relayed.from ).toBe( 'visitor' );
	agent.send( { type: 'send', chatId: chat.id, clientId: 'a1', text: 'We open at nine.' } );
	expect( ( await visitor.next( 'message', ( m ) => m.seq === 9 ) ).from ).toBe( 'agent' );
	expect( await counters() ).toMatchObject( { assistant_answered: 1, assistant_no_answer: 2, assistant_handed_over: 1 } );
} );

test( 'two unanswerable messages at once hand over once', async () => {
	await pushed( push( 'first', { handoverAfter: 1 } ) );
	const agent = await onlineAgent();
	const { visitor, chat } = await visitorStarts( 'When are you open?' );
	await fromAssistant( visitor );
	say( visitor, chat.id, 'qwxz blorp' );
	say( visitor, chat.id, 'zzkq vvmp' );
	const joined = await visitor.next( 'message', ( m ) => m.event === 'agent_joined' );
	// Both messages were answered (acknowledged) before the agent's sync below.
	await visitor.acked( `m${ sent }` );
	agent.send( { type: 'sync', chatId: chat.id, afterSeq: 0 } );
	const events: string[] = [];
	for ( let seq = 1; seq <= joined.seq; seq++ ) {
		const m = await agent.next( 'message', ( x ) => x.chatId === chat.id && x.seq === seq );
		events.push( m.event ?? m.from );
	}
	expect( events.filter( ( e ) => e === 'handed_over' ) ).toHaveLength( 1 );
	expect( visitor.frames.filter( ( f ) => f.type === 'error' ) ).toEqual( [] );
	expect( await counters() ).toMatchObject( { assistant_no_answer: 1, assistant_handed_over: 1 } );
} );

test( 'the handover frame and the person option queue the chat; with nobody online the visitor is offered the contact form', async () => {
	await pushed( push( 'first' ) );
	// Nobody online: offered the contact form, the chat stays with the assistant.
	const alone = await visitorStarts( 'How much is shipping?' );
	await fromAssistant( alone.visitor );
	alone.visitor.send( { type: 'handover', chatId: alone.chat.id } );
	expect( ( await alone.visitor.next( 'message', ( m ) => m.event === 'contact_offered' ) ).from ).toBe( 'system' );
	say( alone.visitor, alone.chat.id, 'When are you open?' );
	expect( ( await fromAssistant( alone.visitor, ( m ) => m.text.startsWith( 'Monday' ) ) ).from ).toBe( 'assistant' );

	// An agent online: the frame hands over; a second one at once, or after, is refused (one hand-over counted below).
	await onlineAgent();
	alone.visitor.send( { type: 'handover', chatId: alone.chat.id } );
	alone.visitor.send( { type: 'handover', chatId: alone.chat.id } );
	expect( ( await alone.visitor.next( 'error' ) ).code ).toBe( 'conflict' );
	await alone.visitor.next( 'message', ( m ) => m.event === 'handed_over' );
	await alone.visitor.next( 'message', ( m ) => m.event === 'agent_joined' );
	alone.visitor.send( { type: 'handover', chatId: alone.chat.id } );
	expect( ( await alone.visitor.next( 'error' ) ).code ).toBe( 'conflict' );

	// The person option, by its label (any case), with an agent online.
	const second = await visitorStarts( 'How much is shipping?', {}, 'v2' );
	await fromAssistant( second.visitor );
	say( second.visitor, second.chat.id, 'talk to a person' );
	await second.visitor.next( 'message', ( m ) => m.event === 'handed_over' );
	await second.visitor.next( 'message', ( m ) => m.event === 'agent_joined' );
	expect( await counters() ).toMatchObject( { assistant_handed_over: 2 } );
} );

test( 'when_offline: with an agent online the chat is queued as before; with none the assistant answers', async () => {
	await pushed( push( 'when_offline', { departments: { sales: 'off' } } ) );
	const agent = await onlineAgent();
	expect( ( await svc.http( 'GET', '/availability?site=test' ) ).body ).toMatchObject( { online: true, assistant: false } );
	const queued = await visitorStarts( 'How much is shipping?' );
	expect( queued.chat.status ).toBe( 'waiting' );
	await queued.visitor.next( 'message', ( m ) => m.event === 'agent_joined' );

	agent.send( { type: 'presence', online: false } );
	await agent.next( 'presence', ( p ) => ! p.online );
	expect( ( await svc.http( 'GET', '/availability?site=test' ) ).body ).toMatchObject( { online: false, assistant: true } );
	const assisted = await visitorStarts( 'How much is shipping?', {}, 'v2' );
	expect( assisted.chat.status ).toBe( 'assistant' );
	expect( ( await fromAssistant( assisted.visitor ) ).text ).toContain( 'free' );
	// A department whose mode is off: queued even with nobody online.
	expect( ( await svc.http( 'GET', '/availability?site=test&dept=sales' ) ).body ).toMatchObject( { online: false, assistant: false } );
	const sales = await visitorStarts( 'How much is shipping?', { dept: 'sales' }, 'v3' );
	expect( sales.chat.status ).toBe( 'waiting' );
} );

test( 'a dialog: its definition is sent, a wrong submit is refused, the complete one does its action', async () => {
	await pushed( push( 'first' ) );
	const agent = await onlineAgent();
	const { visitor, chat } = await visitorStarts( 'How much is shipping?' );
	await fromAssistant( visitor );
	say( visitor, chat.id, 'Call me back' );
	const asked = await fromAssistant( visitor, ( m ) => m.form !== undefined );
	expect( asked.form ).toEqual( { id: 'callback', title: 'Call me back', steps: CONTENT.locales.en_US.dialogs[ 0 ].steps.map( ( s ) => ( { required: true, ...s } ) ) } );
	visitor.send( { type: 'submit', chatId: chat.id, clientId: 'd1', dialog: 'callback', fields: { name: 'Ann Lee', email: 'not-mail', day: '2027-03-01' } } );
	const refused = await visitor.next( 'error' );
	expect( refused ).toMatchObject( { code: 'bad_frame' } );
	expect( refused.message ).toMatch( /"email"/ );
	const fields = { name: 'Ann Lee', email: 'ann@example.org', day: '2027-03-01' };
	visitor.send( { type: 'submit', chatId: chat.id, clientId: 'd2', dialog: 'callback', fields } );
	await visitor.next( 'message', ( m ) => m.event === 'handed_over' );
	await visitor.next( 'message', ( m ) => m.event === 'agent_joined' );
	// The agent sees the answers in the history.
	agent.send( { type: 'sync', chatId: chat.id, afterSeq: 0 } );
	expect( ( await agent.next( 'message', ( m ) => m.dialog === 'callback' ) ).fields ).toEqual( fields );

	// `contact` and `end`, in another chat (nobody else online: Ann may take more, so go offline first).
	agent.send( { type: 'presence', online: false } );
	await agent.next( 'presence', ( p ) => ! p.online );
	const other = await visitorStarts( 'How much is shipping?', {}, 'v2' );
	await fromAssistant( other.visitor );
	say( other.visitor, other.chat.id, 'Send us a brochure request' );
	await fromAssistant( other.visitor, ( m ) => m.form?.id === 'brochure' );
	other.visitor.send( { type: 'submit', chatId: other.chat.id, clientId: 'b1', dialog: 'brochure', fields: { email: 'ann@example.org' } } );
	expect( await other.visitor.next( 'message', ( m ) => m.event === 'contact_offered' ) ).toMatchObject( { from: 'system', dialog: 'brochure' } );
	say( other.visitor, other.chat.id, 'How much is shipping?' );
	const again = await fromAssistant( other.visitor, ( m ) => m.options !== undefined && m.seq > 5 );
	say( other.visitor, other.chat.id, 'Rate us' );
	await fromAssistant( other.visitor, ( m ) => m.form?.id === 'feedback' && m.seq > again.seq );
	other.visitor.send( { type: 'submit', chatId: other.chat.id, clientId: 'f1', dialog: 'feedback', fields: { stars: 'Five' } } );
	expect( ( await fromAssistant( other.visitor, ( m ) => m.text === 'Thank you for rating us.' ) ).from ).toBe( 'assistant' );
	// A dialog the assistant did not ask for in this chat is an ordinary submit: kept, no action.
	other.visitor.send( { type: 'submit', chatId: other.chat.id, clientId: 'f2', dialog: 'callback', fields: { name: 'x' } } );
	const plain = await other.visitor.next( 'message', ( m ) => m.clientId === 'f2' );
	say( other.visitor, other.chat.id, 'When are you open?' );
	const after = await fromAssistant( other.visitor, ( m ) => m.seq > plain.seq );
	expect( after.seq ).toBe( plain.seq + 2 );
	expect( after.text ).toMatch( /^Monday/ );
} );
