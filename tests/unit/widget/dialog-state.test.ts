/**
 * A dialog as the widget holds it: one step at a time, each checked by the
 * service's own rule, answers kept when going back, and only the completed
 * dialog's fields (one per step id) handed on.
 */
import { DialogState } from '../../../client/widget/dialog-state';
import type { DialogForm } from '../../../server/protocol';

const FORM: DialogForm = {
	id: 'callback',
	title: 'Call me back',
	steps: [
		{ id: 'name', question: 'Your name?', input: 'text', required: true },
		{ id: 'email', question: 'Your e-mail?', input: 'email', required: true },
		{ id: 'day', question: 'Which day?', input: 'date', required: true },
		{ id: 'note', question: 'Anything else?', input: 'text', required: false },
		{ id: 'time', question: 'When?', input: 'choice', choices: [ 'Morning', 'Afternoon' ], required: true },
	],
};

test( 'each step is checked before the next; nothing moves on a problem', () => {
	const d = new DialogState( FORM );
	expect( d.answerStep( '  ' ) ).toBe( 'required' );
	expect( d.step.id ).toBe( 'name' );
	expect( d.answerStep( ' Ada ' ) ).toBe( 'next' );
	expect( d.answerStep( 'not-an-address' ) ).toBe( 'email' );
	expect( d.answerStep( '' ) ).toBe( 'required' );
	expect( d.answerStep( 'ada@example.org' ) ).toBe( 'next' );
	expect( d.answerStep( '' ) ).toBe( 'date' );
	expect( d.answerStep( '2026-02-30' ) ).toBe( 'date' );
	expect( d.answerStep( '14.12.2026' ) ).toBe( 'date' );
	expect( d.answerStep( '2026-12-14' ) ).toBe( 'next' );
	// An optional step may stay empty.
	expect( d.answerStep( '' ) ).toBe( 'next' );
	expect( d.answerStep( 'Evening' ) ).toBe( 'choice' );
	expect( d.isLast ).toBe( true );
	expect( d.answerStep( 'Afternoon' ) ).toBe( 'complete' );
	expect( d.fields() ).toEqual( { name: 'Ada', email: 'ada@example.org', day: '2026-12-14', note: '', time: 'Afternoon' } );
} );

test( 'going back keeps every answer, and a changed answer replaces the old one', () => {
	const d = new DialogState( FORM );
	d.answerStep( 'Ada' );
	d.answerStep( 'ada@example.org' );
	expect( d.position ).toBe( 2 );
	d.back();
	expect( d.step.id ).toBe( 'email' );
	expect( d.answer ).toBe( 'ada@example.org' );
	d.back();
	expect( d.answer ).toBe( 'Ada' );
	d.back(); // nothing before the first step
	expect( d.isFirst ).toBe( true );
	expect( d.answerStep( 'Ada Lovelace' ) ).toBe( 'next' );
	expect( d.answer ).toBe( 'ada@example.org' );
	d.answerStep( d.answer );
	d.answerStep( '2026-12-14' );
	d.answerStep( '' );
	d.answerStep( 'Morning' );
	expect( d.fields().name ).toBe( 'Ada Lovelace' );
} );
