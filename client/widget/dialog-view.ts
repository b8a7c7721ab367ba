/**
 * A dialog the assistant asked for, one step at a time: the question, its
 * input (text, e-mail, a choice as buttons or a drop-down, a date picker),
 * "Back" and "Next" (on the last step "Send answers"), "Skip" on an optional choice. Each step is checked
 * before the next; the answers stay in DialogState, in the browser, until
 * the last step: only then does `onComplete` get them, for the one `submit`.
 */
import type { FrontendConfig, WidgetStrings } from '../contract';
import type { DialogForm, FieldValues } from '../../server/protocol';
import { LIMITS } from '../../server/protocol/limits';
import { datePicker } from './date-picker';
import { DialogState, type StepProblem } from './dialog-state';
import { h } from './dom';
import { asDropDown, choiceList } from './reply-options';

let uid = 0;

export class DialogView {
	readonly element: HTMLElement;
	private readonly state: DialogState;
	private readonly s: WidgetStrings;
	private readonly id = `cc-dialog-${ ++uid }`;

	constructor(
		form: DialogForm,
		private readonly config: FrontendConfig,
		private readonly onComplete: ( fields: FieldValues ) => void
	) {
		this.s = config.strings;
		this.state = new DialogState( form );
		this.element = h( 'section', { className: 'cc-dialog', 'aria-labelledby': `${ this.id }-title` } );
		this.draw( false );
	}

	/** Draws the shown step; `focus`: move focus to its input (after Back / Next, not when it first appears). */
	private draw( focus: boolean ): void {
		const { state, s } = this;
		const step = state.step;
		const labelId = `${ this.id }-q${ state.position }`;
		const error = h( 'p', { className: 'cc-error', id: `${ labelId }-err`, hidden: true } );
		let value: () => string;
		let input: HTMLElement;
		let focusTarget: () => HTMLElement | null;

		if ( step.input === 'choice' ) {
			// A pick answers the step at once (buttons), or with the drop-down's button.
			let picked = state.answer;
			input = choiceList( step.choices, {
				label: step.question,
				submit: state.isLast ? s.sendAnswers : s.next,
				selected: state.answer || undefined,
				onPick: ( c ) => {
					picked = c;
					this.answer( picked, error, () => focusTarget() );
				},
			} );
			value = () => picked;
			focusTarget = () => input.querySelector< HTMLElement >( 'button, select' );
		} else if ( step.input === 'date' ) {
			const picker = datePicker( s, this.config.lang, labelId, state.answer, this.config.nonce );
			picker.ready.catch( () => {
				error.textContent = s.error;
				error.hidden = false;
			} );
			input = picker.element;
			value = picker.value;
			focusTarget = () => input.querySelector< HTMLElement >( 'calendar-date' );
			if ( focus ) void picker.ready.then( ( c ) => c.isConnected && c.focus() );
		} else {
			const field = h( 'input', {
				id: `${ labelId }-in`,
				type: step.input,
				className: 'cc-input',
				maxlength: LIMITS.maxFieldLength,
				'aria-labelledby': labelId,
				'aria-describedby': error.id,
				'aria-required': step.required ? 'true' : undefined,
				autocomplete: step.input === 'email' ? 'email' : 'off',
			} );
			field.value = state.answer;
			input = field;
			value = () => field.value;
			focusTarget = () => field;
		}

		const back = state.isFirst
			? null
			: h( 'button', { type: 'button', className: 'cc-link', onClick: () => {
				state.back();
				this.draw( true );
			} }, s.back );
		// Buttons and a drop-down always pick something: an optional choice needs its own way on, answered empty.
		const skip =
			step.input === 'choice' && ! step.required
				? h( 'button', { type: 'button', className: 'cc-link', onClick: () => this.answer( '', error, () => focusTarget() ) }, s.skip )
				: null;
		const progress = s.stepOf.replace( '%1$d', String( state.position + 1 ) ).replace( '%2$d', String( state.form.steps.length ) );
		const required = step.required ? h( 'span', { className: 'cc-req' }, ` ${ s.required }` ) : null;
		let question: HTMLElement | null;
		if ( step.input === 'choice' ) {
			// A drop-down carries the question as its label; buttons get it as a line above them.
			question = asDropDown( step.choices.length ) ? null : h( 'p', { id: labelId, className: 'cc-label' }, step.question );
		} else if ( step.input === 'date' ) {
			question = h( 'p', { id: labelId, className: 'cc-label' }, step.question, required );
		} else {
			question = h( 'label', { id: labelId, className: 'cc-label', for: `${ labelId }-in` }, step.question, required );
		}
		// A choice is answered by its own buttons (or the drop-down's form): no form around it, no "Next".
		const body =
			step.input === 'choice'
				? h( 'div', { className: 'cc-dialog__step' } )
				: h( 'form', { className: 'cc-dialog__step', novalidate: true } );
		body.append(
			h( 'p', { className: 'cc-dialog__progress' }, progress ),
			...( question ? [ question ] : [] ),
			input,
			error,
			h( 'div', { className: 'cc-dialog__nav' }, back, skip, step.input === 'choice' ? null : h( 'button', { type: 'submit', className: 'cc-button' }, state.isLast ? s.sendAnswers : s.next ) )
		);
		body.addEventListener( 'submit', ( e ) => {
			e.preventDefault();
			if ( step.input !== 'choice' ) this.answer( value(), error, focusTarget );
		} );
		this.element.replaceChildren( h( 'h3', { id: `${ this.id }-title`, className: 'cc-dialog__title' }, state.form.title ), body );
		if ( focus ) focusTarget()?.focus();
	}

	private answer( value: string, error: HTMLElement, focusTarget: () => HTMLElement | null ): void {
		const result = this.state.answerStep( value );
		if ( result === 'next' ) {
			this.draw( true );
		} else if ( result === 'complete' ) {
			this.onComplete( this.state.fields() );
		} else {
			error.textContent = this.problemText( result );
			error.hidden = false;
			const target = focusTarget();
			target?.setAttribute( 'aria-invalid', 'true' );
			target?.focus();
		}
	}

	private problemText( p: StepProblem ): string {
		const { s } = this;
		if ( p === 'email' ) return s.invalidEmail;
		if ( p === 'date' ) return s.chooseDate;
		if ( p === 'choice' ) return s.chooseOption;
		return s.fieldRequired.replace( '%s', this.state.step.question );
	}
}
