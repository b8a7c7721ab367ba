// Runs a real WordPress for development and tests without internet access.
//
// WordPress itself comes from Debian's archive (the only package source besides npm that these
// machines reach), PHP and the web server from @wp-playground/cli (PHP compiled to WebAssembly,
// SQLite instead of MySQL). Docker (wp-env) does not run here, and Playground's own default of
// downloading WordPress from wordpress.org cannot work offline.
//
// Exports:
//   preparePristineWordPress({ root, log })                 -> absolute core dir, or null
//   ensureSite({ pristineDir, siteDir, fresh, log })         -> siteDir
//   startWordPress({ siteDir, port, mounts, blueprint, … })  -> { url, process, stop }
//   runPhp({ siteDir, mounts, code | argv, … })              -> { exitCode, stdout, stderr }

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** WordPress 6.8 is the oldest release our blocks run on (blocks manifest collection). */
const MIN_WORDPRESS = [6, 8];
/**
 * Debian's testing suite: it carries the newest WordPress release (7.1 at the time of writing),
 * which is what the plugin claims to be tested up to. Changing it makes every cache refetch.
 */
export const DEBIAN_SUITE = 'forky';
/**
 * WordPress plus the packages its Debian symlinks point into (forky's package also links
 * PHPMailer and jQuery UI's effect.js to their Debian packages; trixie's still bundled them).
 */
const DEBIAN_PACKAGES = [
	'wordpress',
	'wordpress-theme-twentytwentyfive',
	'libjs-underscore',
	'libjs-lodash',
	'libjs-cropper',
	'libjs-jquery-ui',
	'libphp-phpmailer',
	'php-getid3',
];
const MACHINE_SOURCES = '/etc/apt/sources.list.d/debian.sources';
/**
 * Written last, so a fetch that died half-way is never mistaken for a usable cache. It holds the
 * suite and the WordPress version ("forky 7.1.3"): a cache from another suite, or whose files no
 * longer hold the version it was made with, is fetched again rather than silently reused.
 */
const READY_MARKER = 'core.ready';
const VFS_WORDPRESS = '/wordpress';
const noop = () => {};

// ---------------------------------------------------------------------------------------------
// 1. WordPress core files
// ---------------------------------------------------------------------------------------------

/**
 * Returns a pristine WordPress core directory (no wp-config.php), or null when none could be
 * obtained; null tells startWordPress to let Playground download WordPress itself, which only
 * works with internet access.
 *
 * @param {{ root: string, log?: (line: string) => void }} options root is the repository root.
 * @returns {Promise<string|null>}
 */
export async function preparePristineWordPress({ root, log = noop }) {
	const fromEnv = process.env.CONSENT_CHAT_WP_DIR;
	if (fromEnv) {
		// An explicit choice must fail loudly rather than silently fall back to something else.
		const dir = path.resolve(fromEnv);
		await assertUsableCore(dir);
		log(`WordPress from CONSENT_CHAT_WP_DIR: ${dir}`);
		return dir;
	}

	const cacheRoot = path.resolve(root, '.cache');
	const coreDir = path.join(cacheRoot, 'wordpress', 'core');
	const marker = path.join(cacheRoot, 'wordpress', READY_MARKER);
	const cached = await cachedCore(marker, coreDir);
	if (cached.usable) {
		log(`WordPress ${cached.version} (Debian ${DEBIAN_SUITE}) from cache: ${coreDir}`);
		return coreDir;
	}
	if (cached.why) log(`Not reusing the cached WordPress: ${cached.why}`);

	try {
		await fetchFromDebian({ cacheRoot, coreDir, log });
		return coreDir;
	} catch (error) {
		log(`Could not get WordPress from Debian (${error.message}); Playground will download it.`);
		return null;
	}
}

/**
 * Whether the cache in coreDir may be used: its marker must name DEBIAN_SUITE and the version
 * that coreDir's version.php holds. `why` says what is wrong (undefined when there is no cache).
 *
 * @returns {Promise<{ usable: boolean, version?: string, why?: string }>}
 */
export async function cachedCore(marker, coreDir) {
	const text = await fs.readFile(marker, 'utf8').catch(() => null);
	if (text === null) return { usable: false };
	// Caches made before the suite was recorded hold only "6.8.13": their suite is unknown.
	const [suite, version] = text.trim().split(/\s+/);
	if (!version) return { usable: false, why: `${marker} does not name its Debian suite` };
	if (suite !== DEBIAN_SUITE) return { usable: false, why: `it is from Debian ${suite}, not ${DEBIAN_SUITE}` };
	const actual = await readWordPressVersion(coreDir).catch(() => null);
	if (actual !== version) {
		return { usable: false, why: `it was made with WordPress ${version} but holds ${actual ?? 'no WordPress'}` };
	}
	return { usable: true, version };
}

async function fetchFromDebian({ cacheRoot, coreDir, log }) {
	const aptDir = path.join(cacheRoot, 'apt');
	// The old marker goes first: if this fetch dies, the next start must not trust the old files.
	await fs.rm(path.join(cacheRoot, 'wordpress', READY_MARKER), { force: true });
	const work = path.join(cacheRoot, 'wordpress', 'work');
	await fs.rm(work, { recursive: true, force: true });
	const debsDir = path.join(work, 'debs');
	const unpackDir = path.join(work, 'root');
	await fs.mkdir(debsDir, { recursive: true });
	await fs.mkdir(unpackDir, { recursive: true });

	log(`Fetching WordPress from Debian ${DEBIAN_SUITE} …`);
	const aptOptions = await privateAptOptions(aptDir);
	await run('apt-get', [...aptOptions, 'update'], { log });
	// apt-get download writes into the current directory.
	await run('apt-get', [...aptOptions, 'download', ...DEBIAN_PACKAGES], { cwd: debsDir, log });

	for (const deb of await fs.readdir(debsDir)) {
		if (deb.endsWith('.deb')) await run('dpkg-deb', ['-x', path.join(debsDir, deb), unpackDir]);
	}
	const unpackedWordPress = path.join(unpackDir, 'usr/share/wordpress');
	await fixAbsoluteSymlinks(unpackedWordPress, unpackDir, log);

	// Copy into a temporary sibling first and rename: the cache appears complete or not at all.
	const staging = `${coreDir}.tmp`;
	await fs.rm(staging, { recursive: true, force: true });
	await run('cp', ['-rL', unpackedWordPress, staging]);
	await fs.rm(path.join(staging, 'wp-config.php'), { force: true }); // Debian's reads /etc/wordpress.
	await ensureDefaultTheme(staging, unpackDir);
	await assertUsableCore(staging);

	await fs.rm(coreDir, { recursive: true, force: true });
	await fs.rename(staging, coreDir);
	await fs.rm(work, { recursive: true, force: true });
	const version = await readWordPressVersion(coreDir);
	await fs.writeFile(path.join(path.dirname(coreDir), READY_MARKER), `${DEBIAN_SUITE} ${version}\n`);
	log(`WordPress ${version} cached in ${coreDir}`);
}

/**
 * apt options that read a DEBIAN_SUITE copy of this machine's own sources (so the archive address,
 * mirror or snapshot is whatever the machine already uses) and keep all state under .cache, so the
 * system's package lists and caches are never touched (we may be running as root).
 */
async function privateAptOptions(aptDir) {
	const lists = path.join(aptDir, 'lists');
	const cache = path.join(aptDir, 'cache');
	await fs.mkdir(path.join(lists, 'partial'), { recursive: true });
	await fs.mkdir(path.join(cache, 'archives', 'partial'), { recursive: true });

	// apt parses a sources file as deb822 only when its name ends in .sources.
	const sourcesFile = path.join(aptDir, `${DEBIAN_SUITE}.sources`);
	const machineSources = await fs.readFile(MACHINE_SOURCES, 'utf8');
	await fs.writeFile(sourcesFile, toSuite(machineSources, await machineCodename(), DEBIAN_SUITE));

	const options = {
		'Dir::Etc::sourcelist': sourcesFile,
		'Dir::Etc::sourceparts': '/nonexistent',
		'Dir::State::Lists': lists,
		'Dir::Cache': cache,
	};
	// As root apt downloads as the _apt user, who usually cannot write into our cache folder;
	// it would fall back to root anyway, with a warning per file.
	if (process.getuid?.() === 0) options['APT::Sandbox::User'] = 'root';
	return Object.entries(options).flatMap(([key, value]) => ['-o', `${key}=${value}`]);
}

/** Rewrites "Suites:" lines of a deb822 sources file: bookworm-security -> forky-security etc. */
export function toSuite(sources, fromCodename, toCodename) {
	const codename = new RegExp(`(?<=^|\\s)${fromCodename}(?=-|\\s|$)`, 'g');
	return sources
		.split('\n')
		.map((line) => (/^Suites:/i.test(line) ? line.replace(codename, toCodename) : line))
		.join('\n');
}

async function machineCodename() {
	const osRelease = await fs.readFile('/etc/os-release', 'utf8').catch(() => '');
	return osRelease.match(/^VERSION_CODENAME=("?)([a-z]+)\1$/m)?.[2] ?? 'bookworm';
}

/**
 * Debian links a few files to absolute paths (/etc/wordpress/htaccess, the system CA bundle).
 * `cp -L` would follow those to this machine's file system: point them into the unpacked tree when
 * the target is there, keep them when the machine has the file, drop them otherwise.
 * Relative links point into the other unpacked packages; one that leads nowhere means a package
 * is missing from DEBIAN_PACKAGES (a new Debian release moved a library out), and is named here
 * rather than left to `cp -L`'s bare "cannot stat".
 */
async function fixAbsoluteSymlinks(dir, unpackRoot, log) {
	const dangling = [];
	for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
		if (!entry.isSymbolicLink()) continue;
		const link = path.join(entry.parentPath ?? entry.path, entry.name);
		const target = await fs.readlink(link);
		if (!path.isAbsolute(target)) {
			if (!existsSync(link)) dangling.push(`${path.relative(dir, link)} -> ${target}`);
			continue;
		}
		const unpacked = path.join(unpackRoot, target);
		if (existsSync(unpacked)) {
			await fs.rm(link);
			await fs.symlink(unpacked, link);
		} else if (!existsSync(target)) {
			log(`  dropping ${path.relative(dir, link)} -> ${target} (not available)`);
			await fs.rm(link);
		}
	}
	if (dangling.length > 0) {
		throw new Error(
			`Debian's wordpress links to files no fetched package holds (add their packages to DEBIAN_PACKAGES):\n  ${dangling.join('\n  ')}`,
		);
	}
}

/** Block themes need a theme in wp-content/themes; Debian may place it in /var/lib/wordpress. */
async function ensureDefaultTheme(coreDir, unpackRoot) {
	const themes = path.join(coreDir, 'wp-content', 'themes');
	if (existsSync(path.join(themes, 'twentytwentyfive', 'style.css'))) return;
	const candidate = path.join(unpackRoot, 'usr/share/wordpress/wp-content/themes/twentytwentyfive');
	if (!existsSync(path.join(candidate, 'style.css'))) {
		throw new Error('twentytwentyfive theme missing from the Debian packages');
	}
	await fs.mkdir(themes, { recursive: true });
	await run('cp', ['-rL', candidate, path.join(themes, 'twentytwentyfive')]);
}

async function assertUsableCore(dir) {
	const version = await readWordPressVersion(dir);
	const [major, minor] = version.split('.').map(Number);
	if (major < MIN_WORDPRESS[0] || (major === MIN_WORDPRESS[0] && minor < MIN_WORDPRESS[1])) {
		throw new Error(`${dir} holds WordPress ${version}; need ${MIN_WORDPRESS.join('.')} or later`);
	}
	if (existsSync(path.join(dir, 'wp-config.php'))) {
		throw new Error(`${dir} has a wp-config.php; a pristine core must not (Playground writes one)`);
	}
}

async function readWordPressVersion(dir) {
	const versionFile = await fs.readFile(path.join(dir, 'wp-includes', 'version.php'), 'utf8').catch(() => {
		throw new Error(`${dir} is not a WordPress directory`);
	});
	const version = versionFile.match(/\$wp_version\s*=\s*'([^']+)'/)?.[1];
	if (!version) throw new Error(`cannot read the WordPress version in ${dir}`);
	return version;
}

// ---------------------------------------------------------------------------------------------
// 2. A site directory: a copy of the core that Playground turns into an installed site
// ---------------------------------------------------------------------------------------------

/**
 * Makes siteDir a copy of the pristine core unless it already exists (or `fresh` is set).
 * Playground writes wp-config.php and the SQLite database (wp-content/database/) into it, so the
 * site, its users and content survive restarts. With pristineDir null an empty directory is made
 * and Playground downloads WordPress into it.
 *
 * @param {{ pristineDir: string|null, siteDir: string, fresh?: boolean, log?: Function }} options
 * @returns {Promise<string>} the absolute siteDir
 */
export async function ensureSite({ pristineDir, siteDir, fresh = false, log = noop }) {
	const dir = path.resolve(siteDir);
	if (fresh) await fs.rm(dir, { recursive: true, force: true });
	if (existsSync(dir)) {
		log(`Reusing site ${dir}`);
		return dir;
	}
	const staging = `${dir}.tmp-${process.pid}`;
	await fs.rm(staging, { recursive: true, force: true });
	if (pristineDir) {
		await run('cp', ['-a', pristineDir, staging]); // Much faster than fs.cp for 3000 files.
	} else {
		await fs.mkdir(staging, { recursive: true });
	}
	// Renamed only when complete, so an interrupted copy is not reused as a broken site.
	await fs.rename(staging, dir);
	log(`Created site ${dir}`);
	return dir;
}

// ---------------------------------------------------------------------------------------------
// 3. The web server
// ---------------------------------------------------------------------------------------------

/**
 * Starts `wp-playground-cli server` on siteDir and resolves once WordPress has finished booting,
 * has run the blueprint and answers 200 on `/`. `args` are extra CLI options (e.g. `--php=8.4`).
 *
 * The blueprint runs on EVERY start (Playground has no memory of having run it): its steps must be
 * idempotent. The site URL is http://127.0.0.1:<port>; Playground defines WP_HOME/WP_SITEURL as
 * that on every boot, so the same siteDir may be started on another port (only absolute URLs
 * stored in content keep the old port).
 *
 * @param {{
 *   siteDir: string,
 *   port: number,
 *   mounts?: Array<{ hostPath: string, vfsPath: string }>,
 *   blueprint?: object,
 *   log?: (line: string) => void,
 *   env?: Record<string, string>,
 *   args?: string[],
 *   timeoutMs?: number,
 * }} options
 * @returns {Promise<{ url: string, process: import('node:child_process').ChildProcess, stop: () => Promise<void> }>}
 */
export async function startWordPress({
	siteDir,
	port,
	mounts = [],
	blueprint = { steps: [] },
	log = noop,
	env = {},
	args = [],
	timeoutMs = 180_000,
}) {
	const url = `http://127.0.0.1:${port}`;
	const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'consent-chat-wp-'));
	const blueprintFile = path.join(tmp, 'blueprint.json');
	await fs.writeFile(blueprintFile, JSON.stringify(blueprint, null, '\t'));

	const child = spawnPlaygroundServer(
		[
			'server',
			`--port=${port}`,
			`--site-url=${url}`,
			...siteArgs(siteDir, mounts),
			`--blueprint=${blueprintFile}`,
			...args,
		],
		{ env, log, prefix: `[wp:${port}] ` },
	);
	const stop = async () => {
		await stopProcess(child);
		await fs.rm(tmp, { recursive: true, force: true });
	};

	try {
		await waitUntilReady(child, url, timeoutMs);
	} catch (error) {
		await stop();
		throw error;
	}
	return { url, process: child, stop };
}

/**
 * The arguments that point Playground at siteDir.
 *
 * `install-from-existing-files-if-needed` runs the WordPress installer only when the database
 * has no site yet; `install-from-existing-files` would run it on every start. The installer makes
 * the admin user admin / password.
 *
 * No `--login`: it makes every client without Playground's auto-login cookie an administrator on
 * its first page view, which would hide bugs for visitors and break logging in as other users.
 */
function siteArgs(siteDir, mounts) {
	const dir = path.resolve(siteDir);
	const hasCore = existsSync(path.join(dir, 'wp-includes', 'version.php'));
	return [
		`--wordpress-install-mode=${hasCore ? 'install-from-existing-files-if-needed' : 'download-and-install'}`,
		`--mount-before-install=${dir}:${VFS_WORDPRESS}`,
		...mounts.map(({ hostPath, vfsPath }) => `--mount=${path.resolve(hostPath)}:${vfsPath}`),
	];
}

/**
 * Runs Playground's CLI in a node process of our own (not through npx, whose death leaves
 * Playground running). On Node 23+ we pass --experimental-wasm-jspi ourselves: otherwise the CLI
 * re-spawns itself with that flag and a second process would have to be tracked.
 */
function spawnPlaygroundCli(args, env) {
	const nodeMajor = Number(process.versions.node.split('.')[0]);
	const nodeFlags = nodeMajor >= 23 ? ['--experimental-wasm-jspi'] : [];
	const child = spawn(process.execPath, [...nodeFlags, playgroundCliPath(), ...args], {
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	// Never leave a Playground behind when the caller exits without stopping it.
	const killOnExit = () => child.kill('SIGKILL');
	process.once('exit', killOnExit);
	child.once('exit', () => process.off('exit', killOnExit));
	return child;
}

/** A server process whose output goes to `log`, the last lines kept for error messages. */
function spawnPlaygroundServer(args, { env, log, prefix }) {
	const child = spawnPlaygroundCli(args, env);
	child.output = [];
	for (const stream of [child.stdout, child.stderr]) {
		forEachLine(stream, (line) => {
			child.output.push(line);
			if (child.output.length > 200) child.output.shift();
			log(prefix + line);
		});
	}
	return child;
}

function playgroundCliPath() {
	const require = createRequire(import.meta.url);
	const packageJson = require.resolve('@wp-playground/cli/package.json');
	return path.join(path.dirname(packageJson), 'wp-playground.js');
}

function forEachLine(stream, onLine) {
	let pending = '';
	stream.setEncoding('utf8');
	stream.on('data', (chunk) => {
		const lines = (pending + chunk).split(/\r?\n|\r/);
		pending = lines.pop();
		for (const line of lines) if (line.trim()) onLine(stripAnsi(line));
	});
	stream.on('end', () => pending.trim() && onLine(stripAnsi(pending)));
}

function stripAnsi(text) {
	// eslint-disable-next-line no-control-regex
	return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}

/**
 * Playground's HTTP server answers before the blueprint has run, so an HTTP 200 alone is not
 * enough: also wait for its "WordPress is running on" line, which it prints after the blueprint.
 */
async function waitUntilReady(child, url, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	const failure = (why) =>
		new Error(`WordPress did not start (${why}). Playground output:\n${child.output.join('\n')}`);
	let exited = null;
	child.once('exit', (code, signal) => (exited = signal ?? `code ${code}`));

	while (Date.now() < deadline) {
		if (exited) throw failure(`Playground exited with ${exited}`);
		if (child.output.some((line) => line.includes('WordPress is running on')) && (await answers200(url))) {
			return;
		}
		await sleep(250);
	}
	throw failure(`no answer from ${url} within ${timeoutMs / 1000} s`);
}

async function answers200(url) {
	try {
		const response = await fetch(`${url}/`, { redirect: 'manual', signal: AbortSignal.timeout(30_000) });
		await response.arrayBuffer();
		return response.status === 200;
	} catch {
		return false;
	}
}

/** SIGTERM lets Playground shut its workers down; SIGKILL if it has not exited after 10 s. */
async function stopProcess(child) {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = once(child, 'exit');
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
	await exited;
	clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------
// 4. PHP against the site (PHPUnit, one-off scripts)
// ---------------------------------------------------------------------------------------------

/**
 * Runs Playground's PHP CLI against the site in siteDir (installing it first if needed) and
 * collects its output. Either `code` (a PHP file's contents, starting with `<?php`; `argv` become
 * its $argv) or `argv` alone (raw php arguments, e.g. `['-d', 'include_path=…', '/tests/run.php']`).
 * WordPress is at /wordpress; `require '/wordpress/wp-load.php'` loads it.
 *
 * Do not run it against a siteDir a server is using at the same time: both would write the same
 * SQLite file without coordinating.
 *
 * @param {{
 *   siteDir: string,
 *   mounts?: Array<{ hostPath: string, vfsPath: string }>,
 *   code?: string,
 *   argv?: string[],
 *   siteUrl?: string,
 *   log?: (line: string) => void,
 *   env?: Record<string, string>,
 * }} options
 * @returns {Promise<{ exitCode: number, stdout: string, stderr: string }>}
 */
export async function runPhp({ siteDir, mounts = [], code, argv = [], siteUrl, log = noop, env = {} }) {
	const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'consent-chat-php-'));
	try {
		const phpArgs = [...argv];
		const allMounts = [...mounts];
		if (code !== undefined) {
			await fs.writeFile(path.join(tmp, 'snippet.php'), code);
			allMounts.push({ hostPath: tmp, vfsPath: '/consent-chat-snippet' });
			phpArgs.unshift('/consent-chat-snippet/snippet.php');
		}
		const args = [
			'php',
			// Quiet: Playground's progress lines would otherwise be mixed into the script's output.
			'--verbosity=quiet',
			// Without it the site URL has a random free port, different on every run.
			...(siteUrl ? [`--site-url=${siteUrl}`] : []),
			...siteArgs(siteDir, allMounts),
			'--',
			...phpArgs,
		];
		return await collectOutput(spawnPlaygroundCli(args, env), log);
	} finally {
		await fs.rm(tmp, { recursive: true, force: true });
	}
}

async function collectOutput(child, log) {
	const stdout = [];
	const stderr = [];
	child.stdout.setEncoding('utf8');
	child.stdout.on('data', (chunk) => stdout.push(chunk));
	forEachLine(child.stderr, (line) => log(`[php] ${line}`)); // Also decodes stderr as UTF-8.
	child.stderr.on('data', (chunk) => stderr.push(chunk));
	const [exitCode] = await once(child, 'close');
	return { exitCode: exitCode ?? 1, stdout: stdout.join(''), stderr: stderr.join('') };
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** Runs a command; on failure the error carries its output, which apt needs to be understood. */
function run(command, args, { cwd, log = noop } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
		const output = [];
		for (const stream of [child.stdout, child.stderr]) {
			forEachLine(stream, (line) => {
				output.push(line);
				log(`  ${line}`);
			});
		}
		child.once('error', reject);
		child.once('close', (code) =>
			code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}: ${output.slice(-10).join('\n')}`)),
		);
	});
}

function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
