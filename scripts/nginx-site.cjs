/**
 * docs/deploy/nginx.conf made runnable on this machine: the site file a site
 * owner copies, with only the lines that name a real machine's port,
 * certificate and upstream replaced (each must be found exactly once, so an
 * edit of the docs file that this no longer understands fails loudly instead
 * of running something else), and a main file around it like the one Debian's
 * /etc/nginx/nginx.conf gives a site file, with every path inside one folder.
 *
 * The one place for that rule: the tests (tests/helpers/nginx.ts, run by
 * jest, which loads CommonJS but not ES modules, hence .cjs) and
 * `npm run start:cluster` (scripts/cluster.mjs) both use it.
 */
'use strict';

const { existsSync, mkdirSync, readFileSync, writeFileSync } = require( 'node:fs' );
const { userInfo } = require( 'node:os' );
const { join, resolve } = require( 'node:path' );

const NGINX_CONF = resolve( __dirname, '../docs/deploy/nginx.conf' );
const CERT = '/etc/letsencrypt/live/chat.example.com/fullchain.pem';
const KEY = '/etc/letsencrypt/live/chat.example.com/privkey.pem';
/** The docs file's one active upstream line (a commented example line does not match). */
const UPSTREAM_LINE = /^([ \t]*)server 127\.0\.0\.1:8787((?: [^;\n]*)?);[ \t]*$/gm;

/** @returns {string} Debian's nginx binary (in /usr/sbin, off an ordinary user's PATH). */
function nginxBinary() {
	for ( const p of [ '/usr/sbin/nginx', '/usr/bin/nginx' ] ) if ( existsSync( p ) ) return p;
	throw new Error( 'nginx is not installed: run scripts/ensure-system-deps.sh (npm test does)' );
}

/** Replaces `from` in `text`, which must occur exactly once. */
function fill( text, from, to ) {
	const n = text.split( from ).length - 1;
	if ( n !== 1 ) throw new Error( `docs/deploy/nginx.conf: expected "${ from }" once, found it ${ n } times` );
	return text.replace( from, () => to );
}

/**
 * The docs file on 127.0.0.1:`port`, in front of the nodes on 127.0.0.1 at
 * `upstreams` (one `server` line each, with the docs line's parameters). With
 * `tls`, https with that certificate; without, plain http (a browser trusts
 * no throw-away certificate, and neither does WordPress's cURL).
 *
 * @param {{ port: number, upstreams: number[], tls?: { cert: string, key: string } }} options
 * @returns {string}
 */
function siteConfig( { port, upstreams, tls } ) {
	if ( upstreams.length === 0 ) throw new Error( 'nginx needs at least one upstream port' );
	let conf = readFileSync( NGINX_CONF, 'utf8' );
	conf = fill( conf, 'listen 443 ssl;', tls ? `listen 127.0.0.1:${ port } ssl;` : `listen 127.0.0.1:${ port };` );
	conf = fill( conf, 'listen [::]:443 ssl;', '' );
	const lines = conf.match( UPSTREAM_LINE ) ?? [];
	if ( lines.length !== 1 ) throw new Error( `docs/deploy/nginx.conf: expected one "server 127.0.0.1:8787 …;" line in the upstream, found ${ lines.length }` );
	conf = conf.replace( UPSTREAM_LINE, ( _line, indent, params ) =>
		upstreams.map( ( p ) => `${ indent }server 127.0.0.1:${ p }${ params };` ).join( '\n' )
	);
	if ( tls ) {
		conf = fill( conf, CERT, tls.cert );
		conf = fill( conf, KEY, tls.key );
	} else {
		conf = fill( conf, `ssl_certificate     ${ CERT };`, '' );
		conf = fill( conf, `ssl_certificate_key ${ KEY };`, '' );
	}
	return conf;
}

/**
 * Writes nginx.conf (main) and site.conf (the docs file, filled) into `dir`
 * and returns how to run it in the foreground; its error log is
 * `dir`/error.log.
 *
 * Every answer carries `X-Upstream-Addr: $upstream_addr` (the node(s) nginx
 * tried, the one that answered last), so a test or a person can see which
 * node served a request. It is set here, around the docs file, which has no
 * such header.
 *
 * @param {string} dir
 * @param {{ port: number, upstreams: number[], tls?: { cert: string, key: string } }} site
 * @returns {{ bin: string, args: string[], errorLog: string }}
 */
function writeNginxConfig( dir, site ) {
	const bin = nginxBinary();
	const errorLog = join( dir, 'error.log' );
	mkdirSync( join( dir, 'tmp' ), { recursive: true } );
	writeFileSync( join( dir, 'site.conf' ), siteConfig( site ) );
	// Workers run as the user running this, so they can use the folders here
	// (as root, nginx would otherwise switch them to nobody).
	const user = userInfo().username;
	writeFileSync(
		join( dir, 'nginx.conf' ),
		[
			userInfo().uid === 0 ? `user ${ user };` : '',
			'worker_processes 1;',
			`error_log ${ errorLog } warn;`,
			// Two sockets per proxied connection; the tests hold about 130 at once.
			'events { worker_connections 1024; }',
			'http {',
			...[ 'client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi' ].map( ( t ) => `  ${ t }_temp_path ${ join( dir, 'tmp', t ) };` ),
			'  add_header X-Upstream-Addr $upstream_addr always;',
			`  include ${ join( dir, 'site.conf' ) };`,
			'}',
			'',
		].join( '\n' )
	);
	return {
		bin,
		args: [ '-p', dir, '-e', errorLog, '-c', join( dir, 'nginx.conf' ), '-g', `daemon off; pid ${ join( dir, 'nginx.pid' ) };` ],
		errorLog,
	};
}

exports.NGINX_CONF = NGINX_CONF;
exports.siteConfig = siteConfig;
exports.writeNginxConfig = writeNginxConfig;
