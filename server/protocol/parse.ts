/**
 * Reading frames off the wire: every client frame validated against its
 * schema (client-frames.ts), bad input of any kind mapped to a typed error,
 * never a throw; and a light shape check of the service's frames for the
 * clients.
 */
import * as v from 'valibot';
import { CLIENT_FRAME_TYPES, ClientFrameSchema, type ClientFrame, type SendFrame } from './client-frames';
import type { ErrorCode } from './errors';
import { LIMITS } from './limits';
import type { ServerFrame } from './server-frames';

export type ParseResult =
	| { ok: true; frame: ClientFrame }
	| { ok: false; code: ErrorCode; message: string };

/**
 * Validates one raw client frame. Never throws: every kind of bad input maps
 * to a typed error the service sends back.
 */
const ID_PATTERN = /^[A-Za-z0-9_-]+$/;
const isId = ( x: unknown ): x is string =>
	typeof x === 'string' && x.length >= 1 && x.length <= LIMITS.maxIdLength && ID_PATTERN.test( x );

/**
 * The relay's hot path: a `send` without reply options, checked by hand
 * against exactly the rules of `Send` (client-frames.ts) (valibot costs several times
 * more per frame). Anything else, and anything that fails, goes through
 * valibot, which also words the error. Same output as valibot's (unknown
 * keys dropped); tests/unit/protocol-send.test.ts compares the two.
 */
function plainSend( data: Record< string, unknown > ): SendFrame | null {
	const { chatId, clientId, text } = data;
	if ( data.options !== undefined || ! isId( chatId ) || ! isId( clientId ) ) return null;
	if ( typeof text !== 'string' || text.length < 1 || text.length > LIMITS.maxTextLength ) return null;
	return { type: 'send', chatId, clientId, text };
}

export function parseClientFrame( raw: string ): ParseResult {
	let data: unknown;
	try {
		data = JSON.parse( raw );
	} catch {
		return { ok: false, code: 'bad_json', message: 'frame is not valid JSON' };
	}
	if ( typeof data !== 'object' || data === null || Array.isArray( data ) ) {
		return { ok: false, code: 'bad_frame', message: 'frame must be a JSON object' };
	}
	const type = ( data as { type?: unknown } ).type;
	if ( typeof type !== 'string' ) {
		return { ok: false, code: 'bad_frame', message: 'frame has no string "type"' };
	}
	if ( ! ( CLIENT_FRAME_TYPES as readonly string[] ).includes( type ) ) {
		return {
			ok: false,
			code: 'unknown_type',
			message: `unknown frame type "${ type.slice( 0, 32 ) }"`,
		};
	}
	if ( type === 'send' ) {
		const fast = plainSend( data as Record< string, unknown > );
		if ( fast ) return { ok: true, frame: fast };
	}
	const result = v.safeParse( ClientFrameSchema, data );
	if ( result.success ) {
		return { ok: true, frame: result.output };
	}
	const issue = result.issues[ 0 ];
	const path = issue.path?.map( ( p ) => String( p.key ) ).join( '.' ) ?? '';
	return {
		ok: false,
		code: issue.type === 'max_length' && path === 'text' ? 'too_large' : 'bad_frame',
		message: path ? `${ path }: ${ issue.message }` : issue.message,
	};
}

/** Light shape check for what the service sends; clients trust its content types. */
export function parseServerFrame( raw: string ): ServerFrame | null {
	try {
		const data: unknown = JSON.parse( raw );
		if (
			typeof data === 'object' &&
			data !== null &&
			typeof ( data as { type?: unknown } ).type === 'string'
		) {
			return data as ServerFrame;
		}
	} catch {
		// fall through
	}
	return null;
}
