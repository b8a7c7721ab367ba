// Runs a site made by ./site.mjs on the machine's own PHP: as a web server (PHP's built-in one,
// with several workers and ./router.php) and as one-off PHP scripts against the site.
//
// The machine's PHP replaced WordPress Playground's PHP-in-WebAssembly here: Playground served
// with one worker on 2 cores and took 0.7–3.8 s a request (by the machine's load), which made
// the end-to-end suite mostly waiting; a real site runs native PHP too. (Opcache needs no
// switch: it is on for the built-in server's SAPI, cli-server, by Debian's default.)

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PHP_SETTINGS, URL_VARIABLE, forEachLine, php, prepareSite } from './site.mjs';

const ROUTER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'router.php');
/**
 * Concurrent requests: the browser's page, its scripts and REST calls, the tests' own requests
 * and WordPress's requests to itself. The SQLite integration keeps concurrent writers apart
 * (write-ahead log, a 10 s busy timeout, BEGIN IMMEDIATE for writes).
 */
const WORKERS = 4;
/**
 * The built-in server's lines per connection and request ("127.0.0.1:40522 Accepted", "… [200]:
 * GET /", "… Closing"): noise in our logs, left out. (Its -q would also silence PHP's errors.)
 */
const ACCESS_LOG = /^(\[\d+\] )?\[[^\]]+\] \S+:\d+ (Accepted|Closing|\[\d{3}\]: )/;
const noop = () => {};

/**
 * @typedef {{ hostPath: string, sitePath: string }} Mount a folder linked into the site
 *   (sitePath relative to it, e.g. 'wp-content/plugins/consent-chat').
 */

/**
 * Prepares siteDir (installs WordPress if needed, links `mounts`), runs the `setup` PHP scripts
 * one after the other, then serves the site at http://127.0.0.1:<port> and resolves once `/`
 * answers 200. `setup` runs on every start: each script must be idempotent. The same siteDir
 * may be started on another port (wp-config.php takes the address from the environment; only
 * absolute URLs stored in content keep the old port).
 *
 * @param {{
 *   siteDir: string,
 *   port: number,
 *   mounts?: Mount[],
 *   setup?: string[],
 *   log?: (line: string) => void,
 *   env?: Record<string, string>,
 *   timeoutMs?: number,
 * }} options
 * @returns {Promise<{ url: string, process: import('node:child_process').ChildProcess, stop: () => Promise<void> }>}
 */
export async function startWordPress({ siteDir, port, mounts = [], setup = [], log = noop, env = {}, timeoutMs = 60_000 }) {
	const url = `http://127.0.0.1:${port}`;
	const dir = path.resolve(siteDir);
	await prepareSite({ siteDir: dir, url, mounts, log });
	for (const [i, code] of setup.entries()) {
		const result = await runPhp({ siteDir: dir, code, siteUrl: url, log, env });
		if (result.exitCode !== 0) {
			throw new Error(`setup script ${i + 1} of ${setup.length} failed (exit ${result.exitCode}):\n${result.stdout}${result.stderr}`);
		}
	}

	// Else a server already there would answer the readiness check in php's place.
	if (await accepts(port)) throw new Error(`Port ${port} is in use; WordPress cannot be served there`);
	const child = spawn('php', [...PHP_SETTINGS, '-S', `127.0.0.1:${port}`, '-t', dir, ROUTER], {
		cwd: dir,
		env: { ...process.env, ...env, [URL_VARIABLE]: url, PHP_CLI_SERVER_WORKERS: String(WORKERS) },
		stdio: ['ignore', 'pipe', 'pipe'],
		// Its own process group: the workers are forked children that outlive a killed parent,
		// so stop() signals the whole group.
		detached: true,
	});
	const output = [];
	for (const stream of [child.stdout, child.stderr]) {
		forEachLine(stream, (line) => {
			if (ACCESS_LOG.test(line)) return;
			output.push(line);
			if (output.length > 200) output.shift();
			log(`[wp:${port}] ${line}`);
		});
	}
	// Never leave a server behind when the caller exits without stopping it.
	const killOnExit = () => signalGroup(child, 'SIGKILL');
	process.once('exit', killOnExit);
	const stop = async () => {
		process.off('exit', killOnExit);
		await stopGroup(child, port);
	};

	try {
		await waitUntilReady(child, url, timeoutMs, output);
	} catch (error) {
		await stop();
		throw error;
	}
	return { url, process: child, stop };
}

/**
 * Runs PHP against the site in siteDir (installing WordPress first if needed, linking `mounts`)
 * and collects its output. Either `code` (a PHP file's contents, starting with `<?php`; `argv`
 * become its $argv) or `argv` alone (raw php arguments). The site directory is the working
 * directory, so `require './wp-load.php';` loads WordPress; `siteUrl` is the site's address
 * for that run.
 *
 * It may run while a server serves the same site: SQLite's locking keeps the two apart.
 *
 * @param {{
 *   siteDir: string,
 *   mounts?: Mount[],
 *   code?: string,
 *   argv?: string[],
 *   siteUrl?: string,
 *   log?: (line: string) => void,
 *   env?: Record<string, string>,
 * }} options
 * @returns {Promise<{ exitCode: number, stdout: string, stderr: string }>}
 */
export async function runPhp({ siteDir, mounts = [], code, argv = [], siteUrl, log = noop, env = {} }) {
	const dir = path.resolve(siteDir);
	await prepareSite({ siteDir: dir, url: siteUrl, mounts, log });
	const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'consent-chat-php-'));
	try {
		const args = [...PHP_SETTINGS];
		if (code !== undefined) {
			const file = path.join(tmp, 'snippet.php');
			await fs.writeFile(file, code);
			args.push(file);
		}
		args.push(...argv);
		return await php(args, { cwd: dir, url: siteUrl, env, onStderrLine: (line) => log(`[php] ${line}`) });
	} finally {
		await fs.rm(tmp, { recursive: true, force: true });
	}
}

/** Resolves once `/` answers 200; fails with the server's output if it exits or times out. */
async function waitUntilReady(child, url, timeoutMs, output) {
	const deadline = Date.now() + timeoutMs;
	const failure = (why) => new Error(`WordPress did not start (${why}). PHP's output:\n${output.join('\n')}`);
	let exited = null;
	child.once('exit', (code, signal) => (exited = signal ?? `code ${code}`));
	while (Date.now() < deadline) {
		if (exited) throw failure(`php exited with ${exited}`);
		if (await answers200(url)) return;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw failure(`no answer from ${url} within ${timeoutMs / 1000} s`);
}

async function answers200(url) {
	try {
		const response = await fetch(`${url}/`, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
		await response.arrayBuffer();
		return response.status === 200;
	} catch {
		return false;
	}
}

function signalGroup(child, signal) {
	try {
		process.kill(-child.pid, signal);
		return true;
	} catch {
		return false; // ESRCH: nobody of the group is left.
	}
}

/**
 * SIGTERM to the server and its workers, SIGKILL after 10 s; resolves once the port no longer
 * accepts connections, so that it is free for the next start. (The workers' process entries
 * linger as zombies until the system reaps them, so "no process left" would wait on that.)
 */
async function stopGroup(child, port) {
	if (child.exitCode === null && child.signalCode === null) {
		const exited = once(child, 'exit');
		signalGroup(child, 'SIGTERM');
		const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 10_000);
		await exited;
		clearTimeout(timer);
	}
	// Bounded: after 10 s whatever still listens there is not ours.
	for (let waited = 0; waited < 10_000 && (await accepts(port)); waited += 50) {
		if (waited === 5_000) signalGroup(child, 'SIGKILL');
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

function accepts(port) {
	return new Promise((resolve) => {
		const socket = net.connect({ host: '127.0.0.1', port }, () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}
