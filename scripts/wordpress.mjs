// Runs a real WordPress for development and tests without internet access.
//
// WordPress itself comes from Debian's archive (the only package source besides npm that these
// machines reach); this module prepares those core files (a cache in .cache/wordpress) and copies
// them into a site folder. ./wordpress/site.mjs makes the copy an installed site (SQLite instead
// of MySQL), ./wordpress/php.mjs serves it with the machine's own PHP and runs PHP scripts in it.
// Docker (wp-env) does not run here.
//
// Exports (this file is the one to import):
//   preparePristineWordPress({ root, log })                 -> absolute core dir
//   ensureSite({ pristineDir, siteDir, fresh, log })         -> siteDir
//   startWordPress({ siteDir, port, mounts, setup, … })      -> { url, process, stop }
//   runPhp({ siteDir, mounts, code | argv, siteUrl, … })     -> { exitCode, stdout, stderr }

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

import { forEachLine } from './wordpress/site.mjs';

export { runPhp, startWordPress } from './wordpress/php.mjs';

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
const noop = () => {};

// ---------------------------------------------------------------------------------------------
// 1. WordPress core files
// ---------------------------------------------------------------------------------------------

/**
 * Returns a pristine WordPress core directory (no wp-config.php). Throws when none can be
 * obtained: there is nothing else to fall back to on a machine without internet.
 *
 * @param {{ root: string, log?: (line: string) => void }} options root is the repository root.
 * @returns {Promise<string>}
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
		throw new Error(
			`Could not get WordPress from Debian (${error.message}). Set CONSENT_CHAT_WP_DIR to a WordPress ${MIN_WORDPRESS.join('.')}+ folder.`,
			{ cause: error },
		);
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
		throw new Error(`${dir} has a wp-config.php; a pristine core must not (each site gets its own)`);
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
// 2. A site directory: a copy of the core that ./wordpress/site.mjs turns into an installed site
// ---------------------------------------------------------------------------------------------

/**
 * Makes siteDir a copy of the pristine core unless it already exists (or `fresh` is set).
 * The first start or PHP run writes wp-config.php and the SQLite database
 * (wp-content/database/) into it, so the site, its users and content survive restarts.
 *
 * @param {{ pristineDir: string, siteDir: string, fresh?: boolean, log?: Function }} options
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
	await run('cp', ['-a', pristineDir, staging]); // Much faster than fs.cp for 3000 files.
	// Renamed only when complete, so an interrupted copy is not reused as a broken site.
	await fs.rename(staging, dir);
	log(`Created site ${dir}`);
	return dir;
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
