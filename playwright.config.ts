/**
 * End-to-end tests: Debian's Chromium (Playwright cannot download its own
 * browser here) against a fresh local WordPress and the real chat service,
 * both started by tests/e2e/global-setup.ts on their own ports.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig( {
	testDir: 'tests/e2e',
	globalSetup: './tests/e2e/global-setup.ts',
	// One WordPress serves every test, and tests change its settings: one test at a time.
	workers: 1,
	fullyParallel: false,
	timeout: 90_000,
	expect: { timeout: 15_000 },
	retries: 0,
	reporter: process.env.CI ? [ [ 'list' ] ] : [ [ 'list' ] ],
	outputDir: 'test-results',
	use: {
		headless: true,
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				// Only this machine exists for the tests: every other host fails at once. Without
				// it, wp-admin's Gravatar images wait on a network that never answers, the page's
				// load event never comes, and a login can hang for minutes.
				'--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
			],
		},
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure',
	},
} );
