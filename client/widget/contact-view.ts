/**
 * The offline contact form: shown instead of the start window when nobody is
 * available. Required opt-in checkboxes block sending until ticked; the texts
 * and versions the visitor ticked travel with the submission as proof.
 * Also offered inside a chat by the assistant (`contact_offered`), then
 * prefilled with what the visitor already gave (contact-prefill.ts).
 */
import type { FrontendConfig } from '../contract';
import { h } from './dom';
import { consents, renderField, validate, values } from './form-fields';
import type { PrivacyFlyout } from './privacy';

export function contactView(
	config: FrontendConfig,
	privacy: PrivacyFlyout,
	ticket: () => Promise< { token: string } >,
	prefill: Record< string, string > = {}
): { view: HTMLElement; focus: HTMLElement | null } {
	const s = config.strings;
	const fields = config.contact.map( ( f ) => renderField( f, s ) );
	for ( const f of fields ) {
		if ( f.field.type !== 'checkbox' && prefill[ f.field.id ] ) f.input.value = prefill[ f.field.id ];
	}
	const status = h( 'p', { className: 'cc-form-status', role: 'status' } );
	const submit = h( 'button', { type: 'submit', className: 'cc-button' }, s.contactSend );
	const privacyLine = privacy.line( true );
	const form = h(
		'form',
		{ className: 'cc-contact', novalidate: true },
		h( 'p', { className: 'cc-intro' }, s.contactIntro ),
		...fields.map( ( f ) => f.wrap ),
		privacyLine,
		submit,
		status
	);
	form.addEventListener( 'submit', async ( e ) => {
		e.preventDefault();
		const invalid = validate( fields, s );
		if ( invalid ) {
			invalid.focus();
			return;
		}
		submit.disabled = true;
		status.textContent = '';
		try {
			const { token } = await ticket();
			const res = await fetch( `${ config.serviceHttp }/contact`, {
				method: 'POST',
				credentials: 'omit',
				headers: { authorization: `Bearer ${ token }`, 'content-type': 'application/json' },
				body: JSON.stringify( {
					...( config.dept ? { dept: config.dept } : {} ),
					lang: config.lang,
					fields: values( fields ),
					consents: consents( fields ),
				} ),
			} );
			if ( ! res.ok ) throw new Error( String( res.status ) );
			form.replaceChildren( h( 'p', { className: 'cc-notice cc-notice--done', role: 'status' }, s.contactSent ) );
		} catch {
			// Nothing typed is lost: the form stays filled in for another try.
			status.textContent = s.error;
			submit.disabled = false;
		}
	} );
	return { view: form, focus: fields[ 0 ]?.input ?? null };
}
