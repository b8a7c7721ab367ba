/**
 * A site's assistant as WordPress would send it (`PUT /admin/assistant`),
 * for the service tests: English and German answers, options to another
 * answer, a dialog and a person, and one dialog per completion action.
 */
export const PERSON = 'Talk to a person';

export const CONTENT = {
	locales: {
		en_US: {
			answers: [
				{
					id: 'shipping',
					title: 'Shipping costs',
					questions: [ 'How much is shipping?', 'What does delivery cost?' ],
					answer: 'Shipping is **free** from 50 €.',
					options: [
						{ label: 'Changed my mind', to: 'answer', answer: 'returns' },
						{ label: 'Call me back', to: 'dialog', dialog: 'callback' },
						{ label: 'Send us a brochure request', to: 'dialog', dialog: 'brochure' },
						{ label: 'Rate us', to: 'dialog', dialog: 'feedback' },
						{ label: PERSON, to: 'person' },
					],
				},
				{ id: 'returns', title: 'Returns', questions: [ 'How do I return an item?', 'Can I send goods back?' ], answer: 'Send it back within _30 days_.' },
				{ id: 'opening', title: 'Opening hours', questions: [ 'When are you open?', 'What are your opening hours?' ], answer: 'Monday to Friday, 9 to 5.' },
				{ id: 'gift-balance', title: 'Gift card balance', questions: [ 'How much is left on my gift card?' ], answer: 'See your balance in your account.' },
				{ id: 'gift-buy', title: 'Buying a gift card', questions: [ 'Where can I buy a gift card?' ], answer: 'Gift cards are sold at the till.' },
			],
			dialogs: [
				{
					id: 'callback',
					title: 'Call me back',
					steps: [
						{ id: 'name', question: 'Your name?', input: 'text' },
						{ id: 'email', question: 'Your e-mail?', input: 'email' },
						{ id: 'day', question: 'Which day?', input: 'date' },
						{ id: 'topic', question: 'About?', input: 'choice', choices: [ 'Order', 'Return' ], required: false },
					],
					complete: { action: 'handover' },
				},
				{ id: 'brochure', title: 'Brochure', steps: [ { id: 'email', question: 'Your e-mail?', input: 'email' } ], complete: { action: 'contact' } },
				{ id: 'feedback', title: 'Rate us', steps: [ { id: 'stars', question: 'How many stars?', input: 'choice', choices: [ 'One', 'Five' ] } ], complete: { action: 'end', text: 'Thank you for rating us.' } },
			],
		},
		de_DE: {
			answers: [
				{ id: 'versand', title: 'Versandkosten', questions: [ 'Was kostet der Versand?', 'Wie teuer ist die Lieferung?' ], answer: 'Ab 50 € **versandkostenfrei**.' },
				{ id: 'oeffnungszeiten', title: 'Öffnungszeiten', questions: [ 'Wann habt ihr geöffnet?' ], answer: 'Montag bis Freitag, 9 bis 17 Uhr.' },
			],
		},
	},
};

export type AssistantMode = 'off' | 'first' | 'when_offline';

export function push( mode: AssistantMode, extra: { departments?: Record< string, AssistantMode >; handoverAfter?: number } = {} ) {
	return { settings: { mode, handoverAfter: 2, ...extra }, content: CONTENT };
}
