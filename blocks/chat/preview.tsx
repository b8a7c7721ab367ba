/**
 * The block's body in the editor: the visitors' launcher or chat window
 * (client/preview), inert, so a click selects the block instead of
 * operating a form nobody can send from here, plus a line of text saying
 * what the picture shows (the picture itself is outside the accessibility
 * tree, being inert).
 */
import { useEffect, useRef } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';
import type { FrontendConfig } from '../../client/contract';
import { renderPreview } from '../../client/preview';

export function Preview( { config }: { config: FrontendConfig } ) {
	const ref = useRef< HTMLDivElement >( null );
	useEffect( () => {
		if ( ref.current ) {
			ref.current.inert = true;
			renderPreview( ref.current, config );
		}
	}, [ config ] );

	return (
		<>
			<div ref={ ref } className="consent-chat-preview" />
			<p className="consent-chat-preview__note">{ describe( config ) }</p>
		</>
	);
}

function describe( config: FrontendConfig ): string {
	const parts: string[] = [];
	if ( config.display === 'inline' ) {
		parts.push( __( 'Visitors see this chat window here in the page.', 'consent-chat' ) );
	} else {
		parts.push(
			config.appearance.position === 'left'
				? __( 'Visitors see this launcher in the bottom left corner of the page.', 'consent-chat' )
				: __( 'Visitors see this launcher in the bottom right corner of the page.', 'consent-chat' )
		);
		if ( config.greeting ) {
			const seconds = Math.round( config.greeting.delayMs / 1000 );
			/* translators: %d: seconds after the page loaded. */
			parts.push( sprintf( _n( 'The greeting appears after %d second.', 'The greeting appears after %d seconds.', seconds, 'consent-chat' ), seconds ) );
		}
	}
	if ( config.dept ) {
		/* translators: %s: a department's id. */
		parts.push( sprintf( __( 'Chats go to the department “%s”.', 'consent-chat' ), config.dept ) );
	} else {
		parts.push( __( 'Chats go to any agent.', 'consent-chat' ) );
	}
	return parts.join( ' ' );
}
