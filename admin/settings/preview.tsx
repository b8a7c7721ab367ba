/**
 * The Appearance tab's live preview: the launcher with its greeting, and
 * the chat window's first screen, drawn by the visitors' own code and CSS
 * (client/preview) from the configuration visitors of this language get,
 * with the unsaved changes laid over it. Inert: a picture, not a form.
 */
import { useEffect, useRef } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import type { FrontendConfig } from '../../client/contract';
import { renderPreview } from '../../client/preview';
import { previewConfig } from './preview-config';
import type { Draft } from './types';

function Drawing( { config, className }: { config: FrontendConfig; className: string } ) {
	const ref = useRef< HTMLDivElement >( null );
	useEffect( () => {
		if ( ref.current ) {
			ref.current.inert = true;
			renderPreview( ref.current, config );
		}
	}, [ config ] );
	return <div ref={ ref } className={ className } />;
}

export function ChatPreview( { base, draft, locale }: { base: FrontendConfig | undefined; draft: Draft; locale: string } ) {
	if ( ! base ) {
		return <p className="description">{ __( 'Save the new language to preview it.', 'consent-chat' ) }</p>;
	}
	return (
		<figure className="consent-chat-settings__preview">
			<figcaption>{ __( 'Preview', 'consent-chat' ) }</figcaption>
			<Drawing config={ previewConfig( base, draft, locale, 'launcher' ) } className="consent-chat-settings__preview-launcher" />
			<Drawing config={ previewConfig( base, draft, locale, 'inline' ) } className="consent-chat-settings__preview-window" />
		</figure>
	);
}
