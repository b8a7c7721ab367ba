/**
 * The site's storage policy comes from its WordPress settings: WordPress
 * sends it (`PUT /admin/policy`), the service applies it to new chats at
 * once, keeps it across a restart, and refuses a malformed one without
 * losing the policy it had. On both engines: where the policy is kept
 * (a file in the data folder, or PostgreSQL) is the engine's business.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { POSTGRES_URL } from '../helpers/engine';
import { startTestService, type TestService } from '../helpers/service';
import type { TestClient } from '../helpers/ws-client';

let svc: TestService | undefined;
const open: TestClient[] = [];
const dir = mkdtempSync( join( tmpdir(), 'cc-policy-' ) );
afterEach( async () => {
	open.splice( 0 ).forEach( ( c ) => c.close() );
	await svc?.stop();
	svc = undefined;
} );
afterAll( () => rmSync( dir, { recursive: true, force: true } ) );

async function startedMode( s: TestService, sub: string, mode?: 'stored' | 'ephemeral' ) {
	const visitor = await s.connect( 'visitor', sub );
	open.push( visitor );
	visitor.send( { type: 'start', clientId: `c-${ sub }`, text: 'hello', ...( mode ? { mode } : {} ) } );
	return ( await visitor.next( 'started' ) ).chat.mode;
}

test( 'a policy sent by WordPress governs new chats and survives a restart', async () => {
	svc = await startTestService( { defaultMode: 'stored', visitorChoosesMode: true, retentionDays: 30 }, { dataDir: dir } );
	const site = svc.token( 'site', 'wordpress' );
	expect( ( await svc.http( 'GET', '/admin/policy', undefined, site ) ).body ).toEqual( {
		defaultMode: 'stored',
		visitorChoosesMode: true,
		retentionDays: 30,
	} );
	expect( await startedMode( svc, 'v1' ) ).toBe( 'stored' );

	const policy = { defaultMode: 'ephemeral', visitorChoosesMode: false, retentionDays: 7 };
	expect( await svc.http( 'PUT', '/admin/policy', policy, site ) ).toEqual( { status: 200, body: policy } );
	expect( await startedMode( svc, 'v2' ) ).toBe( 'ephemeral' );
	// The visitor may no longer choose: asking for storage changes nothing.
	expect( await startedMode( svc, 'v3', 'stored' ) ).toBe( 'ephemeral' );
	const status = await svc.http( 'GET', '/admin/status', undefined, site );
	expect( status.body ).toMatchObject( policy );

	// Kept by the engine: the file in the data folder, or PostgreSQL (and then not the file).
	expect( existsSync( join( dir, 'site-policies.json' ) ) ).toBe( ! POSTGRES_URL );

	await svc.stop();
	open.splice( 0 ).forEach( ( c ) => c.close() );
	// The same data folder, and on PostgreSQL the same database.
	const sameDatabase = svc.config.databaseUrl ? { databaseUrl: svc.config.databaseUrl } : {};
	svc = await startTestService( { defaultMode: 'stored', visitorChoosesMode: true, retentionDays: 30 }, { dataDir: dir, service: sameDatabase } );
	expect( ( await svc.http( 'GET', '/admin/policy', undefined, svc.token( 'site', 'wordpress' ) ) ).body ).toEqual( policy );
	expect( await startedMode( svc, 'v4' ) ).toBe( 'ephemeral' );
} );

test( 'a malformed policy, or one from a visitor, is refused and the old one stays', async () => {
	svc = await startTestService( { defaultMode: 'stored', retentionDays: 30 } );
	const site = svc.token( 'site', 'wordpress' );
	const bad: Array< [ unknown, RegExp ] > = [
		[ { defaultMode: 'forever', visitorChoosesMode: true, retentionDays: 5 }, /defaultMode/ ],
		[ { defaultMode: 'stored', visitorChoosesMode: 'yes', retentionDays: 5 }, /visitorChoosesMode/ ],
		[ { defaultMode: 'stored', visitorChoosesMode: true, retentionDays: 0 }, /retentionDays/ ],
		[ { defaultMode: 'stored', visitorChoosesMode: true, retentionDays: 2.5 }, /retentionDays/ ],
		[ { defaultMode: 'stored', visitorChoosesMode: true }, /retentionDays/ ],
		[ { defaultMode: 'stored', visitorChoosesMode: true, retentionDays: 5, ip: '1.2.3.4' }, /ip/ ],
	];
	for ( const [ body, message ] of bad ) {
		const res = await svc.http( 'PUT', '/admin/policy', body, site );
		expect( res.status ).toBe( 400 );
		expect( res.body.error ).toBe( 'bad_request' );
		expect( res.body.message ).toMatch( message );
	}
	expect( ( await svc.http( 'PUT', '/admin/policy', '{"defaultMode":', site ) ).body.error ).toBe( 'bad_json' );
	const asVisitor = await svc.http( 'PUT', '/admin/policy', { defaultMode: 'ephemeral', visitorChoosesMode: true, retentionDays: 5 }, svc.token( 'visitor', 'v' ) );
	expect( asVisitor.status ).toBe( 403 );
	expect( ( await svc.http( 'GET', '/admin/policy', undefined, site ) ).body ).toEqual( {
		defaultMode: 'stored',
		visitorChoosesMode: true,
		retentionDays: 30,
	} );
} );
