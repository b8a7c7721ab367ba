// `npm run plugin-zip`: consent-chat.zip, the plugin as a site owner uploads it in wp-admin
// (Plugins → Add New → Upload Plugin). It holds what WordPress runs and nothing else: the PHP,
// readme.txt, the built block/admin/client assets and the translations. The chat service
// (build/server) is not part of the plugin: it runs beside WordPress, from its own package.
//
// The list is written here, once, rather than as package.json's `files` (which `wp-scripts
// plugin-zip` reads): that field describes what `npm pack` puts into the npm package, and the
// service, not the plugin, is what may be published that way.
//
// No zip library: Node's zlib deflates and computes the CRC-32, and the rest of the format is a
// few fixed headers (below). tests/integration/plugin-zip.test.ts reads the result with Info-ZIP's
// unzip, and tests/e2e/plugin-zip.spec.ts has WordPress itself install it.
//
//   node scripts/plugin-zip.mjs [--out=<file>]     (default: consent-chat.zip in the repository)

import { readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';

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
const BUILT = ['build/chat/block.json', 'build/client/loader.js', 'build/admin/settings.js', 'languages/consent-chat-de_DE.mo'];

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

/** MS-DOS date and time, as zip headers hold them (local time, two-second steps). */
function dosDateTime(date) {
	const year = Math.max(date.getFullYear(), 1980);
	return {
		time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
		date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
	};
}

/**
 * A zip archive (PKWARE APPNOTE 6.3: local headers, data, central directory, end record) of
 * `entries` (name → contents; a name ending in "/" is a folder). Folders get entries of their own
 * so every unzip tool creates them; names are UTF-8 (flag bit 11).
 */
export function zipArchive(entries) {
	const locals = [];
	const central = [];
	let offset = 0;
	for (const { name, data, mtime } of entries) {
		const nameBytes = Buffer.from(name, 'utf8');
		const isDir = name.endsWith('/');
		const deflated = isDir ? Buffer.alloc(0) : deflateRawSync(data, { level: 9 });
		// Store instead where deflating does not pay (tiny or already compressed files).
		const method = !isDir && deflated.length < data.length ? 8 : 0;
		const body = method === 8 ? deflated : data;
		const crc = isDir ? 0 : crc32(data);
		const { time, date } = dosDateTime(mtime);

		const local = Buffer.alloc(30);
		local.writeUInt32LE(0x04034b50, 0); // local file header signature
		local.writeUInt16LE(20, 4); // version needed to extract: 2.0 (deflate, folders)
		local.writeUInt16LE(0x0800, 6); // flags: names are UTF-8
		local.writeUInt16LE(method, 8);
		local.writeUInt16LE(time, 10);
		local.writeUInt16LE(date, 12);
		local.writeUInt32LE(crc, 14);
		local.writeUInt32LE(body.length, 18);
		local.writeUInt32LE(data.length, 22);
		local.writeUInt16LE(nameBytes.length, 26);
		local.writeUInt16LE(0, 28); // extra field length
		locals.push(local, nameBytes, body);

		const entry = Buffer.alloc(46);
		entry.writeUInt32LE(0x02014b50, 0); // central directory header signature
		entry.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, zip 2.0 (so the modes below count)
		entry.writeUInt16LE(20, 6);
		entry.writeUInt16LE(0x0800, 8);
		entry.writeUInt16LE(method, 10);
		entry.writeUInt16LE(time, 12);
		entry.writeUInt16LE(date, 14);
		entry.writeUInt32LE(crc, 16);
		entry.writeUInt32LE(body.length, 20);
		entry.writeUInt32LE(data.length, 24);
		entry.writeUInt16LE(nameBytes.length, 28);
		// 30: extra length, 32: comment length, 34: disk number, 36: internal attributes: all 0.
		// External attributes: Unix mode in the high 16 bits (rwxr-xr-x folders, rw-r--r-- files),
		// MS-DOS folder bit in the low ones.
		entry.writeUInt32LE((((isDir ? 0o040755 : 0o100644) << 16) | (isDir ? 0x10 : 0)) >>> 0, 38);
		entry.writeUInt32LE(offset, 42);
		central.push(entry, nameBytes);

		offset += local.length + nameBytes.length + body.length;
	}
	const centralSize = central.reduce((n, b) => n + b.length, 0);
	const end = Buffer.alloc(22);
	end.writeUInt32LE(0x06054b50, 0); // end of central directory signature
	// 4, 6: this disk and the central directory's disk: 0.
	end.writeUInt16LE(entries.length, 8);
	end.writeUInt16LE(entries.length, 10);
	end.writeUInt32LE(centralSize, 12);
	end.writeUInt32LE(offset, 16);
	// 20: comment length 0.
	return Buffer.concat([...locals, ...central, end]);
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
	const entries = [...[...folders].sort().map((name) => ({ name, data: Buffer.alloc(0), mtime: newest })), ...packed];
	const zip = zipArchive(entries);
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
