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
	const tokenPath =
		typeof data === 'object' && data !== null && typeof ( data as { tokenPath?: unknown } ).tokenPath === 'string'
			? ( data as { tokenPath: string } ).tokenPath
			: '/consent-chat/v1/agent-token';
	return { tokenPath };
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
