/**
 * The two copy-paste embeds for pages outside WordPress.
 */
import { Button, TextareaControl } from '@wordpress/components';
import { useCopyToClipboard } from '@wordpress/compose';
import { useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';

function Snippet( { label, code }: { label: string; code: string } ) {
	const [ copied, setCopied ] = useState( false );
	const ref = useCopyToClipboard< HTMLButtonElement >( code, () => setCopied( true ) );
	return (
		<div className="consent-chat-settings__snippet">
			<TextareaControl __nextHasNoMarginBottom label={ label } value={ code } readOnly rows={ 6 } onChange={ () => undefined } />
			<Button variant="secondary" ref={ ref } __next40pxDefaultSize>
				{ copied ? __( 'Copied', 'consent-chat' ) : __( 'Copy', 'consent-chat' ) }
			</Button>
		</div>
	);
}

export function EmbedTab( { snippets }: { snippets: { plain: string; tracking: string } } ) {
	return (
		<div className="consent-chat-settings__section">
			<h2>{ __( 'Embed snippets for pages outside WordPress', 'consent-chat' ) }</h2>
			<p className="description">
				{ __( 'Copy one into the HTML of another page (or a native app’s WebView) to show the chat there. The page’s address must be allowed at the chat service.', 'consent-chat' ) }
			</p>
			<Snippet label={ __( 'Chat without tracking', 'consent-chat' ) } code={ snippets.plain } />
			<Snippet label={ __( 'Chat with tracking after consent (cookie banner included)', 'consent-chat' ) } code={ snippets.tracking } />
		</div>
	);
}
