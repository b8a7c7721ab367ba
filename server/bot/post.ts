/**
 * One event posted to a site's bot: JSON, signed (./signature.ts), within
 * the bot's timeout (the whole exchange, body included), no redirect
 * followed (a 3xx is a failure: the site named this URL, not another), and
 * at most MAX_BOT_RESPONSE_BYTES of its answer read, then dropped.
 */
import type { BotSettings } from '../assistant/settings';
import { sign, SIGNATURE_HEADER } from './signature';
import { MAX_BOT_RESPONSE_BYTES, type BotEvent } from './wire';

/** How a post went; a failure never says more (no body, no text of the chat: it may go to the log). */
export type PostOutcome = { ok: true } | { ok: false; reason: 'timeout' | 'unreachable' | `status ${ number }` };

export async function postEvent( bot: BotSettings, event: BotEvent, now: number ): Promise< PostOutcome > {
	const body = JSON.stringify( event );
	const signal = AbortSignal.timeout( bot.timeoutSeconds * 1000 );
	try {
		const res = await fetch( bot.url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', [ SIGNATURE_HEADER ]: sign( bot.secret, body, now ), 'user-agent': 'consent-chat-service' },
			body,
			redirect: 'manual',
			signal,
		} );
		await drain( res );
		return res.status >= 200 && res.status < 300 ? { ok: true } : { ok: false, reason: `status ${ res.status }` };
	} catch ( e ) {
		return { ok: false, reason: signal.aborted ? 'timeout' : 'unreachable' };
	}
}

/** Reads at most MAX_BOT_RESPONSE_BYTES of the answer, so the connection is released, and cancels the rest. */
async function drain( res: Response ): Promise< void > {
	const reader = res.body?.getReader();
	if ( ! reader ) return;
	let read = 0;
	try {
		while ( read <= MAX_BOT_RESPONSE_BYTES ) {
			const { done, value } = await reader.read();
			if ( done ) return;
			read += value.byteLength;
		}
	} finally {
		await reader.cancel().catch( () => undefined );
	}
}
