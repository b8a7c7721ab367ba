/**
 * Entry of the agent console (wp-admin). The PHP side renders
 * `<div id="consent-chat-console" data-config='{"tokenPath":"…"}'>` and
 * enqueues this script with the `wp-components` style.
 */
import { createRoot } from '@wordpress/element';
import { Console } from './console';
import type { ConsoleConfig } from './use-agent-connection';
import './console.scss';

function readConfig( el: HTMLElement ): ConsoleConfig {
	let data: unknown = null;
	try {
		data = JSON.parse( el.dataset.config ?? 'null' );
	} catch {
		// fall through to the default
	}
	const raw = ( typeof data === 'object' && data !== null ? data : {} ) as { tokenPath?: unknown; fieldLabels?: unknown };
	const tokenPath = typeof raw.tokenPath === 'string' ? raw.tokenPath : '/consent-chat/v1/agent-token';
	const fieldLabels: Record< string, string > = {};
	if ( typeof raw.fieldLabels === 'object' && raw.fieldLabels !== null ) {
		for ( const [ id, label ] of Object.entries( raw.fieldLabels ) ) {
			if ( typeof label === 'string' ) fieldLabels[ id ] = label;
		}
	}
	return { tokenPath, fieldLabels };
}

function mount(): void {
	const el = document.getElementById( 'consent-chat-console' );
	if ( ! el ) return;
	el.classList.add( 'consent-chat-console' );
	createRoot( el ).render( <Console config={ readConfig( el ) } /> );
}

if ( document.readyState === 'loading' ) {
	document.addEventListener( 'DOMContentLoaded', mount );
} else {
	mount();
}
