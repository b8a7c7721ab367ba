// The chat side of `npm run start:cluster`: several nodes of the built service
// on one PostgreSQL and one Redis (scripts/cluster-engines.mjs), behind
// Debian's nginx running docs/deploy/nginx.conf (plain http; the fill is
// scripts/nginx-site.cjs, as in the tests) as the load balancer. WordPress is
// pointed at nginx. Everything lives under `dir`: postgres/, redis/, node-N/,
// nginx/.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort, startPostgres, startRedis } from './cluster-engines.mjs';
import { writeNginxConfig } from './nginx-site.cjs';
import { startService } from './stack.mjs';

function listening(port) {
	return new Promise((resolve) => {
		const s = net.connect(port, '127.0.0.1');
		s.once('connect', () => {
			s.destroy();
			resolve(true);
		});
		s.once('error', () => resolve(false));
	});
}

/** `n` ports the OS has free now, all different. */
async function freePorts(n) {
	const ports = new Set();
	while (ports.size < n) ports.add(await freePort());
	return [...ports];
}

/**
 * nginx runs in the foreground as our child, but a run that was killed
 * leaves it holding the load balancer's port: its pid file names it, and its
 * command line names this folder.
 */
async function stopLeftoverNginx(dir, log) {
	const pidFile = path.join(dir, 'nginx.pid');
	if (!existsSync(pidFile)) return;
	const pid = Number(readFileSync(pidFile, 'utf8').trim());
	let cmdline = '';
	try {
		cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
	} catch {
		return; // gone
	}
	if (!cmdline.includes('nginx') || !cmdline.includes(dir)) return;
	log(`Stopping an nginx left running by an earlier run (pid ${pid})`);
	process.kill(pid, 'SIGTERM');
	for (let i = 0; i < 100 && existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 50));
}

/** nginx as the load balancer on 127.0.0.1:`port` in front of `upstreams`; resolves once it listens. */
async function startNginx({ dir, port, upstreams, log }) {
	await stopLeftoverNginx(dir, log);
	const { bin, args, errorLog } = writeNginxConfig(dir, { port, upstreams });
	const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	for (const stream of [child.stdout, child.stderr]) stream.on('data', (d) => (output += d));
	const exited = once(child, 'exit');
	const why = () => output + (existsSync(errorLog) ? readFileSync(errorLog, 'utf8').slice(-2000) : '');
	for (let i = 0; !(await listening(port)); i++) {
		if (child.exitCode !== null || i === 100) {
			child.kill('SIGKILL');
			throw new Error(`nginx did not start on 127.0.0.1:${port}:\n${why()}`);
		}
		await new Promise((r) => setTimeout(r, 50));
	}
	return {
		process: child,
		errorLog,
		async stop() {
			if (child.exitCode !== null || child.signalCode !== null) return;
			child.kill('SIGTERM'); // fast shutdown: the master ends its workers
			const late = setTimeout(() => child.kill('SIGKILL'), 5000);
			await exited;
			clearTimeout(late);
		},
	};
}

/**
 * Starts PostgreSQL, Redis, `nodes` service nodes (same database, Redis,
 * site and secret; a data folder each; trusting nginx's 127.0.0.1) and nginx
 * on `lbPort`. `onNodeExit(node, code, signal)` is told when a node ends that
 * was not stopped from here (someone killed it). Resolves to what startStack
 * needs (`url`, `wsUrl`, `stop`) plus the parts, for printing.
 *
 * @param {{ dir: string, lbPort: number, nodes?: number, origins: string[], secret: string,
 *   log?: (line: string) => void, onNodeExit?: (node: object, code: number | null, signal: string | null) => void }} options
 */
export async function startLocalCluster({ dir, lbPort, nodes: count = 2, origins, secret, log = () => {}, onNodeExit = () => {} }) {
	const stops = [];
	let stopping = false;
	const stop = async () => {
		stopping = true;
		// nginx first, so nobody is sent to a node that is going; the engines last.
		for (const group of stops.reverse()) await Promise.allSettled(group.map((f) => f()));
	};
	try {
		const [postgres, redis] = await Promise.all([
			startPostgres({ dir: path.join(dir, 'postgres'), log }),
			startRedis({ dir: path.join(dir, 'redis'), log }),
		]);
		stops.push([() => postgres.stop(), () => redis.stop()]);
		const env = {
			CONSENT_CHAT_DATABASE_URL: postgres.url,
			CONSENT_CHAT_REDIS_URL: redis.url,
			CONSENT_CHAT_TRUSTED_PROXIES: '127.0.0.1',
		};
		const ports = await freePorts(count);
		const nodes = ports.map((port, i) => {
			const node = {
				number: i + 1,
				port,
				url: `http://127.0.0.1:${port}`,
				service: null,
				pid: () => (node.running() ? node.service.process.pid : null),
				running: () => node.service !== null && node.service.process.exitCode === null && node.service.process.signalCode === null,
				/** Starts it (again) on its port and data folder. */
				async start() {
					if (node.running()) throw new Error(`node ${node.number} is running (pid ${node.pid()})`);
					node.service = await startService({ port, dataDir: path.join(dir, `node-${node.number}`), origins, secret, env, log });
					node.service.process.once('exit', (code, signal) => stopping || onNodeExit(node, code, signal));
				},
				stop: async () => node.service?.stop(),
			};
			return node;
		});
		stops.push(nodes.map((n) => () => n.stop()));
		// At once, as a cluster's nodes come up: the schema is migrated once, under its lock.
		const started = await Promise.allSettled(nodes.map((n) => n.start()));
		const failed = started.find((r) => r.status === 'rejected');
		if (failed) throw failed.reason;
		const lb = await startNginx({ dir: path.join(dir, 'nginx'), port: lbPort, upstreams: ports, log });
		stops.push([() => lb.stop()]);
		return {
			url: `http://127.0.0.1:${lbPort}`,
			wsUrl: `ws://127.0.0.1:${lbPort}/ws`,
			nodes,
			postgres,
			redis,
			nginx: lb,
			stop,
		};
	} catch (e) {
		await stop();
		throw e;
	}
}
