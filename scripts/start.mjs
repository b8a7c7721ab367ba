// `npm start`: the product on this machine. Prints the URLs; Ctrl-C stops
// everything it started. A second start reuses the site in data/.

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { buildIfNeeded } from './build-if-needed.mjs';
import { ADMIN, AGENT, ROOT, startStack } from './stack.mjs';

const WP_PORT = Number(process.env.WP_PORT ?? 9400);
const SERVICE_PORT = Number(process.env.CHAT_PORT ?? 8787);
const verbose = process.env.VERBOSE === '1';

const t0 = Date.now();
// WordPress runs on the machine's PHP: install it and its extensions from Debian if missing.
execFileSync('bash', [path.join(ROOT, 'scripts/ensure-system-deps.sh'), 'php'], { stdio: 'inherit' });
buildIfNeeded();
const stack = await startStack({
	dataDir: path.join(ROOT, 'data'),
	wpPort: WP_PORT,
	servicePort: SERVICE_PORT,
	log: (line) => (verbose || /error|fatal|warn/i.test(line)) && console.log(line),
});

console.log(`
Consent Chat is running (ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)

  Demo page (visitor):   ${stack.demoUrl}
  Agent console:         ${stack.consoleUrl}
      agent login:       ${AGENT.login} / ${AGENT.password}
  WordPress admin:       ${stack.adminUrl}
      admin login:       ${ADMIN.login} / ${ADMIN.password}
  Chat service:          ${stack.service.url}/health  (WebSocket ${stack.service.wsUrl})

Press Ctrl-C to stop.`);

let stopping = false;
const stop = async () => {
	if (stopping) return;
	stopping = true;
	console.log('\nStopping…');
	await stack.stop();
	process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
