import { ROLES } from '../auth/permissions';
import { badRequest, notFound, SYNCED_OBJECT_READ_ONLY } from '../http/graph-errors';
import { RouteDefinition } from '../http/graph-types';
import { odataContext, projectEntity } from '../http/select';
import { findGroup } from '../state/tenant-state';
import { GroupRecord } from '../types';

/** GET/PATCH /groups/{id} and GET /groups/{id}/members (minimal group model). */

export const GROUP_PROPS = [
  'id', 'displayName', 'description', 'mailEnabled', 'securityEnabled', 'groupTypes',
  'onPremisesSyncEnabled', 'onPremisesImmutableId', 'onPremisesLastSyncDateTime',
] as const;

export function groupEntity(g: GroupRecord): Record<string, unknown> {
  return {
    id: g.id,
    displayName: g.displayName,
    description: g.description,
    mailEnabled: g.mailEnabled,
    securityEnabled: g.securityEnabled,
    groupTypes: [],
    onPremisesSyncEnabled: g.onPremisesSyncEnabled,
    onPremisesImmutableId: g.onPremisesImmutableId,
    onPremisesLastSyncDateTime: g.onPremisesLastSyncDateTime,
  };
}

export const groupRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: '/groups/:id',
    anyOfRoles: [...ROLES.groupRead],
    cost: 1,
    handler: (req, { id }, ctx) => {
      const group = findGroup(ctx.state, id);
      if (!group) return notFound(req, id);
      const projected = projectEntity(req, groupEntity(group), { typeName: 'microsoft.graph.group', allowed: GROUP_PROPS, defaults: GROUP_PROPS });
      if (!projected.ok) return projected.response;
      return { status: 200, body: { '@odata.context': odataContext(req, 'groups', projected.selected), ...projected.value } };
    },
  },
  {
    method: 'PATCH',
    pattern: '/groups/:id',
    anyOfRoles: [...ROLES.groupWrite],
    cost: 1,
    write: true,
    handler: (req, { id }, ctx) => {
      const group = findGroup(ctx.state, id);
      if (!group) return notFound(req, id);
      if (group.onPremisesSyncEnabled === true && !group.isCloudManaged) return badRequest(req, SYNCED_OBJECT_READ_ONLY);
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (typeof body.displayName === 'string') group.displayName = body.displayName;
      if (typeof body.description === 'string' || body.description === null) group.description = body.description as string | null;
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    pattern: '/groups/:id/members',
    anyOfRoles: [...ROLES.membership],
    cost: 3,
    handler: (req, { id }, ctx) => {
      const group = findGroup(ctx.state, id);
      if (!group) return notFound(req, id);
      const value = group.members.map((m) => {
        const u = ctx.state.users.get(m.toLowerCase());
        if (u) return { '@odata.type': '#microsoft.graph.user', id: u.id, displayName: u.displayName, userPrincipalName: u.userPrincipalName };
        const g = ctx.state.groups.get(m.toLowerCase());
        return { '@odata.type': '#microsoft.graph.group', id: m, displayName: g?.displayName ?? null };
      });
      return { status: 200, body: { '@odata.context': odataContext(req, 'directoryObjects', null, ''), value } };
    },
  },
];
