/**
 * The small HTTP API beside the WebSocket, on the same port.
 *
 * Public (no cookies, any origin): `GET /health`, `GET /livez`, `GET /readyz`
 * (for load balancers and orchestrators), `GET /availability`,
 * `POST /chats/delete` (by chat code, attempts limited per address),
 * `POST /contact` (with a visitor token), `POST /track` (the tracking embed's
 * page views, sent only after consent; site id plus an allowed Origin).
 * For WordPress itself (a `site` token): `/admin/status`, `/admin/purge`,
 * `/admin/stats`, `/admin/contacts`, `/admin/chats/delete`, `/admin/page-views`,
 * `/admin/policy` (the site's storage policy, set from its WordPress settings),
 * `/admin/assistant` (the site's assistant: settings and content),
 * `/admin/agents/revoke` (an agent's access changed in WordPress).
 * For a site's own bot (signed with its secret): `POST /bot/reply`.
 *
 * Every refusal is JSON `{ error, message }` with a 4xx status (http/transport.ts);
 * the routes are in http/public-routes.ts and http/admin-routes.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { adminRoutes } from './http/admin-routes';
import { publicRoutes } from './http/public-routes';
import { botRoutes } from './http/bot-routes';
import { serve, type HttpContext, type Routes } from './http/transport';

export { externalHost } from './http/public-routes';
export type { HttpContext, NotReady } from './http/transport';

const routes: Routes = { ...publicRoutes, ...adminRoutes, ...botRoutes };

export function handleHttp( req: IncomingMessage, res: ServerResponse, ctx: HttpContext ): Promise< void > {
	return serve( routes, req, res, ctx );
}
