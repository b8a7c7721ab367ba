/**
 * SiteAssistants, the one owner of each site's assistant in force, on the
 * one-node store (real files in a temporary folder): what a start applies,
 * what it does with a document it cannot use (logged without its content),
 * a save that fails (nothing changes), who is told of a save. The HTTP side
 * on both engines: tests/integration/assistant.test.ts; two nodes:
 * cluster.test.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAssistantPush, type AssistantPush } from '../../server/assistant/settings';
import { SiteAssistants } from '../../server/assistant/site-assistants';
import { FileAssistantStore, type AssistantStore } from '../../server/store/assistant';
import { push } from '../helpers/assistant-content';
import { capturedLog } from '../helpers/captured-log';

let dir: string;
beforeEach( () => {
	dir = mkdtempSync( join( tmpdir(), 'cc-assistants-' ) );
} );
afterEach( () => rmSync( dir, { recursive: true, force: true } ) );

const checked = ( raw: unknown ): AssistantPush => {
	const parsed = parseAssistantPush( raw );
	if ( ! parsed.ok ) throw new Error( parsed.message );
	return parsed.push;
};
const SITES = new Set( [ 'a', 'b', 'c' ] );

test( 'saved documents are in force at start; an unreadable or invalid one is logged without its content and skipped; an unknown site ignored', async () => {
	mkdirSync( dir, { recursive: true } );
	writeFileSync( join( dir, 'a.json' ), JSON.stringify( push( 'first' ) ) );
	const invalid = JSON.parse( JSON.stringify( push( 'first' ) ) );
	invalid.content.locales.en_US.answers[ 0 ].answer = '';
	invalid.content.locales.en_US.answers[ 1 ].title = 'secret-title-in-content';
	writeFileSync( join( dir, 'b.json' ), JSON.stringify( invalid ) );
	writeFileSync( join( dir, 'c.json' ), '{"settings":' );
	writeFileSync( join( dir, 'gone.json' ), JSON.stringify( push( 'first' ) ) );
	const { log, lines, text } = capturedLog( 'warn' );
	const assistants = new SiteAssistants( new FileAssistantStore( dir ), SITES, log );
	await assistants.load();
	expect( assistants.get( 'a' )?.modeFor( null ) ).toBe( 'first' );
	expect( assistants.get( 'a' )?.indexes.match( 'en_US', 'How much is shipping?' ) ).toMatchObject( { kind: 'answer', id: 'shipping' } );
	expect( assistants.get( 'b' ) ).toBeUndefined();
	expect( assistants.get( 'c' ) ).toBeUndefined();
	expect( assistants.get( 'gone' ) ).toBeUndefined();
	expect( lines.map( ( l ) => l.site ) ).toEqual( [ 'b', 'c' ] );
	expect( lines[ 0 ].msg ).toContain( 'content.locales.en_US.answers.0.answer' );
	expect( text() ).not.toContain( 'secret-title-in-content' );
} );

test( 'a save puts the push in force and tells the listeners; a failed save changes nothing and tells no one', async () => {
	const store = new FileAssistantStore( dir );
	let failing = false;
	const flaky: AssistantStore = {
		read: ( site ) => store.read( site ),
		save: ( site, p ) => ( failing ? Promise.reject( new Error( 'disk full' ) ) : store.save( site, p ) ),
		close: () => store.close(),
	};
	const { log } = capturedLog( 'warn' );
	const assistants = new SiteAssistants( flaky, SITES, log );
	const told: string[] = [];
	assistants.onSaved( ( site ) => told.push( site ) );
	await assistants.set( 'a', checked( push( 'first' ) ) );
	expect( told ).toEqual( [ 'a' ] );
	failing = true;
	await expect( assistants.set( 'a', checked( push( 'off' ) ) ) ).rejects.toThrow( 'disk full' );
	expect( assistants.get( 'a' )?.modeFor( null ) ).toBe( 'first' );
	expect( told ).toEqual( [ 'a' ] );
	await expect( assistants.set( 'nope', checked( push( 'first' ) ) ) ).rejects.toThrow( /unknown site/ );
	// Another instance on the same folder (a restart) reads what was saved.
	const again = new SiteAssistants( store, SITES, log );
	await again.load();
	expect( again.get( 'a' )?.push.settings.mode ).toBe( 'first' );
} );

test( 'the mode per department, off without content; the locale for a visitor', async () => {
	const a = new SiteAssistants( new FileAssistantStore( dir ), SITES, capturedLog( 'warn' ).log );
	await a.set( 'a', checked( push( 'when_offline', { departments: { sales: 'first', support: 'off' } } ) ) );
	const site = a.get( 'a' )!;
	expect( [ site.servesNewChat( null, true ), site.servesNewChat( null, false ) ] ).toEqual( [ false, true ] );
	expect( [ site.servesNewChat( 'sales', true ), site.servesNewChat( 'support', false ), site.servesNewChat( 'other', false ) ] ).toEqual( [ true, false, true ] );
	expect( [ site.localeFor( null ), site.localeFor( 'de_AT' ), site.localeFor( 'fr_FR' ) ] ).toEqual( [ 'en_US', 'de_DE', 'en_US' ] );
	await a.set( 'b', checked( { settings: { mode: 'first' }, content: { locales: {} } } ) );
	expect( a.get( 'b' )!.servesNewChat( null, false ) ).toBe( false );
} );
