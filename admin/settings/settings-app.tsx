/**
 * Settings → Consent Chat. Tabs by what the user may do: administrators
 * see everything; privacy officers only "Privacy & consent". One Save
 * button sends every section the user may change; the server checks the
 * whole submission and saves all of it or nothing, and a refusal is shown
 * next to each field it is about.
 */
import { Button, Notice, TabPanel } from '@wordpress/components';
import { useEffect, useMemo, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';
import { AgentsTab } from './agents-tab';
import { refusalOf, saveSettings } from './api';
import { AppearanceTab } from './appearance-tab';
import { AssistantTab } from './assistant-tab';
import { ConnectionTab } from './connection-tab';
import { draftOf, errorsUnder, isDirty, submission } from './draft';
import { EmbedTab } from './embed-tab';
import { LanguagePicker } from './language-picker';
import { PrivacyTab } from './privacy-tab';
import type { Draft, FieldErrors, SettingsData } from './types';

type Status = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; warnings: string[] } | { kind: 'refused'; message: string };

/** Which tab holds the field at an error path. */
function tabOf( path: string ): string {
	if ( path.startsWith( 'connection' ) || path.startsWith( 'storage.defaultMode' ) ) return 'connection';
	if ( path.startsWith( 'appearance' ) || /^texts\.[^.]+\.(greeting|home)/.test( path ) ) return 'appearance';
	if ( path.startsWith( 'departments' ) ) return 'agents';
	if ( path.startsWith( 'assistant' ) ) return 'assistant';
	return 'privacy';
}

export function SettingsApp( { initial }: { initial: SettingsData } ) {
	const [ data, setData ] = useState( initial );
	const saved = useMemo( () => draftOf( data ), [ data ] );
	const [ draft, setDraft ] = useState< Draft >( saved );
	const [ errors, setErrors ] = useState< FieldErrors >( {} );
	const [ status, setStatus ] = useState< Status >( { kind: 'idle' } );
	const [ locale, setLocale ] = useState( () => ( initial.texts[ initial.siteLocale ] ? initial.siteLocale : Object.keys( initial.texts )[ 0 ] ) );
	const dirty = isDirty( saved, draft );

	useEffect( () => {
		if ( ! dirty ) return;
		const warn = ( e: BeforeUnloadEvent ) => e.preventDefault();
		window.addEventListener( 'beforeunload', warn );
		return () => window.removeEventListener( 'beforeunload', warn );
	}, [ dirty ] );

	const save = async () => {
		setStatus( { kind: 'saving' } );
		try {
			const next = await saveSettings( submission( draft, data.can.manage, saved.texts, saved.assistant ) );
			setData( next );
			setDraft( draftOf( next ) );
			setErrors( {} );
			setStatus( { kind: 'saved', warnings: next.warnings ?? [] } );
		} catch ( e ) {
			const refusal = refusalOf( e );
			setErrors( refusal.fields );
			setStatus( { kind: 'refused', message: refusal.message } );
			// Show the language the first refused text belongs to.
			const first = Object.keys( refusal.fields ).find( ( k ) => k.startsWith( 'texts.' ) );
			const lang = first?.split( '.' )[ 1 ];
			if ( lang && draft.texts[ lang ] ) setLocale( lang );
		}
	};

	const all: Array< { name: string; title: string; admin: boolean } > = [
		{ name: 'connection', title: __( 'Connection', 'consent-chat' ), admin: true },
		{ name: 'appearance', title: __( 'Appearance', 'consent-chat' ), admin: true },
		{ name: 'privacy', title: __( 'Privacy & consent', 'consent-chat' ), admin: false },
		{ name: 'agents', title: __( 'Departments & agents', 'consent-chat' ), admin: true },
		{ name: 'assistant', title: __( 'Assistant', 'consent-chat' ), admin: true },
		{ name: 'embed', title: __( 'Embed', 'consent-chat' ), admin: true },
	];
	const tabs = all
		.filter( ( t ) => data.can.manage || ! t.admin )
		.map( ( { name, title } ) => ( { name, title } ) )
		.map( ( t ) => {
			const n = Object.keys( errors ).filter( ( k ) => tabOf( k ) === t.name ).length;
			return n ? { ...t, title: `${ t.title } (${ n })`, className: 'has-errors' } : t;
		} );
	const requested = new URLSearchParams( window.location.search ).get( 'tab' ) ?? '';
	const initialTab = tabs.some( ( t ) => t.name === requested ) ? requested : tabs[ 0 ].name;

	const picker = (
		<LanguagePicker
			texts={ draft.texts }
			locale={ locale }
			choices={ data.languages }
			onLocale={ setLocale }
			errorCount={ ( l ) => errorsUnder( errors, `texts.${ l }` ) }
			onTexts={ ( texts ) => setDraft( { ...draft, texts } ) }
		/>
	);

	return (
		<div className="consent-chat-settings">
			<div aria-live="polite">
				{ status.kind === 'saved' && (
					<Notice status={ status.warnings.length ? 'warning' : 'success' } onRemove={ () => setStatus( { kind: 'idle' } ) }>
						{ status.warnings.length ? status.warnings.join( ' ' ) : __( 'Settings saved.', 'consent-chat' ) }
					</Notice>
				) }
				{ status.kind === 'refused' && (
					<Notice status="error" onRemove={ () => setStatus( { kind: 'idle' } ) }>
						{ status.message }
						{ Object.keys( errors ).length === 0 ? null : (
							<ul className="consent-chat-settings__error-list">
								{ Object.entries( errors ).map( ( [ path, message ] ) => (
									<li key={ path }>{ message }</li>
								) ) }
							</ul>
						) }
					</Notice>
				) }
			</div>
			<TabPanel className="consent-chat-settings__tabs" tabs={ tabs } initialTabName={ initialTab }>
				{ ( tab ) => (
					<>
						{ ( tab.name === 'privacy' || tab.name === 'appearance' ) && picker }
						{ tab.name === 'connection' && data.connection && (
							<ConnectionTab draft={ draft } saved={ data.connection } errors={ errors } onChange={ setDraft } />
						) }
						{ tab.name === 'appearance' && <AppearanceTab previews={ data.previews ?? {} } draft={ draft } locale={ locale } errors={ errors } onChange={ setDraft } /> }
						{ tab.name === 'privacy' && <PrivacyTab data={ data } draft={ draft } locale={ locale } errors={ errors } onChange={ setDraft } /> }
						{ tab.name === 'agents' && (
							<AgentsTab draft={ draft } savedDepartments={ data.departments ?? [] } errors={ errors } onChange={ setDraft } />
						) }
						{ tab.name === 'assistant' && draft.assistant && (
							<AssistantTab
								assistant={ draft.assistant }
								locales={ [ data.siteLocale, ...Object.keys( draft.texts ) ].filter( ( l, i, all ) => all.indexOf( l ) === i ) }
								departments={ draft.departments ?? [] }
								sync={ data.assistantSync }
								errors={ errors }
								onChange={ ( assistant ) => setDraft( { ...draft, assistant } ) }
							/>
						) }
						{ tab.name === 'embed' && data.snippets && <EmbedTab snippets={ data.snippets } /> }
					</>
				) }
			</TabPanel>
			<div className="consent-chat-settings__actions">
				<Button variant="primary" onClick={ save } isBusy={ status.kind === 'saving' } disabled={ status.kind === 'saving' || ! dirty } __next40pxDefaultSize>
					{ __( 'Save settings', 'consent-chat' ) }
				</Button>
				{ dirty && (
					<>
						<Button variant="tertiary" onClick={ () => ( setDraft( saved ), setErrors( {} ) ) } __next40pxDefaultSize>
							{ __( 'Discard changes', 'consent-chat' ) }
						</Button>
						<span className="description">{ __( 'Unsaved changes', 'consent-chat' ) }</span>
					</>
				) }
				{ Object.keys( errors ).length > 0 && (
					<span className="consent-chat-settings__error">
						{ sprintf(
							/* translators: %d: number of fields. */
							_n( '%d field needs correcting.', '%d fields need correcting.', Object.keys( errors ).length, 'consent-chat' ),
							Object.keys( errors ).length
						) }
					</span>
				) }
			</div>
		</div>
	);
}
