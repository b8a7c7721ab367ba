/**
 * A small shop's answers in English and German, written the way a site
 * admin would: the matcher's tests ask them questions phrased otherwise.
 */
import type { Answer } from '../../../server/assistant/answers';

const a = ( id: string, title: string, questions: string[], answer: string ): Answer => ( { id, title, questions, answer } );

export const ENGLISH: Answer[] = [
	a( 'opening-hours', 'Opening hours', [ 'When are you open?', 'What are your opening hours?', 'Are you open on Sundays?' ], 'Our shop is open Monday to Saturday, 9am to 6pm.' ),
	a( 'shipping-costs', 'Shipping costs', [ 'How much is shipping?', 'What does delivery cost?', 'Is shipping free?' ], 'Shipping is free from €50; below that it is €4.90.' ),
	a( 'delivery-time', 'Delivery time', [ 'How long does delivery take?', 'When will my parcel arrive?' ], 'Orders arrive within 2–3 working days.' ),
	a( 'returns', 'Returns', [ 'How do I return an item?', 'Can I send something back?' ], 'You can return anything within 30 days. See [returns](https://shop.example/returns).' ),
	a( 'refunds', 'Refunds', [ 'When do I get my money back?', 'How long does a refund take?' ], 'Refunds are paid within 5 days of receiving your return.' ),
	a( 'payment-methods', 'Payment methods', [ 'How can I pay?', 'Do you accept credit cards?', 'Can I pay by invoice?' ], 'We accept credit cards, PayPal and invoice.' ),
	a( 'order-status', 'Where is my order?', [ 'Where is my order?', 'Track my order', 'Has my order shipped?' ], 'The tracking link is in your shipping confirmation e-mail.' ),
	a( 'cancel-order', 'Cancel an order', [ 'How do I cancel my order?', 'Can I still cancel?' ], 'Orders can be cancelled until they are shipped.' ),
	a( 'change-address', 'Change the delivery address', [ 'Can I change my address?', 'I moved, how do I update my address?' ], 'Write to us before the order ships.' ),
	a( 'gift-cards', 'Gift cards', [ 'Do you sell gift cards?', 'How do I redeem a voucher?' ], 'Gift cards are sold in the shop and online; redeem them at checkout.' ),
	a( 'password-reset', 'Forgotten password', [ 'I forgot my password', 'How do I reset my password?' ], 'Use "Forgot password" on the login page.' ),
	a( 'delete-account', 'Delete my account', [ 'How do I delete my account?', 'Please remove my customer account' ], 'Account settings → Delete account.' ),
	// Two answers about warranty: a question about "warranty" alone fits both.
	a( 'warranty-electronics', 'Warranty on electronics', [ 'What warranty do I get on electronics?', 'Is there a warranty?' ], 'Two years on all electronics.' ),
	a( 'warranty-furniture', 'Warranty on furniture', [ 'What warranty do I get on furniture?', 'Is there a warranty?' ], 'Five years on all furniture.' ),
];

export const GERMAN: Answer[] = [
	a( 'oeffnungszeiten', 'Öffnungszeiten', [ 'Wann habt ihr geöffnet?', 'Wie sind eure Öffnungszeiten?', 'Habt ihr sonntags offen?' ], 'Montag bis Samstag, 9 bis 18 Uhr.' ),
	a( 'versandkosten', 'Versandkosten', [ 'Was kostet der Versand?', 'Ist der Versand kostenlos?' ], 'Ab 50 € versandkostenfrei, darunter 4,90 €.' ),
	a( 'lieferzeit', 'Lieferzeit', [ 'Wie lange dauert die Lieferung?', 'Wann kommt mein Paket an?' ], 'Innerhalb von 2–3 Werktagen.' ),
	a( 'ruecksendung', 'Rücksendung', [ 'Wie kann ich etwas zurückschicken?', 'Wie funktioniert die Rücksendung?' ], '30 Tage Rückgaberecht, Retourenschein liegt bei.' ),
	a( 'zahlungsarten', 'Zahlungsarten', [ 'Wie kann ich bezahlen?', 'Kann ich auf Rechnung zahlen?', 'Nehmt ihr Kreditkarten?' ], 'Kreditkarte, PayPal oder Rechnung.' ),
	a( 'stornierung', 'Bestellung stornieren', [ 'Wie storniere ich meine Bestellung?', 'Kann ich noch stornieren?' ], 'Bis zum Versand jederzeit.' ),
	a( 'adresse-aendern', 'Lieferadresse ändern', [ 'Kann ich meine Adresse ändern?', 'Ich bin umgezogen' ], 'Schreiben Sie uns, bevor die Bestellung versandt ist.' ),
	a( 'gutscheine', 'Gutscheine', [ 'Verkauft ihr Gutscheine?', 'Wie löse ich einen Gutschein ein?' ], 'Gutscheine gibt es im Laden und online.' ),
	a( 'passwort', 'Passwort vergessen', [ 'Ich habe mein Passwort vergessen', 'Wie setze ich mein Passwort zurück?' ], 'Nutzen Sie „Passwort vergessen“ auf der Anmeldeseite.' ),
	a( 'konto-loeschen', 'Konto löschen', [ 'Wie lösche ich mein Kundenkonto?' ], 'Kontoeinstellungen → Konto löschen.' ),
];
