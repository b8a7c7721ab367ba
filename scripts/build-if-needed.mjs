// Builds when any source is newer than the last build, so a second
// `npm start` (or test run) does not pay for webpack again.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './stack.mjs';

const SOURCES = ['blocks', 'client', 'admin', 'server', 'languages', 'package-lock.json', 'webpack.config.js', 'tsconfig.json'];
const STAMP = path.join(ROOT, 'build', '.stamp');

function newest(p) {
	const st = statSync(p);
	if (!st.isDirectory()) return st.mtimeMs;
	return readdirSync(p).reduce((m, name) => Math.max(m, newest(path.join(p, name))), st.mtimeMs);
}

export function buildIfNeeded(log = console.log) {
	const latest = Math.max(...SOURCES.map((s) => path.join(ROOT, s)).filter(existsSync).map(newest));
	if (existsSync(STAMP) && statSync(STAMP).mtimeMs >= latest) return false;
	log('Building the plugin and the service…');
	execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
	writeFileSync(STAMP, new Date().toISOString());
	return true;
}

if (import.meta.url === `file://${process.argv[1]}`) buildIfNeeded();
