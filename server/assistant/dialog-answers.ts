/**
 * Whether a `submit` completes one of the site's dialogs: one field per
 * step at most and no others, every required step answered, each answer of
 * its step's kind (an e-mail address, a calendar date as YYYY-MM-DD, one of
 * the choices). The widget checks the same while the visitor fills the
 * dialog in; this is the service's own check, as the widget is not trusted.
 * Pure: it returns what is wrong (naming the step, never echoing the answer).
 */
import type { FieldValues } from '../protocol/client-frames';
import type { Dialog, DialogStep } from './answers';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function validDate( value: string ): boolean {
	const m = DATE.exec( value );
	if ( ! m ) return false;
	const [ y, mo, d ] = [ Number( m[ 1 ] ), Number( m[ 2 ] ), Number( m[ 3 ] ) ];
	const date = new Date( Date.UTC( y, mo - 1, d ) );
	return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

function wrongAnswer( step: DialogStep, value: string ): string | null {
	switch ( step.input ) {
		case 'email':
			return EMAIL.test( value ) ? null : `step "${ step.id }" needs an e-mail address`;
		case 'date':
			return validDate( value ) ? null : `step "${ step.id }" needs a date as YYYY-MM-DD`;
		case 'choice':
			return step.choices.includes( value ) ? null : `step "${ step.id }" needs one of its choices`;
		case 'text':
			return null;
	}
}

/**
 * What is wrong with one step's answer (spaces around it aside), or null:
 * the one rule for a step, used here for a whole dialog and by the widget
 * for each step as the visitor fills it in (it words the problem itself).
 */
export function stepAnswerProblem( step: DialogStep, answer: string ): string | null {
	const value = answer.trim();
	if ( value === '' ) return step.required ? `step "${ step.id }" is required` : null;
	return wrongAnswer( step, value );
}

/** Null if `fields` complete `dialog`; else what is wrong. */
export function dialogAnswersProblem( dialog: Dialog, fields: FieldValues ): string | null {
	const steps = new Map( dialog.steps.map( ( s ) => [ s.id, s ] ) );
	for ( const key of Object.keys( fields ) ) {
		if ( ! steps.has( key ) ) return `dialog "${ dialog.id }" has no step "${ key }"`;
	}
	for ( const step of dialog.steps ) {
		const wrong = stepAnswerProblem( step, fields[ step.id ] ?? '' );
		if ( wrong ) return wrong;
	}
	return null;
}
