// PostgreSQL and Redis for `npm run start:cluster`, from Debian's packages
// (scripts/ensure-system-deps.sh cluster), each in a folder of its own under
// the cluster's data folder, on a free 127.0.0.1 port. PostgreSQL's data stays
// between runs (the chats, as `npm start` keeps its SQLite file); Redis keeps
// nothing (it carries only what needs no durability).
//
// The tests start throw-away instances of both the same way
// (tests/helpers/postgres.ts, redis.ts); these differ in keeping the folder.

import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const PG_USER = 'app';
const DATABASE = 'consent_chat';

/** A port the OS has free now. */
export function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

const asRoot = process.getuid?.() === 0;

/**
 * Runs a PostgreSQL binary as a user that may run the server: it refuses
 * root, so as root every command runs as the `postgres` user Debian's package
 * made (engines.md).
 */
function asServerUser(bin, args) {
	const cmd = path.join(PG_BIN, bin);
	return execFileSync(asRoot ? 'runuser' : cmd, asRoot ? ['-u', 'postgres', '--', cmd, ...args] : args, {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
	});
}

function explain(e, logFile) {
	const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '';
	return `${e.stderr || e.message}\n${tail}`;
}

/**
 * PostgreSQL 15 with its data in `dir`/data (made on the first run), the
 * database `consent_chat` in it. Resolves to `{ url, port, stop() }`.
 */
export async function startPostgres({ dir, log = () => {} }) {
	if (!existsSync(path.join(PG_BIN, 'initdb'))) {
		throw new Error(`PostgreSQL 15 is not installed (no ${PG_BIN}/initdb): run scripts/ensure-system-deps.sh cluster`);
	}
	mkdirSync(dir, { recursive: true });
	if (asRoot) {
		const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
		chownSync(dir, id('-u'), id('-g'));
		// The server runs as `postgres`, which must reach the folder through every parent.
		try {
			execFileSync('runuser', ['-u', 'postgres', '--', 'test', '-w', dir]);
		} catch {
			throw new Error(`the postgres user cannot write ${dir} (a parent folder closed to others?): move the checkout, or open the parents with chmod o+x`);
		}
	}
	const dataDir = path.join(dir, 'data');
	const logFile = path.join(dir, 'postgres.log');
	if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
		log(`Creating a PostgreSQL cluster in ${dataDir}`);
		asServerUser('initdb', ['-D', dataDir, '-U', PG_USER, '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
	}
	const pgCtl = (args) => {
		try {
			return asServerUser('pg_ctl', ['-D', dataDir, ...args]);
		} catch (e) {
			throw new Error(`pg_ctl ${args.join(' ')} failed: ${explain(e, logFile)}`);
		}
	};
	// pg_ctl runs the server apart from this process, so a run that was killed
	// can have left it running (on a port that is no longer ours to know): stop it.
	try {
		asServerUser('pg_ctl', ['-D', dataDir, 'status']);
		log('Stopping a PostgreSQL left running by an earlier run');
		pgCtl(['-m', 'fast', '-w', 'stop']);
	} catch {
		// not running
	}
	const port = await freePort();
	pgCtl(['-l', logFile, '-w', '-o', `-p ${port} -k '${dir}' -c listen_addresses=127.0.0.1`, 'start']);
	const psql = (db, sql) =>
		execFileSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', PG_USER, '-d', db, '-c', sql], {
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'pipe'],
		}).trim();
	if (psql('postgres', `SELECT 1 FROM pg_database WHERE datname = '${DATABASE}'`) !== '1') psql('postgres', `CREATE DATABASE ${DATABASE}`);
	return {
		url: `postgres://${PG_USER}@127.0.0.1:${port}/${DATABASE}`,
		port,
		async stop() {
			try {
				pgCtl(['-m', 'fast', '-w', 'stop']);
			} catch (e) {
				log(e.message);
			}
		},
	};
}

function answersPing(port) {
	return new Promise((resolve) => {
		const s = net.connect(port, '127.0.0.1');
		s.once('connect', () => s.write('PING\r\n'));
		s.once('data', (d) => {
			s.destroy();
			resolve(d.toString().startsWith('+PONG'));
		});
		s.once('error', () => resolve(false));
	});
}

/**
 * redis-server in the foreground, its working folder `dir`, with no
 * persistence. Resolves to `{ url, port, process, stop() }` once it answers PING.
 */
export async function startRedis({ dir, log = () => {} }) {
	const bin = '/usr/bin/redis-server';
	if (!existsSync(bin)) throw new Error('redis-server is not installed: run scripts/ensure-system-deps.sh cluster');
	mkdirSync(dir, { recursive: true });
	const port = await freePort();
	const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'no', '--protected-mode', 'yes', '--save', '', '--appendonly', 'no'], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	for (const stream of [child.stdout, child.stderr]) stream.on('data', (d) => (output += d));
	const exited = once(child, 'exit');
	const deadline = Date.now() + 10_000;
	// Redis has no readiness signal on a pipe; it answers PING once it listens.
	while (!(await answersPing(port))) {
		if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${output.slice(-2000)}`);
		if (Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`redis-server did not answer on ${port}: ${output.slice(-2000)}`);
		}
		await new Promise((r) => setTimeout(r, 20));
	}
	log(`Redis on 127.0.0.1:${port}`);
	return {
		url: `redis://127.0.0.1:${port}`,
		port,
		process: child,
		async stop() {
			if (child.exitCode !== null || child.signalCode !== null) return;
			child.kill('SIGTERM');
			await exited;
		},
	};
}
