import { ROLES } from '../auth/permissions';
import { badRequest } from '../http/graph-errors';
import { RouteDefinition } from '../http/graph-types';
import { transitiveGroupsOf } from '../state/tenant-state';
import { resolveUser } from './users';

/** POST /users/{id}/checkMemberGroups {groupIds} -> the ids (of those given) the user is a transitive member of. */
export const userCheckMemberGroupsRoutes: RouteDefinition[] = [
  {
    method: 'POST',
    pattern: '/users/:id/checkMemberGroups',
    anyOfRoles: [...ROLES.membership],
    cost: 4,
    handler: (req, { id }, ctx) => {
      const found = resolveUser(ctx.state, req, id);
      if (!found.ok) return found.response;
      const groupIds = (req.body as { groupIds?: unknown } | undefined)?.groupIds;
      if (!Array.isArray(groupIds) || groupIds.some((g) => typeof g !== 'string')) {
        return badRequest(req, "Invalid value for parameter 'groupIds': an array of strings is required.", 'BadRequest');
      }
      if (groupIds.length > 20) {
        return badRequest(req, 'The number of group ids cannot exceed 20.', 'BadRequest');
      }
      const memberOf = new Map(transitiveGroupsOf(ctx.state, found.user.id).map((g) => [g.id.toLowerCase(), g.id]));
      const asked = (groupIds as string[]).filter((g) => memberOf.has(g.toLowerCase()));
      const value = ctx.state.behaviour.checkMemberGroupsIds === 'as-stored' ? asked.map((g) => memberOf.get(g.toLowerCase())!) : asked;
      return {
        status: 200,
        body: { '@odata.context': `https://graph.microsoft.com/${req.version}/$metadata#Collection(Edm.String)`, value },
      };
    },
  },
];
