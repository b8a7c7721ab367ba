/**
 * @jest-environment jsdom
 */
/**
 * The one rule for choices (an agent's or the assistant's options, a
 * dialog's choice step): buttons under five, a labelled drop-down from five.
 */
import { choiceList } from '../../../client/widget/reply-options';

const picks: string[] = [];
const list = ( n: number, selected?: string ): HTMLElement =>
	choiceList( Array.from( { length: n }, ( _, i ) => `Option ${ i + 1 }` ), { label: 'Choose an answer', submit: 'Send', selected, onPick: ( c ) => picks.push( c ) } );

test( 'four options are buttons in a labelled group; a click picks', () => {
	const el = list( 4 );
	expect( el.getAttribute( 'role' ) ).toBe( 'group' );
	expect( el.getAttribute( 'aria-label' ) ).toBe( 'Choose an answer' );
	const buttons = el.querySelectorAll( 'button' );
	expect( buttons ).toHaveLength( 4 );
	expect( el.querySelector( 'select' ) ).toBeNull();
	buttons[ 2 ].click();
	expect( picks.pop() ).toBe( 'Option 3' );
} );

test( 'five options are a drop-down with a label and its own button; a choice made before is shown', () => {
	const el = list( 5, 'Option 4' );
	const select = el.querySelector( 'select' )!;
	expect( select.options ).toHaveLength( 5 );
	expect( el.querySelector( `label[for="${ select.id }"]` )?.textContent ).toBe( 'Choose an answer' );
	expect( select.value ).toBe( 'Option 4' );
	select.value = 'Option 5';
	el.dispatchEvent( new Event( 'submit', { cancelable: true } ) );
	expect( picks.pop() ).toBe( 'Option 5' );
} );

test( 'buttons show the choice made before as pressed', () => {
	const el = list( 2, 'Option 2' );
	expect( [ ...el.querySelectorAll( 'button' ) ].map( ( b ) => b.getAttribute( 'aria-pressed' ) ) ).toEqual( [ 'false', 'true' ] );
} );
