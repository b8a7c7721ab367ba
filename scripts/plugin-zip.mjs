// `npm run plugin-zip`: consent-chat.zip, the plugin as a site owner uploads it in wp-admin
// (Plugins → Add New → Upload Plugin). It holds what WordPress runs and nothing else: the PHP,
// readme.txt, the built block/admin/client assets and the translations. The chat service
// (build/server) is not part of the plugin: it runs beside WordPress, from its own package.
//
// The list is written here, once, rather than as package.json's `files` (which `wp-scripts
// plugin-zip` reads): that field describes what `npm pack` puts into the npm package, and the
// service, not the plugin, is what may be published that way.
//
// The archive is written by adm-zip, the library `wp-scripts plugin-zip` itself uses.
// tests/integration/plugin-zip.test.ts reads the result with Info-ZIP's unzip, and
// tests/e2e/plugin-zip.spec.ts has WordPress itself install it.
//
//   node scripts/plugin-zip.mjs [--out=<file>]     (default: consent-chat.zip in the repository)

import { readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AdmZip from 'adm-zip';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** WordPress installs a zip into wp-content/plugins/<its top folder>: the plugin's slug. */
export const SLUG = 'consent-chat';

/**
 * What goes in, relative to the repository; folders with everything inside them except
 * dotfiles (build/.stamp) and source maps. build/server is left out on purpose.
 * languages/ keeps the .pot and .po beside the built .mo/.json: translation tools used on a
 * site (Loco Translate, Poedit) start a new language from the .pot and update German from the
 * .po, and a zip-installed plugin gets no wordpress.org language packs.
 */
const INCLUDE = ['plugin.php', 'uninstall.php', 'readme.txt', 'includes', 'build/chat', 'build/admin', 'build/client', 'languages'];
const skip = (name) => name.startsWith('.') || name.endsWith('.map');

/** Files without which the zip would install a broken plugin: the build must have run. */
const BUILT = ['build/chat/block.json', 'build/client/loader.js', 'build/admin/settings.js', 'build/admin/assistant-schema.json', 'languages/consent-chat-de_DE.mo'];

/** Every file to pack, relative to ROOT, sorted so the same tree gives the same zip. */
export function pluginFiles(root = ROOT) {
	const missing = BUILT.filter((f) => !existsSync(path.join(root, f)));
	if (missing.length > 0) {
		throw new Error(`plugin-zip: ${missing.join(', ')} missing; run \`npm run build\` first`);
	}
	const files = [];
	const walk = (rel) => {
		if (!statSync(path.join(root, rel)).isDirectory()) {
			files.push(rel);
			return;
		}
		for (const name of readdirSync(path.join(root, rel))) if (!skip(name)) walk(`${rel}/${name}`);
	};
	INCLUDE.forEach(walk);
	return files.sort();
}

/** Writes the plugin's zip to `out`; returns its size and how many files it holds. */
export function buildPluginZip({ root = ROOT, out = path.join(root, `${SLUG}.zip`) } = {}) {
	const files = pluginFiles(root);
	const folders = new Set([`${SLUG}/`]);
	for (const f of files) {
		const parts = f.split('/');
		for (let i = 1; i < parts.length; i++) folders.add(`${SLUG}/${parts.slice(0, i).join('/')}/`);
	}
	const packed = files.map((f) => ({
		name: `${SLUG}/${f}`,
		data: readFileSync(path.join(root, f)),
		mtime: statSync(path.join(root, f)).mtime,
	}));
	// Folders carry the newest file's time, so the same tree always gives the same bytes.
	const newest = new Date(Math.max(...packed.map((e) => e.mtime.getTime())));
	const archive = new AdmZip();
	for (const { name, data, mtime } of [...[...folders].sort().map((name) => ({ name, data: Buffer.alloc(0), mtime: newest })), ...packed]) {
		archive.addFile(name, data);
		archive.getEntry(name).header.time = mtime;
	}
	const zip = archive.toBuffer();
	writeFileSync(out, zip);
	return { out, bytes: zip.length, files: files.length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const outArg = process.argv.slice(2).find((a) => a.startsWith('--out='));
	try {
		const { out, bytes, files } = buildPluginZip(outArg ? { out: path.resolve(outArg.slice(6)) } : {});
		console.log(`${out}: ${files} files, ${(bytes / 1024).toFixed(0)} KB`);
	} catch (e) {
		console.error(e.message);
		process.exit(1);
	}
}
