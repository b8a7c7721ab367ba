/**
 * The privacy officer's section: per language, the privacy information
 * (text in the § flyout, or a link to the privacy page), the consent
 * checkbox, the forms' fields and opt-ins, the cookie banner's texts; and
 * how long stored chats are kept.
 */
import { RadioControl, TextareaControl, TextControl, ToggleControl, __experimentalNumberControl as NumberControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import { RETENTION_DAYS } from '../../server/protocol/limits';
import { updateLanguage } from './draft';
import { FieldError, invalidProps } from './field-error';
import { FormFieldsEditor } from './form-fields-editor';
import type { BannerTexts, Draft, FieldErrors, LanguageTexts, SettingsData } from './types';

interface Props {
	data: SettingsData;
	draft: Draft;
	locale: string;
	errors: FieldErrors;
	onChange: ( draft: Draft ) => void;
}

/** Labels of the cookie banner's texts, in the order the banner shows them. */
function bannerLabels(): Record< string, string > {
	return {
		title: __( 'Title', 'consent-chat' ),
		description: __( 'Description', 'consent-chat' ),
		acceptAll: __( 'Accept button', 'consent-chat' ),
		rejectAll: __( 'Reject button', 'consent-chat' ),
		preferences: __( 'Settings button', 'consent-chat' ),
		preferencesTitle: __( 'Settings dialog title', 'consent-chat' ),
		save: __( 'Save button', 'consent-chat' ),
		close: __( 'Close button', 'consent-chat' ),
		categoryLabel: __( 'Category name', 'consent-chat' ),
		categoryDescription: __( 'Category description', 'consent-chat' ),
		gpc: __( 'Notice when the browser sends Global Privacy Control', 'consent-chat' ),
		gpcOk: __( 'Its OK button', 'consent-chat' ),
	};
}

const LONG_BANNER_TEXTS = new Set( [ 'description', 'categoryDescription', 'gpc' ] );

export function PrivacyTab( { data, draft, locale, errors, onChange }: Props ) {
	const lang = draft.texts[ locale ];
	const at = `texts.${ locale }`;
	const set = ( change: Partial< LanguageTexts > ) => onChange( { ...draft, texts: updateLanguage( draft.texts, locale, change ) } );
	const setPrivacy = ( change: Partial< LanguageTexts[ 'privacy' ] > ) => set( { privacy: { ...lang.privacy, ...change } } );
	const defaults: BannerTexts = data.bannerDefaults[ locale ] ?? data.bannerDefaults.en_US ?? {};
	const labels = bannerLabels();
	const savedVersion = data.versions[ locale ];
	const consentChanged = ( data.texts[ locale ]?.consent ?? '' ) !== lang.consent;

	return (
		<div className="consent-chat-settings__section">
			<h2>{ __( 'Privacy information', 'consent-chat' ) }</h2>
			<RadioControl
				label={ __( 'The § link in the chat window', 'consent-chat' ) }
				selected={ lang.privacy.mode }
				options={ [
					{ label: __( 'opens this text in a flyout inside the chat window', 'consent-chat' ), value: 'text' },
					{ label: __( 'opens the privacy page in a new tab', 'consent-chat' ), value: 'url' },
					{ label: __( 'is not shown', 'consent-chat' ), value: 'none' },
				] }
				onChange={ ( mode ) => setPrivacy( { mode: mode as LanguageTexts[ 'privacy' ][ 'mode' ] } ) }
			/>
			{ lang.privacy.mode === 'text' && (
				<>
					<TextareaControl
						__nextHasNoMarginBottom
						label={ __( 'Privacy text (Markdown: **bold**, _italic_, [links](https://…), lists)', 'consent-chat' ) }
						rows={ 10 }
						value={ lang.privacy.text }
						onChange={ ( text ) => setPrivacy( { text } ) }
						{ ...invalidProps( errors, `${ at }.privacy.text` ) }
					/>
					<FieldError errors={ errors } path={ `${ at }.privacy.text` } />
				</>
			) }
			{ lang.privacy.mode === 'url' && (
				<>
					<TextControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						type="url"
						label={ __( 'Address of the privacy page', 'consent-chat' ) }
						placeholder="https://"
						value={ lang.privacy.url }
						onChange={ ( url ) => setPrivacy( { url } ) }
						{ ...invalidProps( errors, `${ at }.privacy.url` ) }
					/>
					<FieldError errors={ errors } path={ `${ at }.privacy.url` } />
				</>
			) }
			{ lang.privacy.mode !== 'none' && (
				<ToggleControl
					__nextHasNoMarginBottom
					label={ __( 'Also show the § link in the running chat', 'consent-chat' ) }
					checked={ lang.privacy.inChat }
					onChange={ ( inChat ) => setPrivacy( { inChat } ) }
				/>
			) }

			<h2>{ __( 'Consent checkbox', 'consent-chat' ) }</h2>
			<TextareaControl
				__nextHasNoMarginBottom
				label={ __( 'Text of the checkbox visitors must tick before a chat starts', 'consent-chat' ) }
				help={
					( consentChanged
						? __( 'Saving creates a new version of this text. The old versions are kept, so earlier consents stay provable.', 'consent-chat' )
						: savedVersion
						? sprintf(
								/* translators: %s: a version id. */
								__( 'Current version: %s. Each saved change creates a new version; old ones are kept.', 'consent-chat' ),
								savedVersion
						  )
						: '' ) +
					' ' +
					__( 'Leave it empty to start chats without a checkbox.', 'consent-chat' )
				}
				rows={ 3 }
				value={ lang.consent }
				onChange={ ( consent ) => set( { consent } ) }
				{ ...invalidProps( errors, `${ at }.consent` ) }
			/>
			<FieldError errors={ errors } path={ `${ at }.consent` } />

			<h2>{ __( 'Forms', 'consent-chat' ) }</h2>
			<FormFieldsEditor
				title={ __( 'Before the chat (pre-chat form)', 'consent-chat' ) }
				description={ __( 'Asked before a chat starts. Answers are stored only with stored chats.', 'consent-chat' ) }
				fields={ lang.prechat }
				path={ `${ at }.prechat` }
				errors={ errors }
				onChange={ ( prechat ) => set( { prechat } ) }
			/>
			<FormFieldsEditor
				title={ __( 'Contact form (when no agent is online)', 'consent-chat' ) }
				description={ __( 'Submissions are stored with the opt-in texts and versions the visitor ticked.', 'consent-chat' ) }
				fields={ lang.contact }
				path={ `${ at }.contact` }
				errors={ errors }
				onChange={ ( contact ) => set( { contact } ) }
			/>

			<h2>{ __( 'Cookie banner (chat tracking)', 'consent-chat' ) }</h2>
			<ToggleControl
				__nextHasNoMarginBottom
				label={ __( 'Use own texts for the cookie banner', 'consent-chat' ) }
				help={ __( 'Changing them asks every visitor again.', 'consent-chat' ) }
				checked={ lang.banner !== null }
				onChange={ ( own ) => set( { banner: own ? { ...defaults } : null } ) }
			/>
			{ lang.banner !== null &&
				Object.keys( defaults ).map( ( key ) => {
					const Control = LONG_BANNER_TEXTS.has( key ) ? TextareaControl : TextControl;
					const path = `${ at }.banner.${ key }`;
					return (
						<div key={ key }>
							<Control
								__nextHasNoMarginBottom
								label={ labels[ key ] ?? key }
								value={ lang.banner?.[ key ] ?? '' }
								onChange={ ( value: string ) => set( { banner: { ...( lang.banner ?? defaults ), [ key ]: value } } ) }
								{ ...invalidProps( errors, path ) }
							/>
							<FieldError errors={ errors } path={ path } />
						</div>
					);
				} ) }

			<h2>{ __( 'Retention', 'consent-chat' ) }</h2>
			<NumberControl
				__next40pxDefaultSize
				label={ __( 'Delete stored chats this many days after they end (except chats kept as a record)', 'consent-chat' ) }
				min={ RETENTION_DAYS.min }
				max={ RETENTION_DAYS.max }
				value={ draft.storage.retentionDays }
				onChange={ ( value ) => onChange( { ...draft, storage: { ...draft.storage, retentionDays: Number( value ) } } ) }
				{ ...invalidProps( errors, 'storage.retentionDays' ) }
			/>
			<FieldError errors={ errors } path="storage.retentionDays" />
		</div>
	);
}
