// Adds up jest's and Playwright's JSON reports into one closing line,
// "tests: N passed, N failed", and fails when a report is missing (a runner
// that crashed before reporting must not look like zero failures).

import { existsSync, readFileSync } from 'node:fs';

const [jestFile, e2eFile] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let missing = [];

if (existsSync(jestFile)) {
	const j = JSON.parse(readFileSync(jestFile, 'utf8'));
	passed += j.numPassedTests;
	failed += j.numFailedTests + (j.numRuntimeErrorTestSuites ?? 0);
} else missing.push('jest');

if (existsSync(e2eFile)) {
	const s = JSON.parse(readFileSync(e2eFile, 'utf8')).stats;
	passed += s.expected;
	// A flaky test is a bug, and skipped tests are not allowed to linger.
	failed += s.unexpected + s.flaky + s.skipped;
} else missing.push('playwright');

if (missing.length) console.log(`missing reports from: ${missing.join(', ')}`);
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || missing.length ? 1 : 0);
