/**
 * Entry of Settings → Consent Chat. The PHP side (includes/class-settings-page.php)
 * prints `<div id="consent-chat-settings">` and enqueues this script with
 * the `wp-components` style and the visitors' styles for the preview.
 */
import { Notice } from '@wordpress/components';
import { createRoot } from '@wordpress/element';
import { loadSettings, refusalOf } from './api';
import { SettingsApp } from './settings-app';
import './settings.scss';

async function mount(): Promise< void > {
	const el = document.getElementById( 'consent-chat-settings' );
	if ( ! el ) return;
	const root = createRoot( el );
	try {
		root.render( <SettingsApp initial={ await loadSettings() } /> );
	} catch ( e ) {
		root.render(
			<Notice status="error" isDismissible={ false }>
				{ refusalOf( e ).message }
			</Notice>
		);
	}
}

if ( document.readyState === 'loading' ) {
	document.addEventListener( 'DOMContentLoaded', () => void mount() );
} else {
	void mount();
}
