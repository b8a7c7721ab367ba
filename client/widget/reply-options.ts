/**
 * Choices the visitor picks from: an agent's or the assistant's reply
 * options, and a dialog's choice step. The one rule for how they look:
 * buttons for a few, a labelled drop-down with its own button from
 * SELECT_FROM on (fewer clicks for a few, less clutter for many).
 */
import { h } from './dom';

/** Buttons below this many choices, a drop-down from it on. */
export const SELECT_FROM = 5;

export function asDropDown( count: number ): boolean {
	return count >= SELECT_FROM;
}

export interface ChoiceOptions {
	/** The group's (buttons) or the drop-down's label. */
	label: string;
	/** The drop-down's button. */
	submit: string;
	/** The choice made before (a dialog step the visitor came back to). */
	selected?: string;
	onPick( choice: string ): void;
}

let uid = 0;

export function choiceList( choices: readonly string[], o: ChoiceOptions ): HTMLElement {
	if ( ! asDropDown( choices.length ) ) {
		return h(
			'div',
			{ className: 'cc-options', role: 'group', 'aria-label': o.label },
			...choices.map( ( c ) =>
				h( 'button', { type: 'button', className: 'cc-chip', 'aria-pressed': o.selected === undefined ? undefined : String( c === o.selected ), onClick: () => o.onPick( c ) }, c )
			)
		);
	}
	const id = `cc-choice-${ ++uid }`;
	const select = h( 'select', { id, className: 'cc-input' }, ...choices.map( ( c ) => h( 'option', { value: c, selected: c === o.selected }, c ) ) );
	const form = h(
		'form',
		{ className: 'cc-options' },
		h( 'label', { for: id, className: 'cc-label' }, o.label ),
		select,
		h( 'button', { type: 'submit', className: 'cc-button' }, o.submit )
	);
	form.addEventListener( 'submit', ( e ) => {
		e.preventDefault();
		o.onPick( select.value );
	} );
	return form;
}
