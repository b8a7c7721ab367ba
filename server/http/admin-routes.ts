/**
 * The endpoints for WordPress itself, each with the site's own token (and
 * only ever about that site): `/admin/status`, `/admin/purge`,
 * `/admin/stats`, `/admin/contacts`, `/admin/chats/delete`,
 * `/admin/page-views`, `/admin/policy` (the site's storage policy, set from
 * its WordPress settings), `/admin/assistant` (the site's assistant: settings
 * and content), `/admin/agents/revoke` (an agent's access changed
 * in WordPress), `/admin/personal-data` and its `/erase` (WordPress's
 * personal data tools).
 */
import * as v from 'valibot';
import { policyOf, SitePolicy } from '../site-policy';
import { answerDelete } from './public-routes';
import { AssistantPush, parseAssistantPush, withoutSecret } from '../assistant/settings';
import { bearer, HttpError, json, numberParam, readBody, readJson, type Routes } from './transport';

/**
 * The largest `PUT /admin/assistant` body: the content's own limits allow
 * far more (2,000 answers of 4,000 characters), but a site's real content —
 * some 2,000 short answers with their questions — is 1–2 MB of JSON. A
 * proxy in front must let this much through on this path (docs/deploy).
 */
export const MAX_ASSISTANT_BYTES = 4 * 1024 * 1024;

/** What a site that never sent one has: the settings' defaults (off) and no content. */
const NO_ASSISTANT = v.parse( AssistantPush, { settings: {}, content: { locales: {} } } );

const AdminDeleteBody = v.object( { code: v.pipe( v.string(), v.maxLength( 32 ) ) } );
const Email = v.pipe( v.string(), v.trim(), v.email( 'not an e-mail address' ), v.maxLength( 254 ) );
const EraseBody = v.object( { email: Email } );
/** An agent's subject as its tokens carry it (`wp:<user id>`; see tokens.ts). */
const RevokeBody = v.strictObject( { sub: v.pipe( v.string(), v.minLength( 1 ), v.maxLength( 128 ) ) } );

export const adminRoutes: Routes = {
	'/admin/page-views': {
		GET: async ( req, res, url, ctx ) => {
			const { site } = bearer( req, ctx, 'site' );
			const to = numberParam( url, 'to', Date.now() );
			const from = numberParam( url, 'from', to - 30 * 86_400_000 );
			json( res, 200, { from, to, rows: await ctx.pageViews.rows( site.id, from, to ) } );
		},
	},
	'/admin/status': {
		GET: async ( req, res, _url, ctx ) => {
			const { site } = bearer( req, ctx, 'site' );
			json( res, 200, {
				site: site.id,
				...( await ctx.rooms.counts( site.id ) ),
				...policyOf( site ),
			} );
		},
	},
	'/admin/policy': {
		GET: ( req, res, _url, ctx ) => {
			const { site } = bearer( req, ctx, 'site' );
			json( res, 200, policyOf( site ) );
		},
		PUT: async ( req, res, _url, ctx ) => {
			const { site } = bearer( req, ctx, 'site' );
			const policy = await readJson( req, SitePolicy );
			json( res, 200, await ctx.policies.set( site.id, policy ) );
		},
	},
	'/admin/assistant': {
		// What is in force on this node: as WordPress last sent it (or the default: off, no content).
		GET: ( req, res, _url, ctx ) => {
			const { site } = bearer( req, ctx, 'site' );
			// Never the bot's secret: WordPress holds it, and nothing else needs it back.
			json( res, 200, withoutSecret( ctx.assistants.get( site.id )?.push ?? NO_ASSISTANT ) );
		},
		PUT: async ( req, res, _url, ctx ) => {
			const { site } = bearer( req, ctx, 'site' );
			const parsed = parseAssistantPush( await readBody( req, MAX_ASSISTANT_BYTES ) );
			if ( ! parsed.ok ) {
				// `path` names the field at fault, for the admin screen to point at.
				json( res, 400, { error: 'bad_request', code: parsed.code, path: parsed.path, message: parsed.path ? `${ parsed.path }: ${ parsed.message }` : parsed.message } );
				return;
			}
			const push = await ctx.assistants.set( site.id, parsed.push );
			json( res, 200, { settings: withoutSecret( push ).settings, locales: Object.fromEntries( Object.entries( push.content.locales ).map( ( [ l, c ] ) => [ l, { answers: c.answers.length, dialogs: c.dialogs.length } ] ) ) } );
		},
	},
	'/admin/agents/revoke': {
		// WordPress: this agent's role, capability, departments or limit changed, or it logged out.
		POST: async ( req, res, _url, ctx ) => {
			const { site } = bearer( req, ctx, 'site' );
			const { sub } = await readJson( req, RevokeBody );
			ctx.revocations.revoke( site.id, sub );
			json( res, 200, { revoked: sub, closed: await ctx.rooms.dropAgent( site.id, sub ) } );
		},
	},
	'/admin/purge': {
		POST: async ( req, res, _url, ctx ) => {
			// A site runs retention for its own chats only, never another site's.
			const { site } = bearer( req, ctx, 'site' );
			json( res, 200, { deleted: await ctx.rooms.purgeExpired( site.id ) } );
		},
	},
	'/admin/stats': {
		GET: async ( req, res, url, ctx ) => {
			const { site } = bearer( req, ctx, 'site' );
			const to = numberParam( url, 'to', Date.now() );
			const from = numberParam( url, 'from', to - 30 * 86_400_000 );
			json( res, 200, { from, to, rows: await ctx.store.stats( site.id, from, to ) } );
		},
	},
	'/admin/contacts': {
		GET: async ( req, res, _url, ctx ) => {
			const { site } = bearer( req, ctx, 'site' );
			json( res, 200, { submissions: await ctx.store.contacts( site.id ) } );
		},
	},
	'/admin/personal-data': {
		// WordPress's personal data exporter: what the service holds about one e-mail address.
		GET: async ( req, res, url, ctx ) => {
			const { site } = bearer( req, ctx, 'site' );
			const parsed = v.safeParse( Email, url.searchParams.get( 'email' ) ?? '' );
			if ( ! parsed.success ) throw new HttpError( 400, 'bad_request', `"email": ${ parsed.issues[ 0 ].message }` );
			const found = await ctx.store.findByEmail( site.id, parsed.output );
			const chats = await Promise.all(
				found.chats.map( async ( c ) => ( {
					id: c.id,
					createdAt: c.createdAt,
					closedAt: c.closedAt,
					dept: c.dept,
					visitorName: c.visitorName,
					agentName: c.agentName,
					from: c.from,
					consentVersion: c.consentVersion,
					keep: c.keep,
					messages: await ctx.store.messagesAfter( c.id, 0 ),
				} ) )
			);
			json( res, 200, { contacts: found.contacts, chats } );
		},
	},
	'/admin/personal-data/erase': {
		POST: async ( req, res, _url, ctx ) => {
			const { site } = bearer( req, ctx, 'site' );
			const body = await readJson( req, EraseBody );
			json( res, 200, await ctx.rooms.eraseByEmail( site.id, body.email ) );
		},
	},
	'/admin/chats/delete': {
		POST: async ( req, res, _url, ctx ) => {
			const { site } = bearer( req, ctx, 'site' );
			const body = await readJson( req, AdminDeleteBody );
			answerDelete( res, await ctx.rooms.deleteByCode( site.id, body.code ) );
		},
	},
};
