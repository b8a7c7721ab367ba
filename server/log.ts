/**
 * Structured logging (pino). The privacy model forbids in logs: message
 * text and dialog answers, IP addresses, e-mail addresses, chat ids and
 * chat codes, and any time finer than the hour tied to a chat. Callers
 * never pass them (every call in server/ was checked: they log counts, the
 * port, site-policy problems and errors), and there is no line per chat at
 * any level: pino stamps each line with its millisecond `time`, so a line
 * per chat would be that chat's start or end to the millisecond, kept as
 * long as the log (see chats/lifecycle.ts, `activity`, and the hourly line in
 * service.ts). The redaction list below is a second line of defence should
 * a future change log a whole frame, chat or request.
 */
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger( level: string ): Logger {
	return pino( {
		level,
		base: { svc: 'consent-chat' },
		redact: {
			paths: [
				'text', '*.text', 'ip', '*.ip', 'remoteAddress', '*.remoteAddress', 'token', '*.token',
				'chat', '*.chat', 'chatId', '*.chatId', 'email', '*.email', 'fields', '*.fields', 'form', '*.form',
			],
			censor: '[redacted]',
		},
	} );
}
