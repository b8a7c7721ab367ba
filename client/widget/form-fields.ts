/**
 * Configurable form fields (pre-chat form, offline contact form, the consent
 * checkbox): rendering, and validation that names each problem next to its
 * field (WCAG 3.3.1) instead of relying on the browser's bubbles.
 */
import type { FormField, WidgetStrings } from '../contract';
import { LIMITS } from '../../server/protocol/limits';
import { h } from './dom';

let uid = 0;

export interface RenderedField {
	field: FormField;
	/** What to say when a required box is left unticked. */
	unticked: string;
	wrap: HTMLElement;
	input: HTMLInputElement | HTMLTextAreaElement;
	error: HTMLElement;
}

export function renderField( field: FormField, s: WidgetStrings, unticked = s.tickRequired ): RenderedField {
	const id = `cc-f-${ field.id }-${ ++uid }`;
	const errorId = `${ id }-err`;
	const error = h( 'p', { className: 'cc-error', id: errorId, hidden: true } );
	const common = {
		id,
		name: field.id,
		'aria-describedby': errorId,
		'aria-required': field.required ? 'true' : undefined,
	};
	const label = h(
		'label',
		{ for: id, className: field.type === 'checkbox' ? 'cc-check__label' : 'cc-label' },
		field.label,
		// s.required is the whole marker with its brackets ("(required)", "(Pflichtfeld)"), as in
		// WordPress core: a language picks its own brackets, so none are added here.
		field.required && field.type !== 'checkbox' ? h( 'span', { className: 'cc-req' }, ` ${ s.required }` ) : null
	);
	let input: HTMLInputElement | HTMLTextAreaElement;
	let wrap: HTMLElement;
	if ( field.type === 'checkbox' ) {
		input = h( 'input', { ...common, type: 'checkbox', className: 'cc-check__box' } );
		wrap = h( 'div', { className: 'cc-field cc-check' }, input, label, error );
	} else if ( field.type === 'textarea' ) {
		input = h( 'textarea', { ...common, className: 'cc-input', rows: 3, maxlength: LIMITS.maxFieldLength } );
		wrap = h( 'div', { className: 'cc-field' }, label, input, error );
	} else {
		input = h( 'input', {
			...common,
			type: field.type,
			className: 'cc-input',
			maxlength: LIMITS.maxFieldLength,
			autocomplete: field.type === 'email' ? 'email' : field.id === 'name' ? 'name' : undefined,
		} );
		wrap = h( 'div', { className: 'cc-field' }, label, input, error );
	}
	return { field, unticked, wrap, input, error };
}

/** Marks every problem; returns the first invalid input (to focus), or null when all is well. */
export function validate( fields: RenderedField[], s: WidgetStrings ): HTMLElement | null {
	let first: HTMLElement | null = null;
	for ( const f of fields ) {
		const message = problem( f, s );
		f.error.textContent = message;
		f.error.hidden = message === '';
		if ( message ) f.input.setAttribute( 'aria-invalid', 'true' );
		else f.input.removeAttribute( 'aria-invalid' );
		if ( message && ! first ) first = f.input;
	}
	return first;
}

function problem( { field, input, unticked }: RenderedField, s: WidgetStrings ): string {
	if ( input instanceof HTMLInputElement && input.type === 'checkbox' ) {
		return field.required && ! input.checked ? unticked : '';
	}
	const value = input.value.trim();
	if ( field.required && value === '' ) return s.fieldRequired.replace( '%s', field.label );
	if ( value && input instanceof HTMLInputElement && input.type === 'email' && ! input.checkValidity() ) {
		return s.fieldRequired.replace( '%s', field.label );
	}
	return '';
}

/** Field id → value, for what the visitor filled in (ticked boxes as "yes"). */
export function values( fields: RenderedField[] ): Record< string, string > {
	const out: Record< string, string > = {};
	for ( const { field, input } of fields ) {
		if ( input instanceof HTMLInputElement && input.type === 'checkbox' ) {
			if ( input.checked ) out[ field.id ] = 'yes';
		} else if ( input.value.trim() ) {
			out[ field.id ] = input.value.trim();
		}
	}
	return out;
}

/** The opt-ins the visitor ticked, with the exact text and version shown: the proof. */
export function consents( fields: RenderedField[] ): Array< { id: string; version: string; text: string } > {
	return fields
		.filter( ( f ) => f.field.optIn && ( f.input as HTMLInputElement ).checked )
		.map( ( f ) => ( { id: f.field.id, version: f.field.version ?? '', text: f.field.label } ) );
}
