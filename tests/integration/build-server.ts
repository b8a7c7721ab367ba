/**
 * Jest global setup for the integration tests: compile the service, so the
 * child-process tests run the code under test, not a stale build.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export default function buildServer(): void {
	const root = resolve( __dirname, '../..' );
	execFileSync( process.execPath, [ resolve( root, 'node_modules/typescript/bin/tsc' ), '-p', 'server/tsconfig.build.json' ], {
		cwd: root,
		stdio: 'inherit',
	} );
}
