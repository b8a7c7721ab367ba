/**
 * A dialog the assistant asked the visitor to fill in, as the browser holds
 * it: which step is shown, and the answers so far. Nothing leaves the
 * browser until every step is answered: then `fields()` is the one `submit`
 * (one field per step id). Going back keeps every answer. Pure: the view
 * (dialog-view.ts) draws it. Each step is checked by the service's own rule
 * (stepAnswerProblem), so the widget accepts exactly what the service does.
 */
import type { DialogForm, FieldValues } from '../../server/protocol';
import { stepAnswerProblem } from '../../server/assistant/dialog-answers';

/** What is wrong with a step's answer, for the widget to word. */
type DialogStep = DialogForm[ 'steps' ][ number ];

export type StepProblem = 'required' | 'email' | 'date' | 'choice';

export class DialogState {
	private index = 0;
	private readonly answers = new Map< string, string >();

	constructor( readonly form: DialogForm ) {}

	get step(): DialogStep {
		return this.form.steps[ this.index ];
	}

	/** 0-based number of the step shown. */
	get position(): number {
		return this.index;
	}

	get isFirst(): boolean {
		return this.index === 0;
	}

	get isLast(): boolean {
		return this.index === this.form.steps.length - 1;
	}

	/** The answer given to the shown step before (the visitor came back), or ''. */
	get answer(): string {
		return this.answers.get( this.step.id ) ?? '';
	}

	problem( value: string ): StepProblem | null {
		if ( stepAnswerProblem( this.step, value ) === null ) return null;
		// A date or a choice left out is asked for as such ("Please choose a date."), like a wrong one.
		return this.step.input === 'text' ? 'required' : value.trim() === '' && this.step.input === 'email' ? 'required' : this.step.input;
	}

	/**
	 * Keeps the answer of the shown step if it is valid, and moves on.
	 * Returns the problem (nothing kept, nothing moves), or 'next' / 'complete'.
	 */
	answerStep( value: string ): StepProblem | 'next' | 'complete' {
		const problem = this.problem( value );
		if ( problem ) return problem;
		this.answers.set( this.step.id, value.trim() );
		if ( this.isLast ) return 'complete';
		this.index++;
		return 'next';
	}

	back(): void {
		if ( this.index > 0 ) this.index--;
	}

	/** The completed dialog's answers: one field per step id ('' for an optional step left empty). */
	fields(): FieldValues {
		return Object.fromEntries( this.form.steps.map( ( s ) => [ s.id, this.answers.get( s.id ) ?? '' ] ) );
	}
}
