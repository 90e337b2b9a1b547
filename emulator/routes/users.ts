import { ROLES } from '../auth/permissions';
import { badRequest, notFound, SYNCED_OBJECT_READ_ONLY } from '../http/graph-errors';
import { GraphRequest, GraphResponse, RouteDefinition } from '../http/graph-types';
import { odataContext, projectEntity } from '../http/select';
import { findUser } from '../state/tenant-state';
import { TenantState, UserRecord } from '../types';

/** GET/PATCH /users/{id | userPrincipalName} (also the key form /users('upn')). */

/** Every user property the emulator serves (besides seeded extras). */
export const BASE_PROPS = [
  'id',
  'userPrincipalName',
  'displayName',
  'givenName',
  'surname',
  'mail',
  'mailNickname',
  'jobTitle',
  'accountEnabled',
  'businessPhones',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'userType',
  'createdDateTime',
  'proxyAddresses',
  'usageLocation',
  'department',
  'companyName',
  'employeeId',
  'onPremisesSyncEnabled',
  'onPremisesImmutableId',
  'onPremisesLastSyncDateTime',
  'onPremisesDistinguishedName',
  'onPremisesSamAccountName',
  'onPremisesSecurityIdentifier',
  'onPremisesDomainName',
  'onPremisesUserPrincipalName',
  'onPremisesExtensionAttributes',
  'onPremisesProvisioningErrors',
] as const;

/** What v1.0 returns without $select: notably no onPremises* (the adapter must $select them). */
export const USER_DEFAULT_PROPS = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
] as const;

const WRITABLE = new Set([
  'displayName',
  'givenName',
  'surname',
  'jobTitle',
  'accountEnabled',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'usageLocation',
  'department',
  'companyName',
  'employeeId',
  'mail',
  'mailNickname',
  'onPremisesImmutableId',
  'onPremisesExtensionAttributes',
  'businessPhones',
]);

export function userEntity(u: UserRecord): Record<string, unknown> {
  const { isCloudManaged: _soa, pendingAdEdits: _pending, extra, ...props } = u;
  return {
    mailNickname: u.userPrincipalName.split('@')[0].replace(/#EXT#$/i, ''),
    userType: /#EXT#@/i.test(u.userPrincipalName) ? 'Guest' : 'Member',
    createdDateTime: '2020-01-01T00:00:00Z',
    proxyAddresses: u.mail ? [`SMTP:${u.mail}`] : [],
    usageLocation: null,
    department: null,
    companyName: null,
    employeeId: null,
    onPremisesExtensionAttributes: null,
    onPremisesProvisioningErrors: [],
    ...props,
    ...extra,
  };
}

/** Resolve the {id} segment: a '$'-leading UPN must use the key form (docs/soa-and-graph.md §2), as in real Graph. */
export function resolveUser(state: TenantState, req: GraphRequest, id: string): { ok: true; user: UserRecord } | { ok: false; response: GraphResponse } {
  if (id.startsWith('$') && !keyFormUsed(req)) {
    return { ok: false, response: badRequest(req, `Resource not found for the segment '${id}'.`, 'BadRequest') };
  }
  const user = findUser(state, id);
  if (!user) return { ok: false, response: notFound(req, id) };
  return { ok: true, user };
}

function keyFormUsed(req: GraphRequest): boolean {
  return /^\/users(\(|%28)/i.test(req.rawPath);
}

export const userRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: '/users/:id',
    anyOfRoles: [...ROLES.userRead],
    cost: 1,
    handler: (req, { id }, ctx) => {
      const found = resolveUser(ctx.state, req, id);
      if (!found.ok) return found.response;
      const entity = userEntity(found.user);
      const allowed = [...BASE_PROPS, ...Object.keys(found.user.extra)];
      const projected = projectEntity(req, entity, { typeName: 'microsoft.graph.user', allowed, defaults: USER_DEFAULT_PROPS });
      if (!projected.ok) return projected.response;
      return { status: 200, body: { '@odata.context': odataContext(req, 'users', projected.selected), ...projected.value } };
    },
  },
  {
    method: 'PATCH',
    pattern: '/users/:id',
    anyOfRoles: [...ROLES.userWrite],
    cost: 1,
    write: true,
    handler: (req, { id }, ctx) => {
      const found = resolveUser(ctx.state, req, id);
      if (!found.ok) return found.response;
      const user = found.user;
      if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body)) {
        return badRequest(req, 'Empty Payload. JSON content expected.', 'BadRequest');
      }
      const changes = req.body as Record<string, unknown>;
      for (const key of Object.keys(changes)) {
        if (!WRITABLE.has(key)) return badRequest(req, `Property '${key}' is read-only and cannot be set.`);
      }
      // While AD DS is the source of authority the cloud copy is read-only (docs/soa-and-graph.md §3).
      if (user.onPremisesSyncEnabled === true && !user.isCloudManaged) {
        return badRequest(req, SYNCED_OBJECT_READ_ONLY);
      }
      const target = user as unknown as Record<string, unknown>;
      for (const [key, value] of Object.entries(changes)) {
        if (key in target) target[key] = value;
        else user.extra[key] = value;
      }
      return { status: 204 };
    },
  },
];
