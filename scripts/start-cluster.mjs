// `npm run start:cluster`: the product as several nodes. PostgreSQL, Redis, two
// service nodes, nginx as their load balancer, and a WordPress (with the demo
// page and the agent) pointed at nginx. Prints the URLs and the nodes' pids,
// so that a person can kill a node and watch the chat go on; `start N` (Enter)
// starts node N again. Ctrl-C stops everything it started.
//
// Its own folder, data/cluster/ (site, secret, database), so `npm start`
// (one node, SQLite, data/) is untouched and both can run at once.

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { buildIfNeeded } from './build-if-needed.mjs';
import { startLocalCluster } from './cluster.mjs';
import { ADMIN, AGENT, ROOT, startStack } from './stack.mjs';

const WP_PORT = Number(process.env.WP_PORT ?? 9420);
const LB_PORT = Number(process.env.CHAT_PORT ?? 8790);
const DATA_DIR = path.join(ROOT, 'data', 'cluster');
const verbose = process.env.VERBOSE === '1';
const log = (line) => (verbose || /error|fatal|warn/i.test(line)) && console.log(line);

let stopping = false;
const t0 = Date.now();
execFileSync('bash', [path.join(ROOT, 'scripts/ensure-system-deps.sh'), 'cluster'], { stdio: 'inherit' });
buildIfNeeded();
let cluster;
const stack = await startStack({
	dataDir: DATA_DIR,
	wpPort: WP_PORT,
	log,
	startChat: async ({ origins, secret }) =>
		(cluster = await startLocalCluster({
			dir: DATA_DIR,
			lbPort: LB_PORT,
			origins,
			secret,
			log,
			onNodeExit: (node, code, signal) =>
				stopping ||
				console.log(`\nNode ${node.number} has exited (${signal ?? `code ${code}`}); nginx sends its clients to the other node. Type "start ${node.number}" to start it again.`),
		})),
});

const nodeLines = () =>
	cluster.nodes
		.map((n) => `  Node ${n.number}:                ${n.url}/readyz  ${n.running() ? `pid ${n.pid()}` : '(down)'}`)
		.join('\n');

console.log(`
Consent Chat is running on ${cluster.nodes.length} nodes (ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)

  Demo page (visitor):   ${stack.demoUrl}
  Agent console:         ${stack.consoleUrl}
      agent login:       ${AGENT.login} / ${AGENT.password}
  WordPress admin:       ${stack.adminUrl}
      admin login:       ${ADMIN.login} / ${ADMIN.password}
  Load balancer (nginx): ${cluster.url}/readyz  (WebSocket ${cluster.wsUrl}; WordPress uses this)
${nodeLines()}
  PostgreSQL:            ${cluster.postgres.url}
  Redis:                 ${cluster.redis.url}

Start a chat, then kill the node it is on and watch it go on:
  kill -9 ${cluster.nodes[0].pid()}      (node 1; "kill" without -9 drains it gracefully)
Which node served a request: nginx's X-Upstream-Addr header (browser devtools, or curl -i ${cluster.url}/readyz).
Type "start N" to start node N again, "status" for the nodes. Data: ${path.relative(ROOT, DATA_DIR)}/ (delete it for a fresh start).

Press Ctrl-C to stop.`);

// Commands on stdin. Not a terminal-mode interface: Ctrl-C stays the
// terminal's, and reaches every process of the group as usual.
const commands = createInterface({ input: process.stdin, terminal: false });
commands.on('line', async (line) => {
	const [word, arg] = line.trim().split(/\s+/);
	if (!word) return;
	if (word === 'status') return console.log(nodeLines());
	const node = word === 'start' ? cluster.nodes.find((n) => n.number === Number(arg)) : undefined;
	if (!node) return console.log(`Commands: "start N" (N from 1 to ${cluster.nodes.length}), "status".`);
	try {
		await node.start();
		console.log(`Node ${node.number} is running again: ${node.url}/readyz pid ${node.pid()}`);
	} catch (e) {
		console.log(`Node ${node.number} did not start: ${e.message}`);
	}
});

const stop = async () => {
	if (stopping) return;
	stopping = true;
	console.log('\nStopping…');
	commands.close();
	await stack.stop();
	process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// A closed terminal: nginx would take SIGHUP as "reload", so stop it and the rest.
process.on('SIGHUP', stop);
