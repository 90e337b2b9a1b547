import { ROLES } from '../auth/permissions';
import { RouteDefinition } from '../http/graph-types';
import { getSyncBehavior, patchSyncBehavior } from './on-premises-sync-behavior';
import { resolveUser } from './users';

/** GET/PATCH /users/{id}/onPremisesSyncBehavior (docs/soa-and-graph.md §2: no read-only permission exists, GET needs ReadWrite). */
export const userSyncBehaviorRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: '/users/:id/onPremisesSyncBehavior',
    anyOfRoles: [...ROLES.userSoa],
    cost: 1,
    handler: (req, { id }, ctx) => {
      const found = resolveUser(ctx.state, req, id);
      return found.ok ? getSyncBehavior(req, ctx, found.user, 'users') : found.response;
    },
  },
  {
    method: 'PATCH',
    pattern: '/users/:id/onPremisesSyncBehavior',
    anyOfRoles: [...ROLES.userSoa],
    cost: 1,
    write: true,
    handler: (req, { id }, ctx) => {
      const found = resolveUser(ctx.state, req, id);
      return found.ok ? patchSyncBehavior(req, ctx, found.user, 'User', 'users') : found.response;
    },
  },
];
