/**
 * The site's own bot, instead of the built-in answers (off by default): its
 * URL, the name visitors are shown (the start window and the privacy text
 * say their messages go to it), how long it may take, and the secret that
 * signs what goes between the chat service and the bot. The secret is made
 * here, by the browser's cryptographic random source, and shown so the
 * bot's operator can copy it; the chat service never shows it back.
 */
import { Button, CheckboxControl, TextControl, __experimentalNumberControl as NumberControl } from '@wordpress/components';
import { useCopyToClipboard } from '@wordpress/compose';
import { useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import type { AssistantDraft, EditBot } from './assistant-draft';
import { FieldError, invalidProps } from './field-error';
import type { FieldErrors } from './types';

interface Props {
	settings: AssistantDraft[ 'settings' ];
	errors: FieldErrors;
	onChange: ( settings: AssistantDraft[ 'settings' ] ) => void;
}

/** 32 random bytes, base64url: 43 characters of what the service's schema allows. */
export function newBotSecret(): string {
	const bytes = crypto.getRandomValues( new Uint8Array( 32 ) );
	return btoa( String.fromCharCode( ...bytes ) ).replace( /\+/g, '-' ).replace( /\//g, '_' ).replace( /=+$/, '' );
}

export function AssistantBot( { settings, errors, onChange }: Props ) {
	const at = 'assistant.settings.bot';
	const bot = settings.bot;
	const [ copied, setCopied ] = useState( false );
	const copyRef = useCopyToClipboard< HTMLButtonElement >( bot?.secret ?? '', () => setCopied( true ) );
	const set = ( change: Partial< EditBot > ) => bot && onChange( { ...settings, bot: { ...bot, ...change } } );
	const toggle = ( on: boolean ) => {
		const { bot: _old, ...rest } = settings;
		onChange( on ? { ...rest, bot: { url: '', name: '', secret: newBotSecret(), timeoutSeconds: 8 } } : rest );
	};
	return (
		<fieldset className="consent-chat-settings__section">
			<legend>{ __( 'Your own bot', 'consent-chat' ) }</legend>
			{ /* WordPress's own help text is too light on the admin's background (axe: 4.0:1); the screen's descriptions are not. */ }
			<p className="description" id="consent-chat-bot-help">
				{ __( 'The chat service sends each chat’s messages, signed, to the bot’s address, and the bot answers through the chat service. Visitors are told the bot’s name in the start window and in the privacy information. The modes above apply to the bot.', 'consent-chat' ) }
			</p>
			<CheckboxControl
				__nextHasNoMarginBottom
				label={ __( 'Let our own bot answer instead of the built-in answers', 'consent-chat' ) }
				aria-describedby="consent-chat-bot-help"
				checked={ !! bot }
				onChange={ toggle }
			/>
			{ bot && (
				<>
					<TextControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						type="url"
						label={ __( 'Bot address (URL the chat service posts to)', 'consent-chat' ) }
						value={ bot.url }
						onChange={ ( url ) => set( { url } ) }
						{ ...invalidProps( errors, `${ at }.url` ) }
					/>
					<FieldError errors={ errors } path={ `${ at }.url` } />
					<TextControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						label={ __( 'Name shown to visitors (the service their messages go to)', 'consent-chat' ) }
						value={ bot.name }
						maxLength={ 80 }
						onChange={ ( name ) => set( { name } ) }
						{ ...invalidProps( errors, `${ at }.name` ) }
					/>
					<FieldError errors={ errors } path={ `${ at }.name` } />
					<NumberControl
						__next40pxDefaultSize
						label={ __( 'Seconds the bot may take to answer before the visitor is handed over', 'consent-chat' ) }
						min={ 1 }
						max={ 30 }
						value={ bot.timeoutSeconds }
						onChange={ ( n ) => set( { timeoutSeconds: Number( n ) } ) }
						{ ...invalidProps( errors, `${ at }.timeoutSeconds` ) }
					/>
					<FieldError errors={ errors } path={ `${ at }.timeoutSeconds` } />
					<TextControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						label={ __( 'Secret (give it to the bot’s operator: it signs what goes between the chat service and the bot)', 'consent-chat' ) }
						value={ bot.secret }
						readOnly
						onChange={ () => undefined }
						{ ...invalidProps( errors, `${ at }.secret` ) }
					/>
					<FieldError errors={ errors } path={ `${ at }.secret` } />
					<Button variant="secondary" ref={ copyRef } __next40pxDefaultSize>
						{ copied ? __( 'Copied', 'consent-chat' ) : __( 'Copy the secret', 'consent-chat' ) }
					</Button>{ ' ' }
					<Button variant="tertiary" onClick={ () => ( set( { secret: newBotSecret() } ), setCopied( false ) ) } __next40pxDefaultSize>
						{ __( 'Make a new secret', 'consent-chat' ) }
					</Button>
				</>
			) }
		</fieldset>
	);
}
