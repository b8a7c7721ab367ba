// Compiles languages/*.po into the .mo files WordPress loads (load_plugin_textdomain),
// and into one JSON file per wp-admin script for wp_set_script_translations().
// Part of `npm run build`; the .mo and .json files are build output (git-ignored).

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import gettextParser from 'gettext-parser';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'languages');

/**
 * Each script WordPress translates with JSON, and the source folder whose
 * strings it contains (the references in the .po say where a string is used).
 * WordPress finds the file by the md5 of the script's path in the plugin.
 */
export const SCRIPTS = {
	'build/admin/console.js': 'admin/console/',
	'build/admin/settings.js': 'admin/settings/',
	'build/admin/stats.js': 'admin/stats/',
	'build/chat/index.js': 'blocks/chat/',
};

/** Jed 1.x, the format @wordpress/i18n reads. */
function jed(po, locale, sourcePrefix) {
	const messages = {
		'': { domain: 'messages', lang: locale, 'plural-forms': po.headers['Plural-Forms'] ?? 'nplurals=2; plural=(n != 1);' },
	};
	for (const [context, entries] of Object.entries(po.translations)) {
		for (const [id, entry] of Object.entries(entries)) {
			const refs = (entry.comments?.reference ?? '').split(/\s+/);
			if (id === '' || !refs.some((r) => r.startsWith(sourcePrefix))) continue;
			messages[context ? `${context}\u0004${id}` : id] = entry.msgstr;
		}
	}
	return { domain: 'messages', locale_data: { messages } };
}

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
		const locale = name.replace(/^consent-chat-|\.po$/g, '');
		for (const [script, prefix] of Object.entries(SCRIPTS)) {
			const data = jed(po, locale, prefix);
			const json = `consent-chat-${locale}-${createHash('md5').update(script).digest('hex')}.json`;
			writeFileSync(path.join(DIR, json), JSON.stringify(data));
			built.push(json);
			log(`translations: ${json} for ${script} (${Object.keys(data.locale_data.messages).length - 1} strings)`);
		}
	}
	return built;
}

if (import.meta.url === `file://${process.argv[1]}`) buildTranslations();
