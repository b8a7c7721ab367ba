// Turns a copy of WordPress core (scripts/wordpress.mjs: ensureSite) into an installed site
// that the machine's own PHP runs: a wp-config.php of ours, SQLite instead of MySQL through the
// SQLite Database Integration plugin and its db.php drop-in, folders linked in (the plugin
// checkout, the tests' must-use plugins) and WordPress's own wp_install(). Every step is done
// only when missing, so a site made once is reused, on any port.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AdmZip from 'adm-zip';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const INSTALL_SCRIPT = path.join(HERE, 'install.php');
/** wp-config.php reads the site's address from here; startWordPress and runPhp set it. */
export const URL_VARIABLE = 'CONSENT_CHAT_WP_URL';
const SQLITE_SLUG = 'sqlite-database-integration';
/**
 * php's settings for every run. Uploads up to 64 MB as common hosts allow (Debian's CLI
 * default of 2 MB is below what a plugin zip may be).
 */
export const PHP_SETTINGS = ['-d', 'upload_max_filesize=64M', '-d', 'post_max_size=64M'];

/**
 * Makes siteDir (a copy of WordPress core) an installed site and links `mounts` into it.
 * `url` is the address the install records; wp-config.php makes the one given at each run win.
 *
 * Mounts are symbolic links, e.g. { hostPath: <checkout>, sitePath: 'wp-content/plugins/consent-chat' };
 * they stay in the site, as a plugin folder would. A file or a folder with content where a
 * link should go is an error, never replaced.
 *
 * @param {{ siteDir: string, url?: string, mounts?: Mount[], log?: (line: string) => void }} options
 * @typedef {{ hostPath: string, sitePath: string }} Mount
 */
export async function prepareSite({ siteDir, url, mounts = [], log = () => {} }) {
	const dir = path.resolve(siteDir);
	if (!existsSync(path.join(dir, 'wp-includes', 'version.php'))) {
		throw new Error(`${dir} holds no WordPress core; make it with ensureSite() first`);
	}
	await ensureOwnConfig(dir, log);
	await installSqliteIfMissing(dir);
	for (const mount of mounts) await link(dir, mount);
	const { exitCode, stdout, stderr } = await php([...PHP_SETTINGS, INSTALL_SCRIPT], { cwd: dir, url });
	if (exitCode !== 0 || !/^installed/m.test(stdout)) {
		throw new Error(`Installing WordPress in ${dir} failed (exit ${exitCode}):\n${stdout}${stderr}`);
	}
	if (/^installed$/m.test(stdout)) log(`Installed WordPress in ${dir} (admin / password)`);
}

/**
 * Runs the machine's php with `args` in `cwd` and collects its output; `url` becomes the
 * site's address (wp-config.php reads it from the environment).
 *
 * @returns {Promise<{ exitCode: number, stdout: string, stderr: string }>}
 */
export async function php(args, { cwd, url, env = {}, onStderrLine = () => {} }) {
	const child = spawn('php', args, {
		cwd,
		env: { ...process.env, ...env, ...(url ? { [URL_VARIABLE]: url } : {}) },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const stdout = [];
	const stderr = [];
	child.stdout.setEncoding('utf8');
	child.stdout.on('data', (chunk) => stdout.push(chunk));
	forEachLine(child.stderr, onStderrLine); // Also decodes stderr as UTF-8.
	child.stderr.on('data', (chunk) => stderr.push(chunk));
	const [exitCode] = await Promise.race([
		once(child, 'close'),
		once(child, 'error').then(([error]) => {
			throw new Error(`cannot run php (${error.message}); run scripts/ensure-system-deps.sh`);
		}),
	]);
	return { exitCode: exitCode ?? 1, stdout: stdout.join(''), stderr: stderr.join('') };
}

/** Calls onLine with each non-empty line of a child's output stream, decoded as UTF-8. */
export function forEachLine(stream, onLine) {
	let pending = '';
	stream.setEncoding('utf8');
	stream.on('data', (chunk) => {
		const lines = (pending + chunk).split(/\r?\n/);
		pending = lines.pop();
		for (const line of lines) if (line.trim()) onLine(line);
	});
	stream.on('end', () => pending.trim() && onLine(pending));
}

/**
 * Our wp-config.php, written once per site with salts of its own. What Playground used to set
 * is here too: debug mode with notices logged, not shown (PHP logs them to the server's or the
 * script's stderr). WP-Cron is off: nothing of ours uses it, and its update checks would only
 * wait on wordpress.org, which these machines cannot reach.
 */
async function ensureOwnConfig(dir, log) {
	const file = path.join(dir, 'wp-config.php');
	let dbName = 'wordpress';
	const existing = await fs.readFile(file, 'utf8').catch(() => null);
	if (existing?.includes(URL_VARIABLE)) return;
	if (existing !== null) {
		// A site WordPress Playground made (npm start's data/ from before): its wp-config.php has
		// placeholder salts and no address, which Playground supplied. Replaced, keeping DB_NAME:
		// the SQLite driver files the tables under that name.
		dbName = existing.match(/define\(\s*'DB_NAME',\s*'([^']*)'\s*\)/)?.[1] ?? dbName;
		log(`Replacing ${file}, which this script did not write, with its own (keeping DB_NAME '${dbName}')`);
	}
	const salts = ['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT']
		.map((name) => `define( '${name}', '${randomBytes(48).toString('base64')}' );`)
		.join('\n');
	const config = `<?php
/**
 * Written by Consent Chat's scripts/wordpress/site.mjs for a local site on this machine's PHP.
 * The database is SQLite: wp-content/db.php (the SQLite Database Integration drop-in) keeps it
 * in wp-content/database/.ht.sqlite; the DB_* values below are only what it expects to find.
 */

define( 'DB_NAME', '${dbName}' );
define( 'DB_USER', '' );
define( 'DB_PASSWORD', '' );
define( 'DB_HOST', '' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );

${salts}

$table_prefix = 'wp_';

// The address this run serves the site at, from whoever started PHP (scripts/wordpress/php.mjs),
// so the same site can be started on another port.
define( 'WP_HOME', getenv( '${URL_VARIABLE}' ) ?: 'http://127.0.0.1' );
define( 'WP_SITEURL', WP_HOME );

define( 'WP_DEBUG', true );
define( 'WP_DEBUG_DISPLAY', false );
define( 'DISABLE_WP_CRON', true );

/* That's all, stop editing! Happy publishing. */

if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
`;
	await fs.writeFile(file, config, { mode: 0o600 });
}

/**
 * The SQLite Database Integration plugin, from the copy bundled in @wp-playground/cli (no
 * download), as a real plugin folder, and its drop-in wp-content/db.php, which WordPress loads
 * in place of its MySQL layer. The drop-in is the plugin's own db.copy with its two
 * placeholders filled as the plugin's activation would fill them, except that the folder is
 * found relative to the drop-in, so the site can be moved.
 */
async function installSqliteIfMissing(dir) {
	const pluginDir = path.join(dir, 'wp-content', 'plugins', SQLITE_SLUG);
	if (!existsSync(path.join(pluginDir, 'load.php'))) {
		const staging = `${pluginDir}.tmp-${process.pid}`;
		await fs.rm(staging, { recursive: true, force: true });
		const zip = new AdmZip(sqliteZipPath());
		zip.extractAllTo(staging, true);
		// The zip's one top folder is named plugin-sqlite-database-integration.
		const [top] = await fs.readdir(staging);
		await fs.rm(pluginDir, { recursive: true, force: true });
		await fs.rename(path.join(staging, top), pluginDir);
		await fs.rm(staging, { recursive: true, force: true });
	}
	const dropIn = path.join(dir, 'wp-content', 'db.php');
	if (!existsSync(dropIn)) {
		const copy = await fs.readFile(path.join(pluginDir, 'db.copy'), 'utf8');
		const filled = copy
			.replace(`'{SQLITE_IMPLEMENTATION_FOLDER_PATH}'`, `__DIR__ . '/plugins/${SQLITE_SLUG}'`)
			.replaceAll('{SQLITE_PLUGIN}', `${SQLITE_SLUG}/load.php`);
		if (filled.includes('{SQLITE_')) throw new Error(`${SQLITE_SLUG}'s db.copy has a placeholder this script does not fill`);
		await fs.writeFile(dropIn, filled);
	}
}

function sqliteZipPath() {
	const require = createRequire(import.meta.url);
	return path.join(path.dirname(require.resolve('@wp-playground/cli/package.json')), 'sqlite-database-integration.zip');
}

async function link(dir, { hostPath, sitePath }) {
	if (path.isAbsolute(sitePath) || sitePath.split(/[\\/]/).includes('..')) {
		throw new Error(`mount path ${sitePath} must be relative to the site and stay inside it`);
	}
	const target = path.resolve(hostPath);
	const at = path.join(dir, sitePath);
	const existing = await fs.lstat(at).catch(() => null);
	if (existing?.isSymbolicLink()) {
		if ((await fs.readlink(at)) === target) return;
		await fs.rm(at);
	} else if (existing) {
		// An empty folder is replaced (WordPress Playground left one at each mount point); anything
		// with content is not ours to remove.
		const empty = existing.isDirectory() && (await fs.readdir(at)).length === 0;
		if (!empty) throw new Error(`${at} exists and is not a link; not replacing it with a link to ${target}`);
		await fs.rmdir(at);
	}
	await fs.mkdir(path.dirname(at), { recursive: true });
	await fs.symlink(target, at);
}
