/**
 * The endpoint of a site's own bot: `POST /bot/reply`, signed with the
 * bot's secret like what the service posts to it (bot/signature.ts). Every
 * refusal is typed: 413 `too_large` (the body, or a text or options over a
 * message's limits), 400 `bad_json`/`bad_request`, 401 `bad_signature`,
 * 404 `not_found` (no such site or bot, or a chat the bot was not told of,
 * another site's included), 409 `conflict` (the chat is being handed over),
 * 429 `rate_limited` (too many replies to one chat).
 */
import * as v from 'valibot';
import { signatureProblem, SIGNATURE_HEADER } from '../bot/signature';
import { BotReply, MAX_BOT_REPLY_BYTES, overLimit } from '../bot/wire';
import { HttpError, json, readText, type Routes } from './transport';

export const botRoutes: Routes = {
	'/bot/reply': {
		POST: async ( req, res, _url, ctx ) => {
			const raw = await readText( req, MAX_BOT_REPLY_BYTES );
			let body: unknown;
			try {
				body = JSON.parse( raw );
			} catch {
				throw new HttpError( 400, 'bad_json', 'body is not valid JSON' );
			}
			// The site names whose secret checks the signature; nothing else is read before that.
			const siteId = typeof body === 'object' && body !== null ? ( body as { site?: unknown } ).site : undefined;
			const bot = typeof siteId === 'string' && ctx.sites.has( siteId ) ? ctx.assistants.get( siteId )?.bot : undefined;
			if ( typeof siteId !== 'string' || ! bot ) throw new HttpError( 404, 'not_found', 'no site with a bot of that id' );
			const header = req.headers[ SIGNATURE_HEADER ];
			const problem = signatureProblem( bot.secret, raw, Array.isArray( header ) ? header[ 0 ] : header, Date.now() );
			if ( problem ) throw new HttpError( 401, 'bad_signature', `signature ${ problem }: send ${ SIGNATURE_HEADER }: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` );
			const parsed = v.safeParse( BotReply, body );
			if ( ! parsed.success ) {
				const issue = parsed.issues[ 0 ];
				const path = v.getDotPath( issue );
				throw new HttpError( 400, 'bad_request', path ? `${ path }: ${ issue.message }` : issue.message );
			}
			const over = overLimit( parsed.output );
			if ( over ) throw new HttpError( 413, 'too_large', over );
			const outcome = await ctx.rooms.botReply( siteId, parsed.output );
			switch ( outcome ) {
				case 'delivered':
					return json( res, 200, { delivered: true } );
				case 'not_found':
					throw new HttpError( 404, 'not_found', 'the bot was not told of this chat, or it is no longer the bot\'s' );
				case 'conflict':
					throw new HttpError( 409, 'conflict', 'the chat is being handed over' );
				case 'rate_limited':
					throw new HttpError( 429, 'rate_limited', 'too many replies to this chat; wait a second' );
			}
		},
	},
};
