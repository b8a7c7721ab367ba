/**
 * The contact form the assistant offers when nobody is online is prefilled
 * with what the visitor already gave: a dialog's answers, the pre-chat
 * form, their last question; never an opt-in.
 */
import type { FormField } from '../../../client/contract';
import { contactPrefill, lastQuestion } from '../../../client/widget/contact-prefill';
import type { ChatMessage } from '../../../server/protocol';

const FIELDS: FormField[] = [
	{ id: 'name', label: 'Your name', type: 'text', required: false },
	{ id: 'email', label: 'Your email address', type: 'email', required: true },
	{ id: 'message', label: 'Your message', type: 'textarea', required: true },
	{ id: 'contact_optin', label: 'I agree', type: 'checkbox', required: true, optIn: true, version: 'v1' },
];

let seq = 0;
const msg = ( m: Partial< ChatMessage > & Pick< ChatMessage, 'from' > ): ChatMessage => ( { chatId: 'c', seq: ++seq, text: '', at: 0, ...m } );

test( 'the pre-chat form and the last question, when no dialog gave anything', () => {
	const history = [
		msg( { from: 'visitor', dialog: 'prechat', fields: { name: 'Nora', email: 'nora@example.org', contact_optin: 'yes' } } ),
		msg( { from: 'visitor', text: 'What does shipping cost?' } ),
		msg( { from: 'assistant', text: 'Free from 50 €.', options: [ 'Returns', 'Talk to a person' ] } ),
		// A pick of an offered option is no question.
		msg( { from: 'visitor', text: 'talk to a person ' } ),
	];
	const offer = msg( { from: 'system', event: 'contact_offered' } );
	expect( contactPrefill( FIELDS, offer, [ ...history, offer ] ) ).toEqual( { name: 'Nora', email: 'nora@example.org', message: 'What does shipping cost?' } );
} );

test( 'a dialog’s answers (named by the offer) come first; an e-mail answer fills the e-mail field whatever its step id', () => {
	const history = [
		msg( { from: 'visitor', dialog: 'prechat', fields: { name: 'Old name' } } ),
		msg( { from: 'visitor', text: 'I want to write to you' } ),
		msg( { from: 'assistant', text: 'Write to us', form: { id: 'write', title: 'Write to us', steps: [] } } ),
		msg( { from: 'visitor', dialog: 'write', fields: { name: 'Nora New', mail: 'new@example.org' } } ),
	];
	const offer = msg( { from: 'system', event: 'contact_offered', dialog: 'write' } );
	expect( contactPrefill( FIELDS, offer, [ ...history, offer ] ) ).toEqual( { name: 'Nora New', email: 'new@example.org', message: 'I want to write to you' } );
	// The message's own fields, where the service sends them, win.
	const withFields = { ...offer, fields: { name: 'From the offer' } };
	expect( contactPrefill( FIELDS, withFields, history ).name ).toBe( 'From the offer' );
} );

test( 'nothing given: nothing prefilled, and opt-ins never', () => {
	const offer = msg( { from: 'system', event: 'contact_offered' } );
	expect( contactPrefill( FIELDS, offer, [ offer ] ) ).toEqual( {} );
	expect( lastQuestion( [] ) ).toBe( '' );
} );
