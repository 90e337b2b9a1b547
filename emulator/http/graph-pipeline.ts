import { hasAnyRole } from '../auth/permissions';
import { graphError, INSUFFICIENT_PRIVILEGES } from './graph-errors';
import { GraphContext, GraphRequest, GraphResponse } from './graph-types';
import { Router } from './router';
import { LIMIT_PERCENTAGE_REPORTED_FROM } from '../throttle/resource-throttle';

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
  // The $batch envelope (cost 0) is not charged: its items are, one by one.
  if (def.cost > 0) {
    const cost = requestCost(def.cost, req.query);
    const taken = ctx.resourceThrottle.take(req.token.appid, cost, def.write === true);
    if (taken) {
      headers['x-ms-resource-unit'] = String(cost);
      // Graph reports the share of the limit in use only from 0.8 on (0.8 to 1.8).
      if (taken.limitUsed >= LIMIT_PERCENTAGE_REPORTED_FROM) {
        headers['x-ms-throttle-limit-percentage'] = String(Math.min(1.8, Math.round(taken.limitUsed * 1000) / 1000));
      }
      if (taken.retryAfter !== null) {
        const refused = graphError(req, 429, 'TooManyRequests', 'Too many requests. Please retry later.', { retryAfter: taken.retryAfter });
        return { ...refused, headers: { ...refused.headers, ...headers } };
      }
    }
  }
  const res = await def.handler(req, params, ctx);
  return { ...res, headers: { ...headers, ...res.headers } };
}

/** docs/soa-and-graph.md §7 costs: the route's base cost, `$select` one unit less, `$expand` one more, never below 1. */
export function requestCost(base: number, query: Record<string, string>): number {
  const select = query['$select'] !== undefined && query['$select'].trim() !== '' ? 1 : 0;
  const expand = query['$expand'] !== undefined && query['$expand'].trim() !== '' ? 1 : 0;
  return Math.max(1, base - select + expand);
}
