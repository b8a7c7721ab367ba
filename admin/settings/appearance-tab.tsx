/**
 * Colour, corner, greeting and home screen, with a live preview drawn with
 * the visitors' own styles.
 */
import {
	Button,
	ColorPicker,
	RadioControl,
	TextareaControl,
	TextControl,
	ToggleControl,
	__experimentalNumberControl as NumberControl,
} from '@wordpress/components';
import { __ } from '@wordpress/i18n';
import type { FrontendConfig } from '../../client/contract';
import { updateLanguage } from './draft';
import { FieldError, invalidProps } from './field-error';
import { ChatPreview } from './preview';
import type { Appearance, Draft, FieldErrors, LanguageTexts } from './types';

interface Props {
	/** What visitors of each language get now, for the preview. */
	previews: Record< string, FrontendConfig >;
	draft: Draft;
	locale: string;
	errors: FieldErrors;
	onChange: ( draft: Draft ) => void;
}

export function AppearanceTab( { previews, draft, locale, errors, onChange }: Props ) {
	const appearance = draft.appearance ?? { accent: '#1d4ed8', position: 'right' };
	const lang = draft.texts[ locale ];
	const at = `texts.${ locale }`;
	const setAppearance = ( change: Partial< Appearance > ) => onChange( { ...draft, appearance: { ...appearance, ...change } } );
	const set = ( change: Partial< LanguageTexts > ) => onChange( { ...draft, texts: updateLanguage( draft.texts, locale, change ) } );
	const suggestions = lang.home?.suggestions ?? [];
	const setSuggestions = ( next: string[] ) => lang.home && set( { home: { ...lang.home, suggestions: next } } );

	return (
		<div className="consent-chat-settings__columns">
			<div className="consent-chat-settings__section">
				<h2>{ __( 'Colour and position', 'consent-chat' ) }</h2>
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'Accent colour (#rrggbb)', 'consent-chat' ) }
					value={ appearance.accent }
					onChange={ ( accent ) => setAppearance( { accent } ) }
					{ ...invalidProps( errors, 'appearance.accent' ) }
				/>
				<FieldError errors={ errors } path="appearance.accent" />
				<ColorPicker color={ /^#[0-9a-f]{6}$/i.test( appearance.accent ) ? appearance.accent : '#1d4ed8' } onChange={ ( accent ) => setAppearance( { accent: accent.slice( 0, 7 ) } ) } />
				<ToggleControl
					__nextHasNoMarginBottom
					label={ __( 'Show the chat on every page (site-wide launcher)', 'consent-chat' ) }
					help={ __( 'Without it, the chat is only where a Consent Chat block is. A page with the block shows that block’s chat, never two.', 'consent-chat' ) }
					checked={ !! draft.sitewide }
					onChange={ ( sitewide ) => onChange( { ...draft, sitewide } ) }
				/>
				<RadioControl
					label={ __( 'Launcher corner', 'consent-chat' ) }
					selected={ appearance.position }
					options={ [
						{ label: __( 'Bottom right', 'consent-chat' ), value: 'right' },
						{ label: __( 'Bottom left', 'consent-chat' ), value: 'left' },
					] }
					onChange={ ( position ) => setAppearance( { position: position as Appearance[ 'position' ] } ) }
				/>

				<h2>{ __( 'Greeting', 'consent-chat' ) }</h2>
				<ToggleControl
					__nextHasNoMarginBottom
					label={ __( 'Show a greeting beside the launcher', 'consent-chat' ) }
					checked={ lang.greeting !== null }
					onChange={ ( on ) => set( { greeting: on ? { text: '', delay: 10 } : null } ) }
				/>
				{ lang.greeting && (
					<>
						<TextControl
							__nextHasNoMarginBottom
							__next40pxDefaultSize
							label={ __( 'Greeting text', 'consent-chat' ) }
							value={ lang.greeting.text }
							onChange={ ( text ) => lang.greeting && set( { greeting: { ...lang.greeting, text } } ) }
							{ ...invalidProps( errors, `${ at }.greeting.text` ) }
						/>
						<FieldError errors={ errors } path={ `${ at }.greeting.text` } />
						<NumberControl
							__next40pxDefaultSize
							label={ __( 'Show it after (seconds)', 'consent-chat' ) }
							min={ 0 }
							max={ 3600 }
							value={ lang.greeting.delay }
							onChange={ ( delay ) => lang.greeting && set( { greeting: { ...lang.greeting, delay: Number( delay ) } } ) }
							{ ...invalidProps( errors, `${ at }.greeting.delay` ) }
						/>
						<FieldError errors={ errors } path={ `${ at }.greeting.delay` } />
					</>
				) }

				<h2>{ __( 'Home screen', 'consent-chat' ) }</h2>
				<ToggleControl
					__nextHasNoMarginBottom
					label={ __( 'Open the chat with a welcome and suggested questions', 'consent-chat' ) }
					checked={ lang.home !== null }
					onChange={ ( on ) => set( { home: on ? { welcome: '', suggestions: [] } : null } ) }
				/>
				{ lang.home && (
					<>
						<TextareaControl
							__nextHasNoMarginBottom
							label={ __( 'Welcome (Markdown)', 'consent-chat' ) }
							rows={ 3 }
							value={ lang.home.welcome }
							onChange={ ( welcome ) => lang.home && set( { home: { ...lang.home, welcome } } ) }
							{ ...invalidProps( errors, `${ at }.home.welcome` ) }
						/>
						<FieldError errors={ errors } path={ `${ at }.home.welcome` } />
						{ suggestions.map( ( s, i ) => (
							<div key={ i } className="consent-chat-settings__suggestion">
								<TextControl
									__nextHasNoMarginBottom
									__next40pxDefaultSize
									label={ __( 'Suggested question', 'consent-chat' ) }
									value={ s }
									onChange={ ( text ) => setSuggestions( suggestions.map( ( x, j ) => ( j === i ? text : x ) ) ) }
									{ ...invalidProps( errors, `${ at }.home.suggestions.${ i }` ) }
								/>
								<Button variant="tertiary" isDestructive onClick={ () => setSuggestions( suggestions.filter( ( _x, j ) => j !== i ) ) } __next40pxDefaultSize>
									{ __( 'Remove', 'consent-chat' ) }
								</Button>
								<FieldError errors={ errors } path={ `${ at }.home.suggestions.${ i }` } />
							</div>
						) ) }
						<Button variant="secondary" disabled={ suggestions.length >= 8 } onClick={ () => setSuggestions( [ ...suggestions, '' ] ) } __next40pxDefaultSize>
							{ __( 'Add a suggested question', 'consent-chat' ) }
						</Button>
					</>
				) }
			</div>
			<ChatPreview base={ previews[ locale ] } draft={ draft } locale={ locale } />
		</div>
	);
}
