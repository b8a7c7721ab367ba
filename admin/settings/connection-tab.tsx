/**
 * Where the chat service is, how WordPress proves itself to it, a test of
 * both, and what the service keeps by default.
 */
import { Button, Notice, RadioControl, Spinner, TextControl, ToggleControl } from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { refusalOf, testConnection, type ConnectionResult } from './api';
import { FieldError, invalidProps } from './field-error';
import type { Connection, Draft, FieldErrors } from './types';

interface Props {
	draft: Draft;
	saved: Connection;
	errors: FieldErrors;
	onChange: ( draft: Draft ) => void;
}

type TestState = { state: 'idle' } | { state: 'running' } | { state: 'ok'; result: ConnectionResult } | { state: 'failed'; message: string };

export function ConnectionTab( { draft, saved, errors, onChange }: Props ) {
	const connection = draft.connection ?? { serviceUrl: '', siteId: '', secret: '' };
	const [ test, setTest ] = useState< TestState >( { state: 'idle' } );
	const setConnection = ( change: Partial< typeof connection > ) => onChange( { ...draft, connection: { ...connection, ...change } } );
	const setStorage = ( change: Partial< Draft[ 'storage' ] > ) => onChange( { ...draft, storage: { ...draft.storage, ...change } } );

	const runTest = async () => {
		setTest( { state: 'running' } );
		try {
			setTest( { state: 'ok', result: await testConnection( connection ) } );
		} catch ( e ) {
			setTest( { state: 'failed', message: refusalOf( e ).message } );
		}
	};

	return (
		<div className="consent-chat-settings__section">
			<h2>{ __( 'Chat service', 'consent-chat' ) }</h2>
			<TextControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				label={ __( 'Service address', 'consent-chat' ) }
				help={ sprintf(
					/* translators: %s: the address used when the field is empty. */
					__( 'The WebSocket address of the chat service. Empty: %s', 'consent-chat' ),
					saved.defaultUrl
				) }
				placeholder={ saved.defaultUrl }
				value={ connection.serviceUrl }
				onChange={ ( serviceUrl ) => setConnection( { serviceUrl } ) }
				{ ...invalidProps( errors, 'connection.serviceUrl' ) }
			/>
			<FieldError errors={ errors } path="connection.serviceUrl" />
			<TextControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				label={ __( 'Site id', 'consent-chat' ) }
				help={ __( 'The id the chat service knows this site by.', 'consent-chat' ) }
				value={ connection.siteId }
				onChange={ ( siteId ) => setConnection( { siteId } ) }
				{ ...invalidProps( errors, 'connection.siteId' ) }
			/>
			<FieldError errors={ errors } path="connection.siteId" />
			<TextControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				type="password"
				autoComplete="new-password"
				label={ __( 'Shared secret', 'consent-chat' ) }
				help={
					saved.secretSet
						? __( 'A secret is saved. It is never shown again; type a new one only to replace it.', 'consent-chat' )
						: __( 'No secret is saved yet; one is made when the chat is first used. Enter the one configured at the chat service.', 'consent-chat' )
				}
				placeholder={ saved.secretSet ? '••••••••••••••••' : '' }
				value={ connection.secret }
				onChange={ ( secret ) => setConnection( { secret } ) }
				{ ...invalidProps( errors, 'connection.secret' ) }
			/>
			<FieldError errors={ errors } path="connection.secret" />
			<div className="consent-chat-settings__test">
				<Button variant="secondary" onClick={ runTest } disabled={ test.state === 'running' } __next40pxDefaultSize>
					{ __( 'Test connection', 'consent-chat' ) }
				</Button>
				{ test.state === 'running' && <Spinner /> }
			</div>
			<div aria-live="polite">
				{ test.state === 'ok' && test.result.checked === 'full' && (
					<Notice status={ test.result.policyInSync ? 'success' : 'warning' } isDismissible={ false }>
						{ sprintf(
							/* translators: 1: milliseconds, 2: site id, 3: agents online, 4: open chats. */
							__( 'Connected in %1$d ms as site “%2$s”. Agents online: %3$d, open chats: %4$d.', 'consent-chat' ),
							test.result.milliseconds,
							test.result.site,
							test.result.agentsOnline,
							test.result.openChats
						) }
						{ ! test.result.policyInSync &&
							' ' + __( 'The service applies different storage settings than the saved ones; saving these settings sends them.', 'consent-chat' ) }
					</Notice>
				) }
				{ test.state === 'ok' && test.result.checked === 'reachable' && (
					<Notice status="warning" isDismissible={ false }>
						{ sprintf(
							/* translators: %d: milliseconds. */
							__( 'A chat service answers at this address (in %d ms). Not checked: the site id and the secret. The saved secret is sent only to the saved address, so nothing was sent that would let this address act for your site. To test them too, type the secret configured at this service, or save the address and test again.', 'consent-chat' ),
							test.result.milliseconds
						) }
					</Notice>
				) }
				{ test.state === 'failed' && (
					<Notice status="error" isDismissible={ false }>
						{ test.message }
					</Notice>
				) }
			</div>
			{ saved.policySync && ! saved.policySync.ok && (
				<Notice status="warning" isDismissible={ false }>
					{ sprintf(
						/* translators: %s: the error. */
						__( 'The chat service could not be told the storage settings last time: %s', 'consent-chat' ),
						saved.policySync.message
					) }
				</Notice>
			) }

			<h2>{ __( 'What the service keeps', 'consent-chat' ) }</h2>
			<RadioControl
				label={ __( 'By default, chats are', 'consent-chat' ) }
				selected={ draft.storage.defaultMode }
				options={ [
					{ label: __( 'Stored: the conversation is kept until it is deleted (retention below)', 'consent-chat' ), value: 'stored' },
					{ label: __( 'Not stored: messages are relayed and dropped; nothing of them reaches disk', 'consent-chat' ), value: 'ephemeral' },
				] }
				onChange={ ( mode ) => setStorage( { defaultMode: mode as Draft[ 'storage' ][ 'defaultMode' ] } ) }
			/>
			<FieldError errors={ errors } path="storage.defaultMode" />
			<ToggleControl
				__nextHasNoMarginBottom
				label={ __( 'Visitors may choose the other mode for their chat', 'consent-chat' ) }
				checked={ draft.storage.visitorChooses }
				onChange={ ( visitorChooses ) => setStorage( { visitorChooses } ) }
			/>
		</div>
	);
}
