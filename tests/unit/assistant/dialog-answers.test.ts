import type { Dialog } from '../../../server/assistant/answers';
import { dialogAnswersProblem } from '../../../server/assistant/dialog-answers';

const dialog: Dialog = {
	id: 'callback',
	title: 'Call back',
	steps: [
		{ id: 'name', question: 'Name?', input: 'text', required: true },
		{ id: 'email', question: 'E-mail?', input: 'email', required: true },
		{ id: 'day', question: 'When?', input: 'date', required: true },
		{ id: 'topic', question: 'About?', input: 'choice', choices: [ 'Order', 'Return' ], required: false },
	],
	complete: { action: 'handover' },
};
const good = { name: 'Ann', email: 'ann@example.org', day: '2027-02-28' };

test( 'a complete dialog passes; optional steps may be left out', () => {
	expect( dialogAnswersProblem( dialog, good ) ).toBeNull();
	expect( dialogAnswersProblem( dialog, { ...good, topic: 'Return' } ) ).toBeNull();
	expect( dialogAnswersProblem( dialog, { ...good, topic: '' } ) ).toBeNull();
} );

test( 'each wrong answer is named by its step, never echoed', () => {
	const cases: Array< [ Record< string, string >, RegExp ] > = [
		[ { email: good.email, day: good.day }, /"name" is required/ ],
		[ { ...good, name: '   ' }, /"name" is required/ ],
		[ { ...good, email: 'not-an-address' }, /"email" needs an e-mail/ ],
		[ { ...good, day: '2027-02-30' }, /"day" needs a date/ ],
		[ { ...good, day: '28.02.2027' }, /"day" needs a date/ ],
		[ { ...good, topic: 'Other' }, /"topic" needs one of its choices/ ],
		[ { ...good, extra: 'x' }, /no step "extra"/ ],
	];
	for ( const [ fields, problem ] of cases ) {
		const found = dialogAnswersProblem( dialog, fields );
		expect( found ).toMatch( problem );
		expect( found ).not.toContain( 'not-an-address' );
	}
} );
