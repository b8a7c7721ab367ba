/**
 * `POST /track`: one page view of the tracking embed (client/tracking), sent
 * only after the visitor's consent. The one definition the embed builds its
 * body with and the service validates against (see docs/protocol.md).
 *
 * It holds exactly what the service keeps and nothing else: the path
 * without query or fragment, the referring host only where it is another
 * site's, and whether the visitor came before. No title, no full referrer,
 * no client clock: what is not kept is not sent.
 *
 * The object is strict: a body with any other key is refused (400), not
 * silently stripped. A client that sends more than is kept is a privacy bug
 * (or an outdated embed), and a refusal makes it show up in tests and in
 * the browser's console instead of being absorbed without a trace.
 */
import * as v from 'valibot';
import { IdSchema } from './client-frames';
import { LIMITS } from './limits';

/** A host name as `URL.hostname` gives it: lower-case letters, digits, dots, dashes; or a bracketed IPv6 literal. */
const Host = v.pipe(
	v.string(),
	v.minLength( 1 ),
	v.maxLength( 253 ),
	v.regex( /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*\.?|\[[0-9a-f:.]+\])$/, 'a host name only (no scheme, path or query)' )
);

export const TrackBodySchema = v.strictObject( {
	site: IdSchema,
	/** `location.pathname`: no query, no fragment (they may carry personal data). */
	path: v.pipe(
		v.string(),
		v.minLength( 1 ),
		v.maxLength( LIMITS.maxPathLength ),
		v.regex( /^\/[^?#]*$/, 'a path starting with /, without query or fragment' )
	),
	/** The referring page's host, only where it is not the site itself; absent otherwise. */
	referrerHost: v.optional( Host ),
	/** The visitor id cookie existed before this view (the id itself is never sent). */
	returning: v.boolean(),
}, 'a page view is {site, path, referrerHost?, returning} and nothing else' );

export type TrackBody = v.InferOutput< typeof TrackBodySchema >;
