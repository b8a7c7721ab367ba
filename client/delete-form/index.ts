/**
 * The "delete my chat" form (shortcode `[consent_chat_delete]`): the visitor
 * types the chat code shown in the chat window, and the service deletes that
 * chat's history. Loaded only where the form sits; DOM built from text nodes.
 */
import type { DeleteFormConfig } from '../contract';
import { h } from '../widget/dom';
import './delete-form.css';

type Strings = DeleteFormConfig[ 'strings' ];

/** The service's answer → the text to show, and whether the code was at fault. */
function outcome( status: number, body: { deleted?: boolean } | null, s: Strings ): [ string, boolean ] {
	if ( status === 200 && body?.deleted ) return [ s.deleted, false ];
	if ( status === 404 ) return [ s.deleteNotFound, true ];
	if ( status === 409 ) return [ s.deleteKept, false ];
	if ( status === 429 ) return [ s.deleteLimited, false ];
	return [ s.error, status === 400 ];
}

let count = 0;

function init( mount: HTMLElement ): void {
	const config = JSON.parse( mount.dataset.consentChatDelete ?? '{}' ) as DeleteFormConfig;
	const s = config.strings;
	const id = `cc-delete-${ ++count }`;
	const input = h( 'input', {
		id: `${ id }-code`,
		className: 'cc-delete__input',
		type: 'text',
		name: 'code',
		required: true,
		maxlength: 32,
		autocomplete: 'off',
		autocapitalize: 'characters',
		spellcheck: 'false',
		'aria-describedby': `${ id }-status`,
	} );
	const button = h( 'button', { className: 'cc-delete__button', type: 'submit' }, s.deleteButton );
	const status = h( 'p', { id: `${ id }-status`, className: 'cc-delete__status', role: 'status' } );
	const form = h(
		'form',
		{ className: 'cc-delete__form', 'aria-labelledby': `${ id }-title` },
		h( 'label', { className: 'cc-delete__label', for: input.id }, s.deleteLabel ),
		h( 'span', { className: 'cc-delete__row' }, input, button )
	);
	let busy = false;

	const show = ( text: string, state: 'ok' | 'error' | '', invalid = false ): void => {
		status.textContent = text;
		status.className = `cc-delete__status${ state ? ` is-${ state }` : '' }`;
		if ( invalid ) input.setAttribute( 'aria-invalid', 'true' );
		else input.removeAttribute( 'aria-invalid' );
	};

	form.addEventListener( 'submit', ( event ) => {
		event.preventDefault();
		const code = input.value.trim();
		if ( busy || ! code ) return;
		busy = true;
		form.setAttribute( 'aria-busy', 'true' );
		show( '', '' );
		fetch( `${ config.serviceHttp.replace( /\/+$/, '' ) }/chats/delete`, {
			method: 'POST',
			credentials: 'omit',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify( { site: config.site, code } ),
		} )
			.then( async ( res ): Promise< [ string, boolean ] > => outcome( res.status, await res.json().catch( () => null ), s ) )
			.catch( (): [ string, boolean ] => [ s.error, false ] )
			.then( ( [ text, invalid ] ) => {
				const ok = text === s.deleted;
				show( text, ok ? 'ok' : 'error', invalid );
				if ( ok ) input.value = '';
				else if ( invalid ) input.focus();
			} )
			.finally( () => {
				busy = false;
				form.removeAttribute( 'aria-busy' );
			} );
	} );

	mount.replaceChildren(
		h(
			'section',
			{ className: 'cc-delete', lang: config.lang ? config.lang.replace( '_', '-' ) : undefined },
			h( 'h2', { id: `${ id }-title`, className: 'cc-delete__title' }, s.deleteTitle ),
			h( 'p', { className: 'cc-delete__intro' }, s.deleteIntro ),
			form,
			status
		)
	);
}

document.querySelectorAll< HTMLElement >( '[data-consent-chat-delete]' ).forEach( ( mount ) => {
	try {
		init( mount );
	} catch {
		// A broken attribute leaves this mount empty and the others working.
	}
} );
