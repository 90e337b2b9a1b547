import { ROLES } from '../auth/permissions';
import { notFound } from '../http/graph-errors';
import { RouteDefinition } from '../http/graph-types';
import { findGroup } from '../state/tenant-state';
import { getSyncBehavior, patchSyncBehavior } from './on-premises-sync-behavior';

/** GET/PATCH /groups/{id}/onPremisesSyncBehavior (Group-OnPremisesSyncBehavior.ReadWrite.All). */
export const groupSyncBehaviorRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: '/groups/:id/onPremisesSyncBehavior',
    anyOfRoles: [...ROLES.groupSoa],
    cost: 1,
    handler: (req, { id }, ctx) => {
      const group = findGroup(ctx.state, id);
      return group ? getSyncBehavior(req, ctx, group, 'groups') : notFound(req, id);
    },
  },
  {
    method: 'PATCH',
    pattern: '/groups/:id/onPremisesSyncBehavior',
    anyOfRoles: [...ROLES.groupSoa],
    cost: 1,
    write: true,
    handler: (req, { id }, ctx) => {
      const group = findGroup(ctx.state, id);
      return group ? patchSyncBehavior(req, ctx, group, 'Group', 'groups') : notFound(req, id);
    },
  },
];
