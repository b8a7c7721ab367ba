/**
 * The chat window's frame: the dialog (or, inline, a region) in the page's
 * language, the standalone page's top bar, the header with its title and
 * close button, the status line (with "Reconnect" when the chat was refused)
 * and the body the views are drawn into.
 */
import type { FrontendConfig } from '../contract';
import { h } from './dom';
import { bcp47 } from './locale';
import { standaloneBar } from './standalone';

let uid = 0;

export interface WindowShell {
	dialog: HTMLElement;
	body: HTMLElement;
	/** The status line: `text` ('' hides it), with the "Reconnect" button or not. */
	setStatus( text: string, withRetry?: boolean ): void;
}

export function windowShell( config: FrontendConfig, inline: boolean, on: { close(): void; reconnect(): void } ): WindowShell {
	const s = config.strings;
	const titleId = `cc-title-${ ++uid }`;
	const statusText = h( 'span', {} );
	const retry = h( 'button', { type: 'button', className: 'cc-link', hidden: true, onClick: () => on.reconnect() }, s.reconnect );
	const statusLine = h( 'div', { className: 'cc-status', role: 'status', hidden: true }, statusText, ' ', retry );
	const body = h( 'div', { className: 'cc-body' } );
	const dialog = h(
		'div',
		{
			className: [
				'cc-window',
				inline ? 'cc-window--inline' : '',
				config.standalone ? 'cc-window--standalone' : '',
				config.appearance?.position === 'left' ? 'cc-window--left' : '',
			].join( ' ' ).trim(),
			role: inline ? 'region' : 'dialog',
			'aria-modal': inline ? undefined : 'true',
			'aria-labelledby': titleId,
			hidden: true,
			lang: bcp47( config.lang ),
		},
		config.standalone ? standaloneBar( config, () => on.close() ) : null,
		h(
			'div',
			{ className: 'cc-header' },
			h( 'h2', { id: titleId, className: 'cc-title' }, s.title ),
			inline ? null : h( 'button', { type: 'button', className: 'cc-close', 'aria-label': s.close, onClick: () => on.close() }, '×' )
		),
		statusLine,
		body
	);
	return {
		dialog,
		body,
		setStatus( text, withRetry = false ) {
			statusText.textContent = text;
			retry.hidden = ! withRetry;
			statusLine.hidden = text === '' && ! withRetry;
		},
	};
}
