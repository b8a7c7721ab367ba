// The whole product on this machine: the chat service and a local WordPress
// with the plugin active, a demo page with the Chat block and an agent
// account. Used by `npm start` (long-lived, in data/) and by the end-to-end
// tests (fresh, in a temporary folder, on other ports).

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSite, preparePristineWordPress, startWordPress } from './wordpress.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SITE_ID = 'demo';
export const AGENT = { login: 'agent', password: 'agent-demo-password', name: 'Alex Agent' };
export const ADMIN = { login: 'admin', password: 'password' };
export const DEMO_PAGE_SLUG = 'chat-demo';

/** One secret per data folder, made once: WordPress signs with it, the service verifies. */
function secretFor(dataDir) {
	const file = path.join(dataDir, 'shared-secret');
	if (!existsSync(file)) {
		mkdirSync(dataDir, { recursive: true });
		writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
	}
	return readFileSync(file, 'utf8').trim();
}

/**
 * PHP scripts run against the site on every start (scripts/wordpress.mjs: startWordPress's
 * `setup`), so each is idempotent. The plugin is activated by a script of its own, so that
 * the second runs, like a request would, with the plugin loaded from the start.
 */
export function demoSetup({ serviceUrl, secret }) {
	const activate = `<?php
require './wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
$result = activate_plugin( 'consent-chat/plugin.php' );
if ( is_wp_error( $result ) ) { fwrite( STDERR, $result->get_error_message() ); exit( 1 ); }
`;
	const demo = `<?php
require './wp-load.php';
update_option( 'consent_chat_service_url', ${JSON.stringify(serviceUrl)} );
update_option( 'consent_chat_site_id', ${JSON.stringify(SITE_ID)} );
update_option( 'consent_chat_secret', ${JSON.stringify(secret)}, false );
update_option( 'blogname', 'Consent Chat demo' );
if ( ! get_role( 'consent_chat_agent' ) ) { ConsentChat\\Roles::activate(); }
$agent = get_user_by( 'login', ${JSON.stringify(AGENT.login)} );
if ( ! $agent ) {
	wp_insert_user( array(
		'user_login'   => ${JSON.stringify(AGENT.login)},
		'user_pass'    => ${JSON.stringify(AGENT.password)},
		'user_email'   => 'agent@example.org',
		'display_name' => ${JSON.stringify(AGENT.name)},
		'role'         => 'consent_chat_agent',
	) );
}
if ( ! get_page_by_path( ${JSON.stringify(DEMO_PAGE_SLUG)} ) ) {
	wp_insert_post( array(
		'post_type'    => 'page',
		'post_status'  => 'publish',
		'post_name'    => ${JSON.stringify(DEMO_PAGE_SLUG)},
		'post_title'   => 'Talk to us',
		'post_content' => "<!-- wp:paragraph --><p>Questions about your order? Open the chat in the corner.</p><!-- /wp:paragraph -->\\n<!-- wp:consent-chat/chat /-->",
	) );
}
`;
	return [activate, demo];
}

/**
 * Starts the built service as a child process; resolves once /health answers.
 * `env`: more settings (a cluster's node: database, Redis, trusted proxy).
 */
export async function startService({ port, dataDir, origins, secret, env = {}, log = () => {} }) {
	const child = spawn(process.execPath, [path.join(ROOT, 'build/server/main.js')], {
		env: {
			...process.env,
			CONSENT_CHAT_PORT: String(port),
			CONSENT_CHAT_DATA_DIR: path.join(dataDir, 'service'),
			CONSENT_CHAT_SITE_ID: SITE_ID,
			CONSENT_CHAT_SECRET: secret,
			CONSENT_CHAT_ORIGINS: origins.join(','),
			...env,
		},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const prefix = `[chat:${port}] `;
	for (const stream of [child.stdout, child.stderr]) {
		stream.setEncoding('utf8');
		stream.on('data', (chunk) => chunk.split('\n').filter(Boolean).forEach((l) => log(prefix + l)));
	}
	const url = `http://127.0.0.1:${port}`;
	const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
	const deadline = Date.now() + 20_000;
	for (;;) {
		const code = await Promise.race([exited, new Promise((r) => setTimeout(r, 150, 'poll'))]);
		if (code !== 'poll') throw new Error(`chat service exited with code ${code} before it was ready`);
		try {
			if ((await fetch(`${url}/health`)).ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) throw new Error('chat service did not answer /health in 20 s');
	}
	const stop = async () => {
		if (child.exitCode !== null) return;
		child.kill('SIGTERM');
		await exited;
	};
	return { url, wsUrl: `ws://127.0.0.1:${port}/ws`, process: child, stop };
}

/**
 * Prepares and starts everything. `fresh` makes a new WordPress site in
 * `dataDir` (tests); otherwise an existing one is reused (npm start).
 *
 * `extraMounts` links more folders into the site, e.g. the tests' must-use plugins.
 *
 * `startChat` starts what WordPress talks to, given the origins to allow and
 * the secret: by default one service on `servicePort`; `npm run start:cluster`
 * passes nodes behind a load balancer (scripts/cluster.mjs). It resolves to
 * `{ url, wsUrl, stop() }`, the address WordPress is pointed at.
 *
 * @param {{ dataDir: string, wpPort: number, servicePort?: number, fresh?: boolean, log?: (line: string) => void,
 *   extraMounts?: Array<{ hostPath: string, sitePath: string }>,
 *   startChat?: (o: { origins: string[], secret: string, log: (line: string) => void }) =>
 *     Promise<{ url: string, wsUrl: string, stop: () => Promise<void> }> }} options
 */
export async function startStack({
	dataDir,
	wpPort,
	servicePort,
	fresh = false,
	log = () => {},
	extraMounts = [],
	startChat = ({ origins, secret }) => startService({ port: servicePort, dataDir, origins, secret, log }),
}) {
	const secret = secretFor(dataDir);
	const wpUrl = `http://127.0.0.1:${wpPort}`;
	const pristineDir = await preparePristineWordPress({ root: ROOT, log });
	const siteDir = path.join(dataDir, 'wordpress');
	await ensureSite({ pristineDir, siteDir, fresh, log });
	const service = await startChat({ origins: [wpUrl, `http://localhost:${wpPort}`], secret, log });
	let wp;
	try {
		wp = await startWordPress({
			siteDir,
			port: wpPort,
			mounts: [{ hostPath: ROOT, sitePath: 'wp-content/plugins/consent-chat' }, ...extraMounts],
			setup: demoSetup({ serviceUrl: service.wsUrl, secret }),
			log,
		});
	} catch (e) {
		await service.stop();
		throw e;
	}
	return {
		wpUrl,
		demoUrl: `${wpUrl}/?pagename=${DEMO_PAGE_SLUG}`,
		adminUrl: `${wpUrl}/wp-admin/`,
		consoleUrl: `${wpUrl}/wp-admin/admin.php?page=consent-chat`,
		service,
		wp,
		async stop() {
			await Promise.allSettled([wp.stop(), service.stop()]);
		},
	};
}
