/**
 * The Assistant tab's working copy: what it sends is exactly a body the
 * service accepts, import refuses a bad file with the path of its field
 * and changes nothing, export and import round-trip, and a save carries
 * the assistant only when it changed.
 */
import { assistantDraftOf, exportJson, forSave, freeId, importJson, slugOf, updateLocale } from '../../admin/settings/assistant-draft';
import { submission } from '../../admin/settings/draft';
import type { Draft } from '../../admin/settings/types';
import { parseAssistantPush, type AssistantPush } from '../../server/assistant/settings';

const stored: AssistantPush = {
	settings: { mode: 'first', departments: { sales: 'when_offline' }, handoverAfter: 3 },
	content: {
		locales: {
			de_DE: {
				answers: [
					{
						id: 'versand',
						title: 'Versandkosten',
						questions: [ 'Was kostet der Versand?' ],
						answer: 'Ab 50 € **versandkostenfrei**.',
						options: [
							{ label: 'Rückruf', to: 'dialog', dialog: 'rueckruf' },
							{ label: 'Mensch', to: 'person' },
						],
					},
					{ id: 'retoure', title: 'Rücksendung', questions: [ 'Wie schicke ich zurück?' ], answer: '30 Tage.' },
				],
				dialogs: [
					{
						id: 'rueckruf',
						title: 'Rückruf',
						steps: [
							{ id: 'tag', question: 'Wann?', input: 'date', required: true },
							{ id: 'zeit', question: 'Vormittags oder nachmittags?', input: 'choice', choices: [ 'Vormittags', 'Nachmittags' ], required: false },
						],
						complete: { action: 'end', text: 'Wir rufen an.' },
					},
				],
			},
		},
	},
};

test( 'a stored value comes back out unchanged, and the service accepts it', () => {
	const body = forSave( assistantDraftOf( stored ) );
	expect( body ).toEqual( stored );
	const parsed = parseAssistantPush( JSON.parse( JSON.stringify( body ) ) );
	expect( parsed ).toEqual( { ok: true, push: stored } );
} );

test( 'never saved: the assistant off, no content', () => {
	expect( forSave( assistantDraftOf( null ) ) ).toEqual( { settings: { mode: 'off', departments: {}, handoverAfter: 2 }, content: { locales: {} } } );
} );

test( 'what a half-filled form holds is left out: no empty options list, choices only on a choice step, blank choice lines, an end text only for "end"', () => {
	let draft = assistantDraftOf( stored );
	const lang = draft.content.locales.de_DE;
	draft = updateLocale( draft, 'de_DE', {
		answers: lang.answers.map( ( a ) => ( { ...a, options: [] } ) ),
		dialogs: lang.dialogs.map( ( d ) => ( {
			...d,
			steps: [ { ...d.steps[ 0 ], input: 'text', choices: [ 'kept from before' ] }, { ...d.steps[ 1 ], choices: [ 'Vormittags', ' ', 'Nachmittags', '' ] } ],
			complete: { action: 'handover', text: 'typed before switching' },
		} ) ),
	} );
	const out = forSave( draft ).content.locales.de_DE;
	expect( out.answers.map( ( a ) => 'options' in a ) ).toEqual( [ false, false ] );
	expect( out.dialogs![ 0 ].steps ).toEqual( [
		{ id: 'tag', question: 'Wann?', input: 'text', required: true },
		{ id: 'zeit', question: 'Vormittags oder nachmittags?', input: 'choice', choices: [ 'Vormittags', 'Nachmittags' ], required: false },
	] );
	expect( out.dialogs![ 0 ].complete ).toEqual( { action: 'handover' } );
	expect( parseAssistantPush( forSave( draft ) ).ok ).toBe( true );
} );

test( 'export and import round-trip; import keeps the settings and replaces the content', () => {
	const draft = assistantDraftOf( stored );
	const empty = { ...assistantDraftOf( null ), settings: { mode: 'off' as const, departments: {}, handoverAfter: 5 } };
	const result = importJson( empty, exportJson( draft ) );
	expect( result.ok ).toBe( true );
	if ( ! result.ok ) return;
	expect( result.draft.content ).toEqual( draft.content );
	expect( result.draft.settings ).toEqual( empty.settings );
} );

test( 'a bad file is refused with the path of its field, and the form is not touched', () => {
	const draft = assistantDraftOf( stored );
	const before = JSON.stringify( draft );
	const file = JSON.parse( exportJson( draft ) );
	file.locales.de_DE.answers[ 0 ].options[ 0 ].dialog = 'nirgends';
	expect( importJson( draft, JSON.stringify( file ) ) ).toEqual( { ok: false, path: 'locales.de_DE.answers.0.options.0.dialog', message: 'no dialog "nirgends" in this locale' } );
	file.locales.de_DE.answers[ 0 ].options[ 0 ].dialog = 'rueckruf';
	file.locales.de_DE.answers[ 1 ].id = 'Nicht Erlaubt';
	expect( importJson( draft, JSON.stringify( file ) ) ).toMatchObject( { ok: false, path: 'locales.de_DE.answers.1.id' } );
	expect( importJson( draft, '{"locales": ' ) ).toMatchObject( { ok: false, path: '' } );
	expect( JSON.stringify( draft ) ).toBe( before );
} );

test( 'a save carries the assistant only when it changed', () => {
	const saved = assistantDraftOf( stored );
	const draft: Draft = { storage: { defaultMode: 'stored', visitorChooses: true, retentionDays: 30 }, texts: {}, assistant: structuredClone( saved ) };
	expect( submission( draft, true, {}, saved ).assistant ).toBeUndefined();
	const changed = { ...draft, assistant: { ...saved, settings: { ...saved.settings, handoverAfter: 4 } } };
	expect( submission( changed, true, {}, saved ).assistant?.settings.handoverAfter ).toBe( 4 );
	// A privacy officer never sends it.
	expect( submission( changed, false, {}, saved ).assistant ).toBeUndefined();
} );

test( 'ids: readable slugs from titles, and free ones', () => {
	expect( slugOf( 'Größe & Rücksendung?' ) ).toBe( 'groesse-ruecksendung' );
	expect( slugOf( '***' ) ).toBe( 'item' );
	expect( freeId( [ 'answer', 'answer-2' ], 'answer' ) ).toBe( 'answer-3' );
} );

test( 'the site\'s own bot: kept through the draft (its timeout filled in), sent as the service takes it; without one, none is sent', () => {
	const bot = { url: 'https://bot.example/events', name: 'Acme Helpdesk', secret: 'a'.repeat( 43 ) };
	const draft = assistantDraftOf( { settings: { mode: 'first', bot }, content: { locales: {} } } );
	expect( draft.settings.bot ).toEqual( { ...bot, timeoutSeconds: 8 } );
	const body = forSave( draft );
	const parsed = parseAssistantPush( body );
	expect( parsed.ok && parsed.push.settings.bot ).toEqual( { ...bot, timeoutSeconds: 8 } );
	expect( 'bot' in forSave( assistantDraftOf( { settings: { mode: 'first' }, content: { locales: {} } } ) ).settings! ).toBe( false );
	// A secret too short for the service is refused, naming it.
	expect( parseAssistantPush( { ...body, settings: { ...body.settings, bot: { ...bot, secret: 'short' } } } ) ).toMatchObject( { ok: false, path: 'settings.bot.secret' } );
} );
