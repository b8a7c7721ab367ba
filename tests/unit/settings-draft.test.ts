/**
 * The settings screen's working copy: what each kind of user sends, when it
 * counts as changed, languages, form fields, and the errors of a language.
 */
import { addLanguage, draftOf, errorsUnder, freeFieldId, isDirty, moveItem, removeLanguage, submission, textsChange } from '../../admin/settings/draft';
import { refusalOf } from '../../admin/settings/api';
import type { LanguageTexts, SettingsData } from '../../admin/settings/types';

const en: LanguageTexts = {
	privacy: { mode: 'text', text: '**Privacy**', url: '', inChat: true },
	consent: 'I agree',
	prechat: [],
	contact: [ { id: 'email', type: 'email', label: 'E-mail', required: true, optIn: false } ],
	greeting: null,
	home: null,
	banner: null,
};

function data( manage: boolean ): SettingsData {
	return {
		can: { manage, privacy: true },
		texts: { en_US: en },
		storage: { defaultMode: 'stored', visitorChooses: true, retentionDays: 30 },
		bannerDefaults: {},
		versions: {},
		siteLocale: 'en_US',
		languages: [ 'en_US' ],
		...( manage
			? {
					connection: { serviceUrl: '', defaultUrl: 'ws://x:8787/ws', siteId: 'demo', secretSet: true, policySync: null },
					appearance: { accent: '#1d4ed8', position: 'right' },
					departments: [ { id: 'sales', name: 'Sales' } ],
					sitewide: false,
			  }
			: {} ),
	};
}

test( 'a privacy officer sends only the retention period and the texts they changed', () => {
	const loaded = data( false );
	const draft = draftOf( loaded );
	draft.storage = { defaultMode: 'ephemeral', visitorChooses: false, retentionDays: 7 };
	expect( submission( draft, false, loaded.texts, undefined ) ).toEqual( { storage: { retentionDays: 7 } } );
	draft.texts.en_US.consent = 'I agree, really';
	expect( submission( draft, false, loaded.texts, undefined ) ).toEqual( { texts: { en_US: { consent: 'I agree, really' } }, storage: { retentionDays: 7 } } );
} );

test( 'an admin sends every section, and the secret only when one was typed', () => {
	const loaded = data( true );
	const draft = draftOf( loaded );
	draft.texts.en_US.greeting = { text: 'Hi', delay: 3 };
	const sent = submission( draft, true, loaded.texts, draftOf( loaded ).assistant );
	expect( Object.keys( sent ).sort() ).toEqual( [ 'appearance', 'connection', 'departments', 'sitewide', 'storage', 'texts' ] );
	expect( sent.texts ).toEqual( { en_US: { greeting: { text: 'Hi', delay: 3 } } } );
	expect( sent.connection ).toEqual( { serviceUrl: '', siteId: 'demo', secret: '' } );
	draft.connection = { serviceUrl: 'wss://chat.example.org/ws', siteId: 'demo', secret: 's'.repeat( 40 ) };
	expect( submission( draft, true, loaded.texts, draftOf( loaded ).assistant ).connection?.secret ).toBe( 's'.repeat( 40 ) );
} );

test( 'the texts go as a change: a removed language as null, a new one whole, only the fields the sender may change', () => {
	const de: LanguageTexts = { ...en, consent: 'Ich stimme zu', greeting: { text: 'Hallo', delay: 5 } };
	const saved = { en_US: en, de_DE: de };
	// Nothing changed: nothing to send, so nothing stored can be undone.
	expect( textsChange( saved, structuredClone( saved ), false ) ).toEqual( {} );
	// A language left out of the working copy was removed on purpose, and says so.
	expect( textsChange( saved, { en_US: en }, true ) ).toEqual( { de_DE: null } );
	// A new language goes whole; an officer's without the fields only admins may change.
	const fr = { ...en, consent: 'J’accepte', greeting: { text: 'Bonjour', delay: 1 } };
	expect( textsChange( saved, { ...saved, fr_FR: fr }, true ) ).toEqual( { fr_FR: fr } );
	const { greeting: _g, home: _h, ...frOfficer } = fr;
	expect( textsChange( saved, { ...saved, fr_FR: fr }, false ) ).toEqual( { fr_FR: frOfficer } );
	// An officer's edit of a greeting is not sent at all; an admin's is.
	const edited = { ...saved, de_DE: { ...de, greeting: { text: 'Servus', delay: 5 }, consent: 'Einverstanden' } };
	expect( textsChange( saved, edited, false ) ).toEqual( { de_DE: { consent: 'Einverstanden' } } );
	expect( textsChange( saved, edited, true ) ).toEqual( { de_DE: { consent: 'Einverstanden', greeting: { text: 'Servus', delay: 5 } } } );
} );

test( 'the working copy is a copy: editing it changes nothing saved, and counts as a change', () => {
	const loaded = data( true );
	const saved = draftOf( loaded );
	const draft = draftOf( loaded );
	expect( isDirty( saved, draft ) ).toBe( false );
	draft.texts.en_US.contact[ 0 ].label = 'Your e-mail';
	expect( loaded.texts.en_US.contact[ 0 ].label ).toBe( 'E-mail' );
	expect( isDirty( saved, draft ) ).toBe( true );
} );

test( 'a new language starts as a copy of the current one; the last language stays', () => {
	const texts = addLanguage( { en_US: en }, 'fr_FR', 'en_US' );
	expect( texts.fr_FR ).toEqual( en );
	expect( texts.fr_FR ).not.toBe( en );
	expect( addLanguage( texts, 'fr_FR', 'en_US' ) ).toBe( texts );
	expect( Object.keys( removeLanguage( texts, 'en_US' ) ) ).toEqual( [ 'fr_FR' ] );
} );

test( 'new fields get a free id; fields move within bounds', () => {
	const fields = [ { ...en.contact[ 0 ], id: 'field' }, { ...en.contact[ 0 ], id: 'field-2' } ];
	expect( freeFieldId( [] ) ).toBe( 'field' );
	expect( freeFieldId( fields ) ).toBe( 'field-3' );
	expect( moveItem( [ 'a', 'b', 'c' ], 2, 0 ) ).toEqual( [ 'c', 'a', 'b' ] );
	expect( moveItem( [ 'a', 'b' ], 0, -1 ) ).toEqual( [ 'a', 'b' ] );
} );

test( 'errors are counted per language, and a refusal is read per field', () => {
	const errors = { 'texts.en_US.privacy.url': 'x', 'texts.en_US_formal.consent': 'y', 'texts.de_DE.contact.0.label': 'z' };
	expect( errorsUnder( errors, 'texts.en_US' ) ).toBe( 1 );
	expect( errorsUnder( errors, 'texts.de_DE' ) ).toBe( 1 );

	const refusal = refusalOf( {
		code: 'consent_chat_invalid',
		message: 'Nothing was saved: some settings need correcting.',
		data: { status: 400, errors: [ { field: 'appearance.accent', message: 'Enter the colour as #rrggbb' }, { field: 7, message: 'dropped' } ] },
	} );
	expect( refusal ).toEqual( { message: 'Nothing was saved: some settings need correcting.', fields: { 'appearance.accent': 'Enter the colour as #rrggbb' } } );
	expect( refusalOf( { data: { params: { maxChats: 'maxChats must be between 1 and 50' } } } ).fields ).toEqual( { maxChats: 'maxChats must be between 1 and 50' } );
	expect( refusalOf( 'network down' ).message ).toMatch( /failed/ );
} );
