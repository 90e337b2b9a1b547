import { createHash } from 'node:crypto';
import { ROLES } from '../auth/permissions';
import { badRequest } from '../http/graph-errors';
import { GraphContext, GraphRequest, GraphResponse, RouteDefinition } from '../http/graph-types';
import { pageOf, withNextLink } from '../http/paging';
import { RoleAssignmentSeed } from '../types';

/**
 * Directory roles a principal holds (docs/soa-and-graph.md §6b, the rollback preflight for role holders):
 *   GET /roleManagement/directory/roleAssignments[?$filter=principalId eq '{id}']            active
 *   GET /roleManagement/directory/roleEligibilitySchedules[?$filter=principalId eq '{id}']    eligible (PIM)
 *   GET /roleManagement/directory/roleEligibilityScheduleInstances[?$filter=...]             eligible (PIM)
 * `$expand=roleDefinition` adds {id, displayName, templateId}. Only `principalId eq '...'` is understood as
 * a filter (anything else is 400, so a client relying on another filter notices). The permissions are
 * Microsoft's reference tables: Directory.Read.All reads assignments but not eligibilities.
 */
const BASE = '/roleManagement/directory';

/** Names of a few built-in roles (template ids are the same in every tenant). */
export const ROLE_TEMPLATES = {
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  hybridIdentityAdministrator: '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2',
  userAdministrator: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
} as const;
const KNOWN_NAMES: Record<string, string> = {
  [ROLE_TEMPLATES.globalAdministrator]: 'Global Administrator',
  [ROLE_TEMPLATES.hybridIdentityAdministrator]: 'Hybrid Identity Administrator',
  [ROLE_TEMPLATES.userAdministrator]: 'User Administrator',
};

export function roleNameOf(a: Pick<RoleAssignmentSeed, 'roleDefinitionId' | 'roleName'>): string {
  return a.roleName ?? KNOWN_NAMES[a.roleDefinitionId.toLowerCase()] ?? 'Directory role';
}

function idOf(a: RoleAssignmentSeed): string {
  if (a.id) return a.id;
  return createHash('sha1').update(`${a.kind}:${a.principalId.toLowerCase()}:${a.roleDefinitionId.toLowerCase()}`).digest('base64url');
}

function entity(a: RoleAssignmentSeed, kind: 'assignment' | 'schedule' | 'instance', expand: boolean): Record<string, unknown> {
  const base: Record<string, unknown> = {
    id: idOf(a),
    principalId: a.principalId,
    roleDefinitionId: a.roleDefinitionId,
    directoryScopeId: '/',
    appScopeId: null,
  };
  if (kind === 'schedule')
    Object.assign(base, {
      memberType: 'Direct',
      status: 'Provisioned',
      scheduleInfo: { startDateTime: '2026-01-05T09:00:00Z', expiration: { type: 'noExpiration' } },
    });
  if (kind === 'instance')
    Object.assign(base, { memberType: 'Direct', startDateTime: '2026-01-05T09:00:00Z', endDateTime: null, roleEligibilityScheduleId: idOf(a) });
  if (expand) base.roleDefinition = { id: a.roleDefinitionId, templateId: a.roleDefinitionId, displayName: roleNameOf(a), isBuiltIn: true };
  return base;
}

/** `principalId eq '{id}'` (quotes doubled inside), or null for no filter; undefined when not understood. */
function principalFilter(raw: string | undefined): string | null | undefined {
  if (raw === undefined || raw.trim() === '') return null;
  const m = /^\s*principalId\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(raw);
  return m ? m[1].replace(/''/g, "'") : undefined;
}

function list(kind: 'assignment' | 'schedule' | 'instance', wanted: 'active' | 'eligible') {
  return (req: GraphRequest, _params: Record<string, string>, ctx: GraphContext): GraphResponse => {
    const principal = principalFilter(req.query['$filter']);
    if (principal === undefined) return badRequest(req, `Invalid filter clause: '${req.query['$filter']}' is not supported.`, 'Request_UnsupportedQuery');
    const expandRaw = (req.query['$expand'] ?? '').trim();
    if (expandRaw !== '' && expandRaw.toLowerCase() !== 'roledefinition') {
      return badRequest(req, `Parsing OData Select and Expand failed: Could not find a property named '${expandRaw}'.`);
    }
    const items = ctx.state.roleAssignments
      .filter((a) => a.kind === wanted && (principal === null || a.principalId.toLowerCase() === principal.toLowerCase()))
      .map((a) => entity(a, kind, expandRaw !== ''));
    const page = pageOf(req, ctx, items);
    if (!page.ok) return page.response;
    const set = kind === 'assignment' ? 'roleAssignments' : kind === 'schedule' ? 'roleEligibilitySchedules' : 'roleEligibilityScheduleInstances';
    return {
      status: 200,
      body: withNextLink(
        { '@odata.context': `https://graph.microsoft.com/${req.version}/$metadata#roleManagement/directory/${set}`, value: page.value },
        page.nextLink,
      ),
    };
  };
}

export const roleManagementRoutes: RouteDefinition[] = [
  { method: 'GET', pattern: `${BASE}/roleAssignments`, anyOfRoles: [...ROLES.roleAssignmentRead], cost: 1, handler: list('assignment', 'active') },
  { method: 'GET', pattern: `${BASE}/roleEligibilitySchedules`, anyOfRoles: [...ROLES.roleEligibilityRead], cost: 1, handler: list('schedule', 'eligible') },
  {
    method: 'GET',
    pattern: `${BASE}/roleEligibilityScheduleInstances`,
    anyOfRoles: [...ROLES.roleEligibilityRead],
    cost: 1,
    handler: list('instance', 'eligible'),
  },
];
