/**
 * `npm run service-pack`: the service as a package of its own,
 * consent-chat-service-<version>.tgz in the repository's root (git-ignored).
 *
 * The package is generated, not kept beside the code: server/ is compiled
 * into build/service-package/dist, and its package.json is written here from
 * the root's name-independent facts (version, license) plus exactly the
 * runtime dependencies the compiled code requires, with the root's version
 * ranges, so the repository keeps one package.json and one lockfile.
 * A `require` of a package the root does not list as a dependency stops the
 * script: the packed service would fail at start on a site owner's machine.
 *
 * Options: --out=<dir> (where the .tgz goes; default: the repository's root).
 * Prints the tarball's path as its last line.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve( dirname( fileURLToPath( import.meta.url ) ), '..' );
const outArg = process.argv.find( ( a ) => a.startsWith( '--out=' ) );
const out = outArg ? resolve( outArg.slice( 6 ) ) : root;
const pkgDir = join( root, 'build/service-package' );
const rootPkg = JSON.parse( readFileSync( join( root, 'package.json' ), 'utf8' ) );

rmSync( pkgDir, { recursive: true, force: true } );
execFileSync(
	process.execPath,
	[
		join( root, 'node_modules/typescript/bin/tsc' ),
		'-p', join( root, 'server/tsconfig.build.json' ),
		'--outDir', join( pkgDir, 'dist' ),
		// The sources are not in the package, so maps to them would point nowhere.
		'--sourceMap', 'false',
	],
	{ cwd: root, stdio: 'inherit' }
);

/** Every .js file under dir. */
function jsFiles( dir ) {
	return readdirSync( dir, { withFileTypes: true } ).flatMap( ( e ) =>
		e.isDirectory() ? jsFiles( join( dir, e.name ) ) : e.name.endsWith( '.js' ) ? [ join( dir, e.name ) ] : []
	);
}

const builtins = new Set( builtinModules );
const required = new Set();
for ( const file of jsFiles( join( pkgDir, 'dist' ) ) ) {
	for ( const [ , spec ] of readFileSync( file, 'utf8' ).matchAll( /\brequire\("([^"]+)"\)/g ) ) {
		if ( spec.startsWith( '.' ) || spec.startsWith( 'node:' ) || builtins.has( spec ) ) continue;
		required.add( spec.startsWith( '@' ) ? spec.split( '/' ).slice( 0, 2 ).join( '/' ) : spec.split( '/' )[ 0 ] );
	}
}
const dependencies = {};
for ( const name of [ ...required ].sort() ) {
	const range = rootPkg.dependencies?.[ name ];
	if ( ! range ) {
		console.error( `service-pack: server/ requires "${ name }", which is not in package.json's dependencies` );
		process.exit( 1 );
	}
	dependencies[ name ] = range;
}

const main = join( pkgDir, 'dist/main.js' );
chmodSync( main, 0o755 );
writeFileSync(
	join( pkgDir, 'package.json' ),
	JSON.stringify(
		{
			name: 'consent-chat-service',
			version: rootPkg.version,
			description: 'The Consent Chat service: WebSocket chats for the Consent Chat WordPress plugin, with SQLite storage.',
			license: rootPkg.license,
			bin: { 'consent-chat-service': 'dist/main.js' },
			files: [ 'dist' ],
			// better-sqlite3 13 runs on Node 22 and later only.
			engines: { node: '>=22' },
			dependencies,
		},
		null,
		'\t'
	) + '\n'
);
// The package's README is the deployment guide (what to do after npm install).
copyFileSync( join( root, 'docs/deploy/service.md' ), join( pkgDir, 'README.md' ) );

mkdirSync( out, { recursive: true } );
const packed = JSON.parse(
	execFileSync( 'npm', [ 'pack', '--json', '--pack-destination', out ], { cwd: pkgDir, encoding: 'utf8' } )
)[ 0 ];
const tgz = join( out, packed.filename );
console.log( `service-pack: ${ packed.entryCount } files, ${ statSync( tgz ).size } bytes packed, dependencies: ${ Object.keys( dependencies ).join( ', ' ) }` );
console.log( tgz );
