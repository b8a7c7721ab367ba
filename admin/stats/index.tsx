/**
 * Entry of the Statistics page (wp-admin, Live chat → Statistics). The PHP
 * side renders `<div id="consent-chat-stats" data-config='…'>` and enqueues
 * this script with the `wp-components` style.
 */
import { createRoot } from '@wordpress/element';
import { readConfig } from './config';
import { StatsApp } from './stats-app';
import './stats.scss';

function mount(): void {
	const el = document.getElementById( 'consent-chat-stats' );
	if ( ! el ) return;
	el.classList.add( 'consent-chat-stats' );
	createRoot( el ).render( <StatsApp config={ readConfig( el.dataset.config ) } /> );
}

if ( document.readyState === 'loading' ) {
	document.addEventListener( 'DOMContentLoaded', mount );
} else {
	mount();
}
