/**
 * The preview's configuration: what visitors of the language get now (from
 * PHP, the same function the page uses), with the screen's unsaved changes
 * laid over it, so the preview shows the form as it stands.
 */
import type { FrontendConfig } from '../../client/contract';
import type { Draft } from './types';

export function previewConfig( base: FrontendConfig, draft: Draft, locale: string, display: FrontendConfig[ 'display' ] ): FrontendConfig {
	const lang = draft.texts[ locale ];
	const appearance = draft.appearance ?? base.appearance;
	return {
		...base,
		display,
		appearance: {
			// An accent still being typed keeps the last valid one.
			accent: /^#[0-9a-f]{6}$/i.test( appearance.accent ) ? appearance.accent : base.appearance.accent,
			position: appearance.position,
		},
		greeting: lang.greeting?.text ? { text: lang.greeting.text, delayMs: lang.greeting.delay * 1000 } : null,
		home: lang.home?.welcome ? { welcome: lang.home.welcome, suggestions: lang.home.suggestions.filter( Boolean ) } : null,
		consent: lang.consent.trim() ? { text: lang.consent, version: base.consent?.version ?? '' } : null,
		privacy: { ...lang.privacy },
	};
}
