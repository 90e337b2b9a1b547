import { hasAnyRole } from '../auth/permissions';
import { graphError, INSUFFICIENT_PRIVILEGES } from './graph-errors';
import { GraphContext, GraphRequest, GraphResponse } from './graph-types';
import { Router } from './router';

/**
 * One Graph request after authentication: route, permission check, resource-unit throttle, handler.
 * Used for top-level requests and for every item of a $batch.
 */
export async function runGraphRequest(router: Router, req: GraphRequest, ctx: GraphContext): Promise<GraphResponse> {
  const found = router.match(req.method, req.segments);
  if (found.kind === 'no-route') {
    return graphError(req, 400, 'BadRequest', `Resource not found for the segment '${found.segment}'.`);
  }
  if (found.kind === 'method-not-allowed') {
    return graphError(req, 405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
  }
  const { def, params } = found;
  // Graph checks the app's roles before it looks the object up: 403 wins over 404.
  if (!hasAnyRole(req.token.roles, def.anyOfRoles)) {
    return graphError(req, 403, 'Authorization_RequestDenied', INSUFFICIENT_PRIVILEGES);
  }
  const headers: Record<string, string> = {};
  if (ctx.resourceThrottle) {
    // §7 costs: $select takes one unit off, never below 1.
    const cost = Math.max(1, def.cost - (req.query['$select'] ? 1 : 0));
    const taken = ctx.resourceThrottle.take(req.token.appid, cost, def.write === true);
    if (taken.retryAfter !== null) {
      return graphError(req, 429, 'TooManyRequests', 'Too many requests. Please retry later.', { retryAfter: taken.retryAfter });
    }
    headers['x-ms-resource-unit'] = String(cost);
    if (taken.percentage >= 80) headers['x-ms-throttle-limit-percentage'] = (taken.percentage / 100).toFixed(2);
  }
  const res = await def.handler(req, params, ctx);
  return { ...res, headers: { ...headers, ...res.headers } };
}
