/**
 * Typed errors and close codes shared by the service, the widget and the
 * agent console. Every refusal the service makes uses one of these, so a
 * client can react to the code and show the (translatable) text it owns.
 */

export const ERROR_CODES = [
	'bad_json', // the frame was not JSON
	'bad_frame', // JSON, but fields missing or of the wrong type
	'unknown_type', // a `type` the service does not know
	'too_large', // a frame or a text over the limit
	'auth_required', // a frame other than `hello` before authentication
	'bad_token', // signature, issuer, audience or claims wrong
	'token_expired',
	'token_revoked', // WordPress withdrew the agent's access after this token was issued
	'bad_origin', // the page's Origin is not one the site allows
	'forbidden', // authenticated, but this role may not do that
	'not_found', // no such chat (or not yours)
	'conflict', // e.g. the chat is already taken or closed
	'limit_reached', // the agent already has as many open chats as its limit allows
	'rate_limited',
	'bad_request', // HTTP: a body or parameter that does not fit
	'bad_signature', // HTTP: a site's bot signed its call wrongly, or not at all, or too long ago
	'method_not_allowed', // HTTP
	'unavailable', // HTTP 503: for a moment no node serves the site (several nodes, one just stopped)
	'internal',
] as const;

export type ErrorCode = ( typeof ERROR_CODES )[ number ];

/**
 * WebSocket close codes (4000–4999 are free for applications). 1008/1009
 * are the standard "policy violation" / "message too big".
 */
export const CLOSE = {
	normal: 1000,
	goingAway: 1001, // the service shuts down: reconnect later
	tooLarge: 1009,
	serviceRestart: 1012, // reconnect at once
	badToken: 4001,
	badOrigin: 4003,
	authTimeout: 4008,
	rateLimited: 4029,
	replaced: 4009, // the same chat connected from a newer socket
	revoked: 4010, // WordPress withdrew or changed the agent's access: reconnect with a fresh token, if WordPress gives one
	tokenExpired: 4011, // an agent's token ran out without a `renew`: reconnect with a fresh token
} as const;

export type CloseCode = ( typeof CLOSE )[ keyof typeof CLOSE ];
