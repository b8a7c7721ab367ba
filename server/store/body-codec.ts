/**
 * A message's stored body, for every engine: short keys, absent fields left
 * out, JSON. SQLite's row holds a JSON array of these (sqlite/schema.ts,
 * messagesTable; `d` and `v` are what its e-mail search reads with SQLite's
 * JSON functions); PostgreSQL's row holds one (postgres/schema.ts).
 */
import type { Author, ChatMessage, DialogForm, FieldValues, SystemEvent } from '../protocol';
import type { NewMessage } from './types';

export interface Body {
	s: number;
	f: Author;
	t: string;
	a: number;
	n?: string;
	e?: SystemEvent;
	c?: string;
	d?: string;
	v?: FieldValues;
	o?: string[];
	/** The assistant's `person` offer. */
	p?: true;
	/** The assistant's dialog form. */
	m?: DialogForm;
}

/** The body of `m` numbered `seq` (the number is the store's, not the caller's). */
export const encodeBody = ( m: NewMessage, seq: number ): string => `{"s":${ seq },${ bodyAfterNumber( m ) }`;

/**
 * The body of `m` after its number: what follows `{"s":<seq>,` in
 * encodeBody. PostgreSQL writes a batch of messages in one statement that
 * gives the numbers itself (postgres/messages.ts), so it is sent this part
 * and puts the number in front; the body is the same either way.
 */
export const bodyAfterNumber = ( m: NewMessage ): string => {
	const b: Omit< Body, 's' > = { f: m.from, t: m.text, a: m.at };
	if ( m.name !== undefined ) b.n = m.name;
	if ( m.event !== undefined ) b.e = m.event;
	if ( m.clientId !== undefined ) b.c = m.clientId;
	if ( m.dialog !== undefined ) b.d = m.dialog;
	if ( m.fields !== undefined ) b.v = m.fields;
	if ( m.options !== undefined ) b.o = m.options;
	if ( m.person !== undefined ) b.p = m.person;
	if ( m.form !== undefined ) b.m = m.form;
	return JSON.stringify( b ).slice( 1 );
};

/** The message of one body (a JSON object). */
export const decodeMessage = ( chatId: string, body: string ): ChatMessage => decodeBody( chatId, JSON.parse( body ) as Body );

/** The messages of one SQLite row (a JSON array of bodies) numbered above `after`. */
export const decodeRow = ( chatId: string, body: string, after: number ): ChatMessage[] =>
	( JSON.parse( body ) as Body[] ).filter( ( b ) => b.s > after ).map( ( b ) => decodeBody( chatId, b ) );

const decodeBody = ( chatId: string, b: Body ): ChatMessage => {
	const m: ChatMessage = { chatId, seq: b.s, from: b.f, text: b.t, at: b.a };
	if ( b.n !== undefined ) m.name = b.n;
	if ( b.e !== undefined ) m.event = b.e;
	if ( b.c !== undefined ) m.clientId = b.c;
	if ( b.d !== undefined ) m.dialog = b.d;
	if ( b.v !== undefined ) m.fields = b.v;
	if ( b.o !== undefined ) m.options = b.o;
	if ( b.p !== undefined ) m.person = b.p;
	if ( b.m !== undefined ) m.form = b.m;
	return m;
};

/**
 * Text that the body of every message of `dialog` holds: a search for the
 * pre-chat form can pick rows by it without parsing each one as JSON, then
 * decode the few it found and check them (another body could hold the same
 * text, in a form's field named `d`).
 */
export const dialogMark = ( dialog: string ): string => `"d":${ JSON.stringify( dialog ) }`;
