import { ROLES } from '../auth/permissions';
import { badRequest, notFound, SYNCED_OBJECT_READ_ONLY } from '../http/graph-errors';
import { GraphContext, GraphRequest, GraphResponse, RouteDefinition } from '../http/graph-types';
import { pageOf, withNextLink } from '../http/paging';
import { odataContext, projectEntity } from '../http/select';
import { findGroup, transitiveGroupsOf } from '../state/tenant-state';
import { GroupRecord } from '../types';
import { BASE_PROPS, USER_DEFAULT_PROPS, userEntity } from './users';

/**
 * GET /groups (`$filter=displayName eq '...'`), GET/PATCH /groups/{id}, GET /groups/{id}/members,
 * /members/microsoft.graph.user (users only) and /members/microsoft.graph.group (nested groups), POST
 * /groups/{id}/checkMemberGroups, paged like Graph (`$top`, `behaviour.pageSize`).
 */

/** `displayName eq 'x'` (quotes doubled inside), the one filter the bot sends; null when not that shape. */
export function parseDisplayNameFilter(filter: string): string | null {
  const m = /^\s*displayName\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(filter);
  return m ? m[1].replace(/''/g, "'") : null;
}

function listGroups(req: GraphRequest, _params: Record<string, string>, ctx: GraphContext): GraphResponse {
  let groups = [...ctx.state.groups.values()];
  const filter = req.query['$filter'];
  if (filter !== undefined) {
    const name = parseDisplayNameFilter(filter);
    if (name === null) return badRequest(req, `Unsupported or invalid query filter clause specified: '${filter}'.`, 'Request_UnsupportedQuery');
    // Directory string comparisons are case-insensitive.
    groups = groups.filter((g) => g.displayName.toLowerCase() === name.toLowerCase());
  }
  const value: Record<string, unknown>[] = [];
  let selected: string[] | null = null;
  for (const g of groups) {
    const projected = projectEntity(req, groupEntity(g), { typeName: 'microsoft.graph.group', allowed: GROUP_PROPS, defaults: GROUP_PROPS });
    if (!projected.ok) return projected.response;
    selected = projected.selected;
    value.push(projected.value);
  }
  const page = pageOf(req, ctx, value);
  if (!page.ok) return page.response;
  return { status: 200, body: withNextLink({ '@odata.context': odataContext(req, 'groups', selected, ''), value: page.value }, page.nextLink) };
}

function listUserMembers(req: GraphRequest, { id }: Record<string, string>, ctx: GraphContext): GraphResponse {
  return listMembersOfType(req, id, ctx, 'users', (m) => {
    const u = ctx.state.users.get(m.toLowerCase());
    if (!u) return null;
    return projectEntity(req, userEntity(u), {
      typeName: 'microsoft.graph.user',
      allowed: [...BASE_PROPS, ...Object.keys(u.extra)],
      defaults: USER_DEFAULT_PROPS,
    });
  });
}

/** A group's direct members of one type, each projected ($select), paged, as Graph lists them. */
function listMembersOfType(
  req: GraphRequest,
  id: string,
  ctx: GraphContext,
  entitySet: 'users' | 'groups',
  project: (memberId: string) => ReturnType<typeof projectEntity> | null,
): GraphResponse {
  const group = findGroup(ctx.state, id);
  if (!group) return notFound(req, id);
  const value: Record<string, unknown>[] = [];
  let selected: string[] | null = null;
  for (const m of group.members) {
    const projected = project(m);
    if (!projected) continue;
    if (!projected.ok) return projected.response;
    selected = projected.selected;
    value.push(projected.value);
  }
  const page = pageOf(req, ctx, value);
  if (!page.ok) return page.response;
  return { status: 200, body: withNextLink({ '@odata.context': odataContext(req, entitySet, selected, ''), value: page.value }, page.nextLink) };
}

export const GROUP_PROPS = [
  'id',
  'displayName',
  'description',
  'mailEnabled',
  'securityEnabled',
  'groupTypes',
  'onPremisesSyncEnabled',
  'onPremisesImmutableId',
  'onPremisesSecurityIdentifier',
  'onPremisesLastSyncDateTime',
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
    onPremisesSecurityIdentifier: g.onPremisesSecurityIdentifier,
    onPremisesLastSyncDateTime: g.onPremisesLastSyncDateTime,
  };
}

/** GET /groups/{id}/members/microsoft.graph.group: the groups nested directly in the group (docs/soa-and-graph.md §6a). */
function listGroupMembers(req: GraphRequest, { id }: Record<string, string>, ctx: GraphContext): GraphResponse {
  return listMembersOfType(req, id, ctx, 'groups', (m) => {
    const g = ctx.state.groups.get(m.toLowerCase());
    return g ? projectEntity(req, groupEntity(g), { typeName: 'microsoft.graph.group', allowed: GROUP_PROPS, defaults: GROUP_PROPS }) : null;
  });
}

export const groupRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: '/groups',
    // List groups: GroupMember.Read.All is the least privileged application permission.
    anyOfRoles: [...ROLES.membership],
    cost: 2,
    handler: listGroups,
  },
  {
    method: 'GET',
    pattern: '/groups/:id/members/microsoft.graph.user',
    anyOfRoles: [...ROLES.membership],
    cost: 3,
    handler: listUserMembers,
  },
  {
    method: 'GET',
    pattern: '/groups/:id/members/microsoft.graph.group',
    anyOfRoles: [...ROLES.membership],
    cost: 3,
    handler: listGroupMembers,
  },
  {
    method: 'POST',
    pattern: '/groups/:id/checkMemberGroups',
    anyOfRoles: [...ROLES.membership],
    cost: 4,
    // The groups (of those given) the group is nested in, directly or through other groups.
    handler: (req, { id }, ctx) => {
      const group = findGroup(ctx.state, id);
      if (!group) return notFound(req, id);
      const groupIds = (req.body as { groupIds?: unknown } | undefined)?.groupIds;
      if (!Array.isArray(groupIds) || groupIds.some((g) => typeof g !== 'string') || groupIds.length > 20) {
        return badRequest(req, "Invalid value for parameter 'groupIds': an array of at most 20 strings is required.", 'BadRequest');
      }
      const nestedIn = new Set(transitiveGroupsOf(ctx.state, group.id).map((g) => g.id.toLowerCase()));
      const value = (groupIds as string[]).filter((g) => nestedIn.has(g.toLowerCase()));
      return { status: 200, body: { '@odata.context': `https://graph.microsoft.com/${req.version}/$metadata#Collection(Edm.String)`, value } };
    },
  },
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
        // onPremisesSyncEnabled too: Microsoft's sample lists the cloud-only members before a group rollback (§6a).
        if (u)
          return {
            '@odata.type': '#microsoft.graph.user',
            id: u.id,
            displayName: u.displayName,
            userPrincipalName: u.userPrincipalName,
            onPremisesSyncEnabled: u.onPremisesSyncEnabled,
          };
        const g = ctx.state.groups.get(m.toLowerCase());
        return { '@odata.type': '#microsoft.graph.group', id: m, displayName: g?.displayName ?? null, onPremisesSyncEnabled: g?.onPremisesSyncEnabled ?? null };
      });
      const page = pageOf(req, ctx, value);
      if (!page.ok) return page.response;
      return { status: 200, body: withNextLink({ '@odata.context': odataContext(req, 'directoryObjects', null, ''), value: page.value }, page.nextLink) };
    },
  },
];
