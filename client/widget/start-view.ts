/**
 * What the visitor sees before a chat exists: the optional home screen, and
 * the start window with the privacy link, the storage notice (and choice),
 * the pre-chat form and the mandatory consent checkbox. Everything typed here
 * stays in the browser until "Start chat".
 */
import type { FrontendConfig, WidgetStrings } from '../contract';
import type { StartFrame } from '../../server/protocol';
import { LIMITS, LOCALE_PATTERN } from '../../server/protocol/limits';
import { h } from './dom';
import { renderField, validate, values, type RenderedField } from './form-fields';
import { renderMarkdown } from './markdown';
import type { PrivacyFlyout } from './privacy';

export type StartRequest = Pick< StartFrame, 'text' | 'form' | 'mode' | 'consentVersion' >;

export function homeView( config: FrontendConfig, onPick: ( text: string ) => void ): HTMLElement {
	const s = config.strings;
	const home = config.home!;
	const list = h( 'ul', { className: 'cc-suggestions', 'aria-label': s.suggestions } );
	for ( const q of home.suggestions ) {
		list.append( h( 'li', {}, h( 'button', { type: 'button', className: 'cc-chip', onClick: () => onPick( q ) }, q ) ) );
	}
	return h(
		'div',
		{ className: 'cc-home' },
		h( 'div', { className: 'cc-md cc-welcome' }, renderMarkdown( home.welcome, s.newTab ) ),
		home.suggestions.length ? list : null,
		h( 'button', { type: 'button', className: 'cc-button', onClick: () => onPick( '' ) }, s.start )
	);
}

export function startView(
	config: FrontendConfig,
	privacy: PrivacyFlyout,
	onStart: ( req: StartRequest ) => void,
	prefill = ''
): { form: HTMLFormElement; focus: HTMLElement } {
	const s: WidgetStrings = config.strings;
	const { storage } = config;
	const notice = h( 'p', { className: 'cc-notice', id: `cc-storage-${ Math.random().toString( 36 ).slice( 2, 8 ) }` } );
	const showNotice = ( mode: 'stored' | 'ephemeral' ): void => {
		notice.textContent = mode === 'stored' ? s.storedNotice.replace( '%d', String( storage.retentionDays ) ) : s.ephemeralNotice;
	};
	showNotice( storage.defaultMode );
	let noStore: HTMLInputElement | null = null;
	if ( storage.visitorChooses && storage.defaultMode === 'stored' ) {
		noStore = h( 'input', { type: 'checkbox', id: `${ notice.id }-choice`, className: 'cc-check__box', 'aria-describedby': notice.id } );
		noStore.addEventListener( 'change', () => showNotice( noStore!.checked ? 'ephemeral' : 'stored' ) );
	}

	const prechat: RenderedField[] = config.direct ? [] : config.prechat.map( ( f ) => renderField( f, s ) );
	const message = renderField( { id: 'message', label: s.messageLabel, type: 'textarea', required: false }, s );
	message.input.maxLength = LIMITS.maxTextLength;
	message.input.value = prefill;
	const consent = config.consent
		? renderField( { id: 'consent', label: config.consent.text, type: 'checkbox', required: true }, s, s.consentRequired )
		: null;
	const privacyLine = privacy.line( true );

	const form = h(
		'form',
		{ className: 'cc-start', novalidate: true },
		h( 'p', { className: 'cc-intro' }, s.intro ),
		...prechat.map( ( f ) => f.wrap ),
		message.wrap,
		h(
			'div',
			{ className: 'cc-storage' },
			notice,
			noStore ? h( 'div', { className: 'cc-check' }, noStore, h( 'label', { for: noStore.id, className: 'cc-check__label' }, s.chooseEphemeral ) ) : null
		),
		consent?.wrap,
		privacyLine,
		h( 'button', { type: 'submit', className: 'cc-button' }, s.start )
	);
	form.addEventListener( 'submit', ( e ) => {
		e.preventDefault();
		const invalid = validate( consent ? [ ...prechat, consent ] : prechat, s );
		if ( invalid ) {
			invalid.focus();
			return;
		}
		const text = message.input.value.trim();
		const form = values( prechat );
		onStart( {
			...( text ? { text } : {} ),
			...( Object.keys( form ).length ? { form } : {} ),
			...( noStore?.checked ? { mode: 'ephemeral' } : {} ),
			...( config.consent ? { consentVersion: config.consent.version } : {} ),
		} );
	} );
	submitOnEnter( message.input as HTMLTextAreaElement, form );
	return { form, focus: prechat[ 0 ]?.input ?? message.input };
}

/**
 * Adds to a start window, once the service said the site's own bot would
 * answer (GET /availability's `bot`), who the messages go to. The name is
 * the site admin's text: set as text, never as HTML.
 */
export function showBotNotice( startWindow: HTMLElement, s: WidgetStrings, name: string ): void {
	if ( startWindow.querySelector( '.cc-bot-notice' ) ) return;
	startWindow.querySelector( '.cc-intro' )?.after( h( 'p', { className: 'cc-notice cc-bot-notice' }, s.botNotice.replace( '%s', name ) ) );
}

/** Enter sends, Shift+Enter makes a new line (what chat users expect). */
export function submitOnEnter( input: HTMLTextAreaElement, form: HTMLFormElement ): void {
	input.addEventListener( 'keydown', ( e ) => {
		if ( e.key === 'Enter' && ! e.shiftKey && ! e.isComposing ) {
			e.preventDefault();
			form.requestSubmit();
		}
	} );
}

/** The `start` frame for what the visitor filled in, with the page's department, origin and language. */
export function startFrame( config: FrontendConfig, clientId: string, req: StartRequest ): StartFrame {
	return {
		type: 'start',
		clientId,
		...req,
		...( config.dept ? { dept: config.dept } : {} ),
		...( config.from ? { from: config.from } : {} ),
		// Which of the site's assistant content answers: the page's language.
		...( LOCALE_PATTERN.test( config.lang ) ? { lang: config.lang } : {} ),
	};
}
