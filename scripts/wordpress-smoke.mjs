// Smoke test for scripts/wordpress.mjs: a real WordPress with a plugin, a page and a user, served
// twice from the same site directory, checked over plain HTTP.
//
//   node scripts/wordpress-smoke.mjs [--refetch] [--verbose]
//
// --refetch deletes the cached WordPress first, to time the fetch from Debian.

import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSite, preparePristineWordPress, startWordPress } from './wordpress.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SITE_DIR = '/tmp/cc-wp-smoke';
const PLUGIN_DIR = '/tmp/cc-wp-smoke-plugin';
const PORT = 9555;
const USER = { login: 'agent', password: 'agent-password' };
const PAGE_SLUG = 'cc-smoke';
const SHORTCODE_OUTPUT = 'cc-smoke-shortcode-ok';

const verbose = process.argv.includes('--verbose');
const log = (line) => verbose && console.log(line);
const timings = [];

async function main() {
	if (process.argv.includes('--refetch')) {
		await fs.rm(path.join(ROOT, '.cache', 'wordpress'), { recursive: true, force: true });
	}
	const pristineDir = await timed('prepare (first call)', () => preparePristineWordPress({ root: ROOT, log: console.log }));
	await timed('prepare (second call, cached)', () => preparePristineWordPress({ root: ROOT, log }));

	await timed('fresh site copy', () => ensureSite({ pristineDir, siteDir: SITE_DIR, fresh: true, log }));
	const mounts = [{ hostPath: await writeSmokePlugin(), sitePath: 'wp-content/plugins/cc-smoke' }];

	for (const label of ['first start (installs)', 'second start (same siteDir)']) {
		const wordpress = await timed(label, () =>
			startWordPress({ siteDir: SITE_DIR, port: PORT, mounts, setup: smokeSetup(), log }),
		);
		try {
			await checkSite(wordpress.url);
		} finally {
			await timed('stop', () => wordpress.stop());
		}
	}

	console.log(`\nOK on Node ${process.version}`);
	for (const [label, ms] of timings) console.log(`  ${label.padEnd(32)} ${(ms / 1000).toFixed(1)} s`);
}

async function timed(label, action) {
	const started = performance.now();
	const result = await action();
	timings.push([label, performance.now() - started]);
	return result;
}

/** A throwaway one-file plugin, outside the repository. */
async function writeSmokePlugin() {
	await fs.mkdir(PLUGIN_DIR, { recursive: true });
	await fs.writeFile(
		path.join(PLUGIN_DIR, 'cc-smoke.php'),
		`<?php
/**
 * Plugin Name: Consent Chat smoke test
 */
defined( 'ABSPATH' ) || exit;
add_shortcode( 'cc_smoke', function () {
	return '<p class="cc-smoke">${SHORTCODE_OUTPUT} ' . esc_html( get_bloginfo( 'version' ) ) . '</p>';
} );
`,
	);
	return PLUGIN_DIR;
}

/** Runs on every start, so each script only brings the site to the wanted state. */
function smokeSetup() {
	return [
		`<?php
require './wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
activate_plugin( 'cc-smoke/cc-smoke.php' );
`,
		`<?php
require './wp-load.php';
if ( ! get_page_by_path( '${PAGE_SLUG}' ) ) {
	wp_insert_post( array(
		'post_type'    => 'page',
		'post_status'  => 'publish',
		'post_name'    => '${PAGE_SLUG}',
		'post_title'   => 'Smoke',
		'post_content' => '<!-- wp:shortcode -->[cc_smoke]<!-- /wp:shortcode -->',
	) );
}
$user = array( 'user_login' => '${USER.login}', 'user_pass' => '${USER.password}', 'role' => 'editor' );
$id   = username_exists( $user['user_login'] );
if ( $id ) {
	wp_update_user( $user + array( 'ID' => $id ) );
} else {
	wp_insert_user( $user + array( 'user_email' => 'agent@example.com' ) );
}
`,
	];
}

async function checkSite(url) {
	const page = await fetch(`${url}/?pagename=${PAGE_SLUG}`);
	const html = await page.text();
	assert(page.status === 200, `page answered ${page.status}`);
	assert(html.includes(SHORTCODE_OUTPUT), 'shortcode output missing from the page');
	console.log(`page OK: ${html.match(/cc-smoke-shortcode-ok [^<]*/)[0]}`);

	const jar = await logIn(url, USER);
	const admin = await fetch(`${url}/wp-admin/`, { headers: { cookie: jar.header() }, redirect: 'manual' });
	const adminHtml = await admin.text();
	assert(admin.status === 200, `/wp-admin/ answered ${admin.status} for ${USER.login}`);
	assert(/<title>Dashboard/.test(adminHtml), '/wp-admin/ is not the dashboard');
	assert(adminHtml.includes(`Howdy, <span class="display-name">${USER.login}`), 'dashboard is not for our user');
	console.log(`wp-admin OK as ${USER.login}`);
}

/** A real form login: WordPress refuses it unless the test cookie from the GET comes back. */
async function logIn(url, { login, password }) {
	const jar = new CookieJar();
	jar.take(await fetch(`${url}/wp-login.php`, { redirect: 'manual' }));
	const response = await fetch(`${url}/wp-login.php`, {
		method: 'POST',
		redirect: 'manual',
		headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			log: login,
			pwd: password,
			'wp-submit': 'Log In',
			redirect_to: `${url}/wp-admin/`,
			testcookie: '1',
		}),
	});
	jar.take(response);
	assert(response.status === 302, `login answered ${response.status}, expected a redirect`);
	assert(jar.has(/^wordpress_logged_in_/), 'login set no logged-in cookie');
	return jar;
}

/** Just enough of a cookie jar for one host: names and values, deletions honoured. */
class CookieJar {
	#cookies = new Map();

	take(response) {
		for (const cookie of response.headers.getSetCookie()) {
			const [pair, ...attributes] = cookie.split(';');
			const [name, value] = [pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1)];
			const expired = attributes.some((attribute) => {
				const [key, val = ''] = attribute.trim().split('=');
				if (/^max-age$/i.test(key)) return Number(val) <= 0;
				return /^expires$/i.test(key) && Date.parse(val) < Date.now();
			});
			if (expired) this.#cookies.delete(name);
			else this.#cookies.set(name, value);
		}
	}

	has(pattern) {
		return [...this.#cookies.keys()].some((name) => pattern.test(name));
	}

	header() {
		return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
	}
}

function assert(condition, message) {
	if (!condition) throw new Error(`smoke test failed: ${message}`);
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
