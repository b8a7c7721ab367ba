/**
 * The widget bundle, fetched by the loader when the visitor opens the chat
 * (or at once for an inline chat and the standalone page).
 */
import type { WidgetApi } from '../contract';
import { ChatWindow } from './chat-window';
import './window.css';

const windows = new WeakMap< HTMLElement, ChatWindow >();

const api: WidgetApi = {
	open( root, config, launcher ) {
		let w = windows.get( root );
		if ( ! w ) {
			w = new ChatWindow( root, config, launcher );
			windows.set( root, w );
		}
		w.open();
	},
};

window.consentChatWidget = api;
