/**
 * What the console shows of a submitted dialog: its answers labelled with
 * the questions the assistant asked (the `form` of its message in the same
 * chat), so the agent who takes a handed-over chat reads "Which day? —
 * 2026-12-24" rather than "day — 2026-12-24". Pure, no wording (format.ts
 * words things), unit-tested.
 */
import type { ChatMessage } from '../../server/protocol';

/** One answer of a submitted dialog, as the agent reads it. */
export interface DialogAnswer {
	/** The step's id, the key of the answer. */
	id: string;
	/** The question the assistant asked for it, or the step's id if this chat does not hold its dialog. */
	label: string;
	value: string;
}

/** The questions of every dialog the assistant asked for in these messages: dialog id → step id → question. */
export function dialogQuestions( messages: Iterable< ChatMessage > ): Map< string, Map< string, string > > {
	const dialogs = new Map< string, Map< string, string > >();
	for ( const m of messages ) {
		if ( m.from === 'assistant' && m.form ) {
			dialogs.set( m.form.id, new Map( m.form.steps.map( ( s ) => [ s.id, s.question ] ) ) );
		}
	}
	return dialogs;
}

/**
 * A message's submitted answers in the order the dialog asks them (answers
 * of steps it does not know follow, by id). Empty fields stay out: an
 * optional step left blank says nothing.
 */
export function dialogAnswers( message: ChatMessage, questions: Map< string, Map< string, string > > ): DialogAnswer[] {
	if ( ! message.fields ) return [];
	const asked = ( message.dialog && questions.get( message.dialog ) ) || new Map< string, string >();
	const order = [ ...asked.keys() ];
	const rank = ( id: string ): number => ( order.includes( id ) ? order.indexOf( id ) : order.length );
	return Object.entries( message.fields )
		.filter( ( [ , value ] ) => value.trim() !== '' )
		.sort( ( [ a ], [ b ] ) => rank( a ) - rank( b ) || a.localeCompare( b ) )
		.map( ( [ id, value ] ) => ( { id, label: asked.get( id ) ?? id, value } ) );
}
