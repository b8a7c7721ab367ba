/**
 * When the assistant offers the contact form (nobody is online), the form is
 * prefilled with what the visitor already gave in this chat, so nothing is
 * asked twice: a dialog's answers (the message's `fields`, or the dialog
 * it names, as the visitor submitted it), the pre-chat form, and their last
 * question. Opt-in boxes are never ticked for them. Pure.
 */
import type { FormField } from '../contract';
import type { ChatMessage, FieldValues } from '../../server/protocol';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** What the visitor gave: the offered dialog's answers first, then the pre-chat form's. */
function given( offer: ChatMessage, history: readonly ChatMessage[] ): FieldValues[] {
	const submitted = ( id: string ): FieldValues | undefined => history.findLast( ( m ) => m.from === 'visitor' && m.dialog === id && m.fields )?.fields;
	const dialog = offer.fields ?? ( offer.dialog ? submitted( offer.dialog ) : undefined );
	return [ dialog, submitted( 'prechat' ) ].filter( ( f ): f is FieldValues => f !== undefined );
}

/**
 * The visitor's last question: their newest message typed as text, not a pick
 * of the options the message before it offered ("Talk to a person" is no question).
 */
export function lastQuestion( history: readonly ChatMessage[] ): string {
	for ( let i = history.length - 1; i >= 0; i-- ) {
		const m = history[ i ];
		if ( m.from !== 'visitor' || m.dialog || ! m.text ) continue;
		const before = history.slice( 0, i ).findLast( ( x ) => x.from !== 'visitor' && x.from !== 'system' );
		const picked = before?.options?.some( ( o ) => o.trim().toLowerCase() === m.text.trim().toLowerCase() );
		if ( ! picked ) return m.text;
	}
	return '';
}

/** Field id → value for the contact form offered by `offer` (a `contact_offered` message). */
export function contactPrefill( fields: readonly FormField[], offer: ChatMessage, history: readonly ChatMessage[] ): Record< string, string > {
	const sources = given( offer, history );
	const values = sources.flatMap( ( f ) => Object.values( f ) );
	const out: Record< string, string > = {};
	for ( const field of fields ) {
		if ( field.type === 'checkbox' ) continue; // consent is given by the visitor's own tick, every time
		const same = sources.find( ( f ) => f[ field.id ]?.trim() )?.[ field.id ];
		const value =
			same ??
			( field.type === 'email' ? values.find( ( v ) => EMAIL.test( v.trim() ) ) : undefined ) ??
			( field.type === 'textarea' ? lastQuestion( history ) : undefined );
		if ( value?.trim() ) out[ field.id ] = value.trim();
	}
	return out;
}
