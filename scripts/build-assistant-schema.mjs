// The assistant's settings and content as a JSON Schema WordPress can validate with
// (rest_validate_value_from_schema), generated from the one definition, the valibot schema
// of `PUT /admin/assistant` (server/assistant/settings.ts), so PHP never holds a hand copy.
// Part of `npm run build`, after build:server (it reads the compiled schema) and after
// build:wp (which empties build/). Output: build/admin/assistant-schema.json, shipped in the
// plugin zip and read by includes/class-assistant.php.
//
// @valibot/to-json-schema writes draft-07; WordPress reads a subset of it. Converted here:
//   - `const` (valibot literals)         → `enum: [value]` with its `type`;
//   - `propertyNames` + `additionalProperties` (valibot records) → `patternProperties`, the
//     key's length folded into the pattern as a look-ahead;
// and two rules the converter cannot see (valibot `check`s: how many locales, how many
// departments) are added as `maxProperties` from the same limits the service uses.
// `trim` has no JSON Schema equivalent: PHP refuses whitespace-only texts in code
// (Assistant_Validator), as it checks unique ids and references, which no schema expresses.
// Any other keyword WordPress does not know fails the build rather than being dropped.
//
//   node scripts/build-assistant-schema.mjs [--out=<file>]

import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toJsonSchema } from '@valibot/to-json-schema';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUT = path.join(ROOT, 'build', 'admin', 'assistant-schema.json');

/** Keywords rest_validate_value_from_schema() applies (WordPress 6.8), plus annotations. */
const KNOWN = new Set([
	'type', 'enum', 'properties', 'patternProperties', 'additionalProperties', 'required', 'minProperties', 'maxProperties',
	'items', 'minItems', 'maxItems', 'uniqueItems', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'oneOf', 'anyOf',
	'default', 'description',
]);

/** One schema node (and its children) in WordPress's dialect. `at` names it in errors. */
export function toWordPress(node, at = '') {
	const out = {};
	for (const [key, value] of Object.entries(node)) {
		if (key === '$schema') continue;
		if (key === 'const') {
			out.enum = [value];
			out.type ??= value === null ? 'null' : typeof value;
		} else if (key === 'propertyNames') {
			const { type, pattern, minLength, maxLength, ...rest } = value;
			if (type !== 'string' || !pattern || Object.keys(rest).length) throw new Error(`${at}: only string keys with a pattern can become patternProperties`);
			const length = minLength !== undefined || maxLength !== undefined ? `(?=.{${minLength ?? 0},${maxLength ?? ''}}$)` : '';
			const key = pattern.startsWith('^') ? `^${length}${pattern.slice(1)}` : `^${length}(?:.*${pattern})`;
			out.patternProperties = { [key]: toWordPress(node.additionalProperties, `${at}.*`) };
			out.additionalProperties = false;
		} else if (key === 'additionalProperties' && node.propertyNames) {
			continue; // became the patternProperties' schema above
		} else if (!KNOWN.has(key)) {
			throw new Error(`${at || '(root)'}: WordPress does not apply the JSON Schema keyword "${key}" (or not as valibot means it)`);
		} else if (key === 'properties' || key === 'patternProperties') {
			out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWordPress(v, `${at}.${k}`)]));
		} else if (key === 'items' || (key === 'additionalProperties' && typeof value === 'object')) {
			out[key] = toWordPress(value, `${at}[]`);
		} else if (key === 'oneOf' || key === 'anyOf') {
			out[key] = value.map((v, i) => toWordPress(v, `${at}|${i}`));
		} else {
			out[key] = value;
		}
	}
	return out;
}

export function assistantSchema() {
	// The compiled service (build:server): CommonJS, the same module the service runs.
	const require = createRequire(import.meta.url);
	const { AssistantPush, ASSISTANT_SETTINGS_LIMITS } = require(path.join(ROOT, 'build/server/assistant/settings.js'));
	const { ASSISTANT_LIMITS } = require(path.join(ROOT, 'build/server/assistant/answers.js'));
	// typeMode input: what WordPress sends, so fields with a default are optional.
	// trim and check are the two actions with no JSON Schema form (see the top).
	const draft = toJsonSchema(AssistantPush, { typeMode: 'input', ignoreActions: ['trim', 'check'] });
	const schema = toWordPress(draft);
	schema.properties.settings.properties.departments.maxProperties = ASSISTANT_SETTINGS_LIMITS.maxDepartments;
	schema.properties.content.properties.locales.maxProperties = ASSISTANT_LIMITS.maxLocales;
	return schema;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const out = process.argv.find((a) => a.startsWith('--out='))?.slice(6) ?? OUT;
	mkdirSync(path.dirname(out), { recursive: true });
	writeFileSync(out, `${JSON.stringify(assistantSchema(), null, '\t')}\n`);
	console.log(`assistant schema: ${path.relative(ROOT, out)}`);
}
