// Compiles languages/*.po into the .mo files WordPress loads (load_plugin_textdomain).
// Part of `npm run build`; the .mo files are build output (git-ignored).

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import gettextParser from 'gettext-parser';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'languages');

export function buildTranslations(log = console.log) {
	const built = [];
	for (const name of readdirSync(DIR).filter((f) => f.endsWith('.po')).sort()) {
		const po = gettextParser.po.parse(readFileSync(path.join(DIR, name)));
		// A fuzzy or empty entry is not a translation; WordPress must fall back to English for it.
		let count = 0;
		for (const context of Object.values(po.translations)) {
			for (const [id, entry] of Object.entries(context)) {
				if (id === '') continue;
				if (entry.comments?.flag?.includes('fuzzy') || !entry.msgstr.some(Boolean)) delete context[id];
				else count++;
			}
		}
		const mo = name.replace(/\.po$/, '.mo');
		writeFileSync(path.join(DIR, mo), gettextParser.mo.compile(po));
		built.push(mo);
		log(`translations: ${mo} (${count} strings)`);
	}
	return built;
}

if (import.meta.url === `file://${process.argv[1]}`) buildTranslations();
