/**
 * Entry of the agent console (wp-admin). The PHP side renders
 * `<div id="consent-chat-console" data-config='{"tokenPath":"…"}'>` and
 * enqueues this script with the `wp-components` style.
 */
import { createRoot } from '@wordpress/element';
import { Console } from './console';
import type { ConsoleConfig } from './use-agent-connection';
import './console.scss';

/** An object of strings from the page, with anything else dropped. */
function stringMap( value: unknown ): Record< string, string > {
	const out: Record< string, string > = {};
	if ( typeof value === 'object' && value !== null ) {
		for ( const [ key, text ] of Object.entries( value ) ) {
			if ( typeof text === 'string' ) out[ key ] = text;
		}
	}
	return out;
}

function readConfig( el: HTMLElement ): ConsoleConfig {
	let data: unknown = null;
	try {
		data = JSON.parse( el.dataset.config ?? 'null' );
	} catch {
		// fall through to the default
	}
	const raw = ( typeof data === 'object' && data !== null ? data : {} ) as { tokenPath?: unknown; fieldLabels?: unknown; departments?: unknown };
	const tokenPath = typeof raw.tokenPath === 'string' ? raw.tokenPath : '/consent-chat/v1/agent-token';
	return { tokenPath, fieldLabels: stringMap( raw.fieldLabels ), departments: stringMap( raw.departments ) };
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
