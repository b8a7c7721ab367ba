/**
 * Structured logging (pino). The privacy model forbids message text and IP
 * addresses in logs: callers never pass them, and the redaction list below
 * is a second line of defence should a future change log a whole frame or
 * request.
 */
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger( level: string ): Logger {
	return pino( {
		level,
		base: { svc: 'consent-chat' },
		redact: {
			paths: [ 'text', '*.text', 'ip', '*.ip', 'remoteAddress', '*.remoteAddress', 'token', '*.token' ],
			censor: '[redacted]',
		},
	} );
}
