/**
 * `npm run plugin-zip` makes the zip a site owner uploads in wp-admin. It must
 * hold everything WordPress loads (a missing file is a fatal error or a blank
 * screen on someone's live site) and nothing else: no sources, tests, service,
 * dotfiles or shell scripts. Read back with Info-ZIP's unzip, an implementation
 * other than the one that wrote it. Runs on the build `npm test` makes first
 * (as bundle-size.test.ts does).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';

const ROOT = join( __dirname, '../..' );
const TOP = 'consent-chat/';

let dir: string;
let zip: string;
/** The zip's file names without the top folder; folders (ending in "/") left out. */
let files: Set< string >;

beforeAll( () => {
	dir = mkdtempSync( join( tmpdir(), 'cc-plugin-zip-' ) );
	zip = join( dir, 'consent-chat.zip' );
	execFileSync( process.execPath, [ join( ROOT, 'scripts/plugin-zip.mjs' ), `--out=${ zip }` ], { cwd: ROOT, stdio: 'pipe' } );
	const names = execFileSync( 'unzip', [ '-Z1', zip ], { encoding: 'utf8' } ).split( '\n' ).filter( Boolean );
	// WordPress installs into wp-content/plugins/<top folder>: one folder, the plugin's slug.
	expect( names.filter( ( n ) => ! n.startsWith( TOP ) ) ).toEqual( [] );
	files = new Set( names.filter( ( n ) => ! n.endsWith( '/' ) ).map( ( n ) => n.slice( TOP.length ) ) );
} );

afterAll( () => rmSync( dir, { recursive: true, force: true } ) );

/** Files under a folder of the working tree, relative to ROOT, as the zip would name them. */
function treeFiles( rel: string ): string[] {
	return readdirSync( join( ROOT, rel ) ).flatMap( ( name ) =>
		statSync( join( ROOT, rel, name ) ).isDirectory() ? treeFiles( `${ rel }/${ name }` ) : [ `${ rel }/${ name }` ]
	);
}

const php = ( rel: string ): string => readFileSync( join( ROOT, rel ), 'utf8' );

test( 'the zip is intact and holds exactly the plugin’s top-level layout', () => {
	// -t decompresses every entry and checks its CRC.
	expect( execFileSync( 'unzip', [ '-tq', zip ], { encoding: 'utf8' } ) ).toMatch( /^No errors detected/ );
	const top = new Set( [ ...files ].map( ( f ) => f.split( '/' )[ 0 ] ) );
	expect( [ ...top ].sort() ).toEqual( [ 'build', 'includes', 'languages', 'plugin.php', 'readme.txt', 'uninstall.php' ] );
	const built = new Set( [ ...files ].filter( ( f ) => f.startsWith( 'build/' ) ).map( ( f ) => f.split( '/' )[ 1 ] ) );
	expect( [ ...built ].sort() ).toEqual( [ 'admin', 'chat', 'client' ] );
	// What WordPress runs is byte for byte what is in the tree.
	expect( execFileSync( 'unzip', [ '-p', zip, `${ TOP }plugin.php` ] ) ).toEqual( readFileSync( join( ROOT, 'plugin.php' ) ) );
} );

test( 'every PHP file the plugin loads is inside, and every includes/ file', () => {
	const required = [ ...php( 'plugin.php' ).matchAll( /require(?:_once)?\s+CONSENT_CHAT_DIR\s*\.\s*'([^']+)'/g ) ].map( ( m ) => m[ 1 ] );
	expect( required.length ).toBeGreaterThan( 20 );
	for ( const f of [ ...required, ...treeFiles( 'includes' ) ] ) expect( files ).toContain( f );
	// Nothing in the plugin loads PHP from outside the list by another path (a stray __DIR__ or dirname).
	for ( const f of [ 'plugin.php', 'uninstall.php', ...treeFiles( 'includes' ), 'build/chat/render.php' ] ) {
		for ( const m of php( f ).matchAll( /\b(?:require|include)(?:_once)?\b\s*\(?\s*([^;]+);/g ) ) {
			expect( { file: f, loads: m[ 1 ] } ).toMatchObject( { loads: expect.stringMatching( /^(CONSENT_CHAT_DIR|ABSPATH|\$file)\b/ ) } );
		}
	}
} );

test( 'every asset a registered script, style or block needs is inside', () => {
	const sources = [ 'plugin.php', ...treeFiles( 'includes' ) ].map( php ).join( '\n' );
	// Literal paths: CONSENT_CHAT_URL . 'build/client/loader.js', register_block_type( … 'build/chat' ).
	const literal = [ ...sources.matchAll( /'(build\/[^'$]+)'/g ) ].map( ( m ) => m[ 1 ] );
	expect( literal.length ).toBeGreaterThan( 15 );
	// The dependency/version files read by Assets::asset( 'client/loader' ) and asset_info().
	const assetFiles = [ ...sources.matchAll( /asset(?:_info)?\(\s*'([^']+)'\s*\)/g ) ].map( ( m ) => `build/${ m[ 1 ] }.asset.php` );
	expect( assetFiles.length ).toBeGreaterThan( 5 );
	// What the block's metadata points to (editorScript "file:./index.js", render "file:./render.php"),
	// and the dependency file WordPress reads beside each file: script.
	const block = JSON.parse( readFileSync( join( ROOT, 'build/chat/block.json' ), 'utf8' ) ) as Record< string, unknown >;
	const fromBlock = Object.values( block )
		.flat()
		.filter( ( v ): v is string => typeof v === 'string' && v.startsWith( 'file:./' ) )
		.map( ( v ) => posix.join( 'build/chat', v.slice( 'file:./'.length ) ) );
	expect( fromBlock ).toEqual( expect.arrayContaining( [ 'build/chat/index.js', 'build/chat/render.php' ] ) );
	const blockScripts = fromBlock.filter( ( f ) => f.endsWith( '.js' ) ).map( ( f ) => f.replace( /\.js$/, '.asset.php' ) );

	for ( const f of [ ...literal.filter( ( p ) => p !== 'build/chat' ), ...assetFiles, 'build/chat/block.json', ...fromBlock, ...blockScripts ] ) {
		expect( files ).toContain( f );
	}
	// And the whole of what the front-end build made (right-to-left styles included), so an asset
	// registered by a computed path is not left behind either.
	const built = [ 'build/chat', 'build/admin', 'build/client' ].flatMap( treeFiles ).filter( ( f ) => ! /(^|\/)\.|\.map$/.test( f ) );
	expect( [ ...files ].filter( ( f ) => f.startsWith( 'build/' ) ).sort() ).toEqual( built.sort() );
} );

test( 'the translations WordPress loads are inside: the .mo and each translated script’s JSON', () => {
	expect( files ).toContain( 'languages/consent-chat-de_DE.mo' );
	// wp_set_script_translations() looks for <domain>-<locale>-<md5 of the script's path>.json.
	for ( const script of [ 'build/admin/console.js', 'build/admin/settings.js', 'build/admin/stats.js', 'build/chat/index.js' ] ) {
		expect( files ).toContain( `languages/consent-chat-de_DE-${ createHash( 'md5' ).update( script ).digest( 'hex' ) }.json` );
	}
	// The template and the source of the German translation, for translation tools on the site.
	expect( files ).toContain( 'languages/consent-chat.pot' );
	expect( files ).toContain( 'languages/consent-chat-de_DE.po' );
} );

test( 'no sources, tests, service, dependencies, dotfiles, shell scripts or source maps', () => {
	const forbidden = [
		/\.tsx?$/, // TypeScript sources
		/^(admin|blocks|client|server|tests|scripts|docs|types|node_modules|data)\//,
		/(^|\/)node_modules\//,
		/(^|\/)\./, // dotfiles and dot-folders (.gitignore, build/.stamp, .ci/)
		/\.sh$/,
		/^build\/server\//,
		/\.map$/,
		/^(package(-lock)?\.json|tsconfig\.json|jest\.config\.js|playwright\.config\.ts|webpack\.config\.js|README\.md)$/,
	];
	const found = [ ...files ].filter( ( f ) => forbidden.some( ( re ) => re.test( f ) ) );
	expect( found ).toEqual( [] );
} );

test( 'the assistant’s JSON Schema, which PHP validates with, is inside and is what the service’s definition makes', () => {
	// The path PHP reads it from (includes/class-assistant.php), not a second copy of it here.
	const path = readFileSync( join( ROOT, 'includes/class-assistant.php' ), 'utf8' ).match( /const SCHEMA_FILE = '([^']+)'/ )?.[ 1 ];
	expect( path ).toBe( 'build/admin/assistant-schema.json' );
	expect( files ).toContain( path );
	const fresh = join( dir, 'assistant-schema.json' );
	execFileSync( process.execPath, [ join( ROOT, 'scripts/build-assistant-schema.mjs' ), `--out=${ fresh }` ], { cwd: ROOT, stdio: 'pipe' } );
	const zipped = JSON.parse( execFileSync( 'unzip', [ '-p', zip, `${ TOP }${ path }` ], { encoding: 'utf8' } ) );
	expect( zipped ).toEqual( JSON.parse( readFileSync( fresh, 'utf8' ) ) );
	// WordPress's dialect: records became patternProperties, literals enums (scripts/build-assistant-schema.mjs).
	expect( Object.keys( zipped.properties.content.properties.locales.patternProperties ) ).toEqual( [ '^[a-z]{2,3}(?:_[A-Z]{2})?(?:_[a-z0-9]+)?$' ] );
	expect( JSON.stringify( zipped ) ).not.toMatch( /"(const|propertyNames|\$schema)"/ );
} );
