import { ROLES } from '../auth/permissions';
import { badRequest } from '../http/graph-errors';
import { RouteDefinition } from '../http/graph-types';

/**
 * GET /users/$count?$filter=onPremisesSyncEnabled eq true: how many users AD DS still manages (the tab's
 * progress view). As in Graph, `$count` on a directory collection is an advanced query: without the
 * `ConsistencyLevel: eventual` header it is a 400 (learn.microsoft.com/graph/aad-advanced-queries). The
 * answer is a bare number as text/plain. Only the filters the bot uses are understood; others are a 400.
 */
const FILTERS: Record<string, (u: { onPremisesSyncEnabled: boolean | null }) => boolean> = {
  'onpremisessyncenabled eq true': (u) => u.onPremisesSyncEnabled === true,
  'onpremisessyncenabled eq false': (u) => u.onPremisesSyncEnabled === false,
};

export const userCountRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: '/users/$count',
    anyOfRoles: [...ROLES.userRead],
    cost: 1,
    handler: (req, _params, ctx) => {
      if ((req.headers.consistencylevel ?? '').toLowerCase() !== 'eventual') {
        return badRequest(req, 'Count is not currently supported. Send the ConsistencyLevel header set to eventual (advanced query).');
      }
      const filter = req.query.$filter;
      let match: (u: { onPremisesSyncEnabled: boolean | null }) => boolean = () => true;
      if (filter !== undefined) {
        const known = FILTERS[filter.trim().replace(/\s+/g, ' ').toLowerCase()];
        if (!known) return badRequest(req, `Unsupported or invalid query filter clause specified for property of resource 'User'.`, 'Request_UnsupportedQuery');
        match = known;
      }
      const count = [...ctx.state.users.values()].filter(match).length;
      return { status: 200, headers: { 'content-type': 'text/plain' }, body: String(count) };
    },
  },
];
