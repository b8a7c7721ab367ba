/**
 * SitePolicies, the one owner of the policy in force, on the one-node store
 * (the real JSON file, in a temporary folder): what a start applies, what it
 * does with a file or an entry it cannot use, who is told of a save, and the
 * order of saves and re-reads on one node. tests/integration/policy.test.ts
 * runs the HTTP side on both engines; postgres-shared-state.test.ts the
 * nodes sharing PostgreSQL.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type SiteConfig } from '../../server/config';
import { policyOf, SitePolicies, type SitePolicy } from '../../server/site-policy';
import { FilePolicyStore, type PolicyStore } from '../../server/store/policies';
import { capturedLog } from '../helpers/captured-log';

let dir: string;
let file: string;
let sites: Map< string, SiteConfig >;
beforeEach( () => {
	dir = mkdtempSync( join( tmpdir(), 'cc-policies-' ) );
	file = join( dir, 'site-policies.json' );
	const config = parseConfig( {
		dataDir: dir,
		sites: [ 'a', 'b' ].map( ( id ) => ( { id, secret: 's'.repeat( 48 ), origins: [ 'https://a.test' ], defaultMode: 'stored', visitorChoosesMode: true, retentionDays: 30 } ) ),
	} );
	sites = new Map( config.sites.map( ( s ) => [ s.id, s ] ) );
} );
afterEach( () => rmSync( dir, { recursive: true, force: true } ) );

const CONFIGURED: SitePolicy = { defaultMode: 'stored', visitorChoosesMode: true, retentionDays: 30 };
const P1: SitePolicy = { defaultMode: 'ephemeral', visitorChoosesMode: false, retentionDays: 7 };
const P2: SitePolicy = { defaultMode: 'stored', visitorChoosesMode: false, retentionDays: 365 };
const messages = ( lines: Array< { msg?: string } > ) => lines.map( ( l ) => l.msg );

test( 'the saved policies are applied at start; an entry that is not a valid policy is logged and skipped, an unknown site ignored', async () => {
	writeFileSync( file, JSON.stringify( { a: P1, b: { ...P2, retentionDays: 0 }, gone: P2 } ) );
	const { log, lines } = capturedLog( 'warn' );
	await new SitePolicies( new FilePolicyStore( file ), sites, log ).load();
	expect( policyOf( sites.get( 'a' )! ) ).toEqual( P1 );
	expect( policyOf( sites.get( 'b' )! ) ).toEqual( CONFIGURED );
	expect( messages( lines ) ).toEqual( [ 'the saved policy of site b is invalid (retentionDays is at least 1); using the policy in force' ] );
} );

test( 'a file that is not JSON is logged, the configured policies stay, and the next save replaces it', async () => {
	writeFileSync( file, '{"a": ' );
	const { log, lines } = capturedLog( 'warn' );
	const policies = new SitePolicies( new FilePolicyStore( file ), sites, log );
	await policies.load();
	expect( policyOf( sites.get( 'a' )! ) ).toEqual( CONFIGURED );
	expect( messages( lines ) ).toEqual( [ `${ file } is not JSON; using the policies in force` ] );
	expect( await policies.set( 'a', P1 ) ).toEqual( P1 );
	expect( JSON.parse( readFileSync( file, 'utf8' ) ) ).toEqual( { a: P1 } );
} );

test( 'a save keeps the other sites’ policies, is applied here, and is told to the listeners; one that throws fails nothing', async () => {
	const { log, lines } = capturedLog( 'warn' );
	const policies = new SitePolicies( new FilePolicyStore( file ), sites, log );
	const told: string[] = [];
	policies.onSaved( () => {
		throw new Error( 'listener broke' );
	} );
	policies.onSaved( ( site ) => told.push( site ) );
	await policies.set( 'a', P1 );
	await policies.set( 'b', P2 );
	expect( JSON.parse( readFileSync( file, 'utf8' ) ) ).toEqual( { a: P1, b: P2 } );
	expect( [ policyOf( sites.get( 'a' )! ), policyOf( sites.get( 'b' )! ) ] ).toEqual( [ P1, P2 ] );
	expect( told ).toEqual( [ 'a', 'b' ] );
	expect( messages( lines ) ).toEqual( [ 'a listener of saved policies failed', 'a listener of saved policies failed' ] );
	// A site not configured here is refused, and nothing is saved for it.
	await expect( policies.set( 'nope', P1 ) ).rejects.toThrow( 'unknown site nope' );
	expect( Object.keys( JSON.parse( readFileSync( file, 'utf8' ) ) ) ).toEqual( [ 'a', 'b' ] );
} );

test( 'a re-read that read the old policy before a save never applies it after the save', async () => {
	const files = new FilePolicyStore( file );
	await files.save( 'a', P1 );
	// The re-read reads the file at once (P1) and answers only when let go: as a slow database would.
	let letGo!: () => void;
	const gate = new Promise< void >( ( r ) => ( letGo = r ) );
	const slow: PolicyStore = {
		read: async ( site ) => {
			const read = await files.read( site );
			await gate;
			return read;
		},
		save: ( site, policy ) => files.save( site, policy ),
		close: () => files.close(),
	};
	const { log } = capturedLog( 'warn' );
	const policies = new SitePolicies( slow, sites, log );
	const rereading = policies.refresh( 'a' );
	const saving = policies.set( 'a', P2 );
	// Time for the save to finish, were it not waiting for the re-read.
	await new Promise( ( r ) => setImmediate( r ) );
	letGo();
	await Promise.all( [ rereading, saving ] );
	expect( policyOf( sites.get( 'a' )! ) ).toEqual( P2 );
	expect( JSON.parse( readFileSync( file, 'utf8' ) ) ).toEqual( { a: P2 } );
} );
