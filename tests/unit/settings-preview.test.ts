/**
 * The settings preview's configuration: the unsaved form laid over what
 * visitors of that language get now.
 */
import type { FrontendConfig } from '../../client/contract';
import { previewConfig } from '../../admin/settings/preview-config';
import type { Draft } from '../../admin/settings/types';

const base = {
	display: 'launcher',
	appearance: { accent: '#1d4ed8', position: 'right' },
	greeting: null,
	home: null,
	consent: { text: 'Old consent', version: 'abc123def456' },
	privacy: { mode: 'none', text: '', url: '', inChat: false },
	strings: { title: 'Chat' },
} as unknown as FrontendConfig;

function draft( change: Partial< Draft > = {} ): Draft {
	return {
		storage: { defaultMode: 'stored', visitorChooses: true, retentionDays: 30 },
		appearance: { accent: '#0b6e4f', position: 'left' },
		texts: {
			de_DE: {
				privacy: { mode: 'url', text: '', url: 'https://example.org/datenschutz', inChat: true },
				consent: 'Neue Einwilligung',
				prechat: [],
				contact: [],
				greeting: { text: 'Hallo!', delay: 5 },
				home: { welcome: 'Willkommen', suggestions: [ 'Preise?', '' ] },
				banner: null,
			},
		},
		...change,
	};
}

test( 'the unsaved colour, corner, greeting, home screen, consent and privacy link are what the preview shows', () => {
	const config = previewConfig( base, draft(), 'de_DE', 'inline' );
	expect( config.display ).toBe( 'inline' );
	expect( config.appearance ).toEqual( { accent: '#0b6e4f', position: 'left' } );
	expect( config.greeting ).toEqual( { text: 'Hallo!', delayMs: 5000 } );
	expect( config.home ).toEqual( { welcome: 'Willkommen', suggestions: [ 'Preise?' ] } );
	expect( config.consent ).toEqual( { text: 'Neue Einwilligung', version: 'abc123def456' } );
	expect( config.privacy.url ).toBe( 'https://example.org/datenschutz' );
	expect( config.strings ).toBe( base.strings );
} );

test( 'a colour still being typed keeps the last valid one; empty texts show nothing', () => {
	const d = draft( { appearance: { accent: '#0b6e', position: 'right' } } );
	d.texts.de_DE = { ...d.texts.de_DE, consent: '  ', greeting: { text: '', delay: 1 }, home: { welcome: '', suggestions: [] } };
	const config = previewConfig( base, d, 'de_DE', 'launcher' );
	expect( config.appearance.accent ).toBe( '#1d4ed8' );
	expect( config.consent ).toBeNull();
	expect( config.greeting ).toBeNull();
	expect( config.home ).toBeNull();
} );
