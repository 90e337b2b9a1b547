import { createHash } from 'node:crypto';
import { ROLES } from '../auth/permissions';
import { badRequest, notFound } from '../http/graph-errors';
import { GraphContext, GraphRequest, GraphResponse, RouteDefinition } from '../http/graph-types';
import { pageOf, withNextLink } from '../http/paging';
import { projectEntity } from '../http/select';
import { findGroup } from '../state/tenant-state';
import { AccessPackageSeed, CatalogSeed, TenantState } from '../types';

/**
 * Entitlement management, just enough for the rollback preflight (docs/soa-and-graph.md §6): is a group a resource of an
 * access-package catalog, and which access packages use it as a resource role scope?
 *
 *   GET .../catalogs[/{id}]                          GET .../catalogs/{id}/resources[?$filter=originId eq '{groupId}']
 *   GET .../catalogs/{id}/accessPackages             GET .../accessPackages[?$filter=catalog/id eq '{catalogId}']
 *   GET .../accessPackages/{id}
 * Access packages support `$expand=resourceRoleScopes($expand=role,scope)` (either nested name alone too)
 * and `$expand=catalog`. Shapes follow Microsoft's v1.0 reference (accessPackage,
 * accessPackageResourceRoleScope, accessPackageResourceScope, accessPackageResourceRole): a group's scope is
 * its root scope ("Root", originId = group id, originSystem AadGroup), its role "Member" (originId Member_{groupId}).
 * Without the nested $expand, a role scope carries only id and createdDateTime, as in Graph.
 * Collections page like memberOf (`$top`, behaviour.pageSize). All need EntitlementManagement.Read.All.
 */
const EM = '/identityGovernance/entitlementManagement';
const CATALOGS = `${EM}/catalogs`;
const PACKAGES = `${EM}/accessPackages`;
const DEFAULT_CREATED = '2026-01-05T09:00:00Z';

const PACKAGE_PROPS = ['id', 'displayName', 'description', 'isHidden', 'createdDateTime', 'modifiedDateTime'] as const;

/** A stable GUID derived from a string (ids Graph would have minted). */
function stableGuid(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function catalogEntity(c: CatalogSeed): Record<string, unknown> {
  return {
    id: c.id,
    displayName: c.displayName,
    description: null,
    catalogType: 'userManaged',
    state: 'published',
    isExternallyVisible: false,
    createdDateTime: DEFAULT_CREATED,
    modifiedDateTime: DEFAULT_CREATED,
  };
}

function findCatalog(state: TenantState, id: string): CatalogSeed | undefined {
  return state.catalogs.find((c) => c.id.toLowerCase() === id.toLowerCase());
}

interface Expand {
  roleScopes: { role: boolean; scope: boolean } | null;
  catalog: boolean;
}

/** Splits at commas outside parentheses. */
function splitTopLevel(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === sep && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter(Boolean);
}

function parseExpand(raw: string | undefined): { ok: true; expand: Expand } | { ok: false; message: string } {
  const expand: Expand = { roleScopes: null, catalog: false };
  if (raw === undefined || raw.trim() === '') return { ok: true, expand };
  const unknown = (name: string, type: string) => ({
    ok: false as const,
    message: `Parsing OData Select and Expand failed: Could not find a property named '${name}' on type '${type}'.`,
  });
  for (const item of splitTopLevel(raw, ',')) {
    const m = /^([A-Za-z]+)\s*(?:\((.*)\))?$/s.exec(item);
    if (!m) return { ok: false, message: `Parsing OData Select and Expand failed: syntax error in '${item}'.` };
    const [, name, options] = m;
    if (name.toLowerCase() === 'catalog' && options === undefined) {
      expand.catalog = true;
      continue;
    }
    if (name.toLowerCase() !== 'resourcerolescopes') return unknown(name, 'microsoft.graph.accessPackage');
    const nested = { role: false, scope: false };
    for (const option of splitTopLevel(options ?? '', ';')) {
      const o = /^\$expand\s*=\s*(.+)$/is.exec(option);
      if (!o) return { ok: false, message: `Parsing OData Select and Expand failed: unsupported option '${option}' in $expand.` };
      for (const inner of splitTopLevel(o[1], ',')) {
        const key = inner.toLowerCase();
        if (key === 'role') nested.role = true;
        else if (key === 'scope') nested.scope = true;
        else return unknown(inner, 'microsoft.graph.accessPackageResourceRoleScope');
      }
    }
    expand.roleScopes = nested;
  }
  return { ok: true, expand };
}

function roleScopes(state: TenantState, catalog: CatalogSeed, p: AccessPackageSeed, nested: { role: boolean; scope: boolean }): Record<string, unknown>[] {
  const created = p.createdDateTime ?? DEFAULT_CREATED;
  return p.groupIds.map((groupId) => {
    const resource = (catalog.resources ?? []).find((r) => r.originId.toLowerCase() === groupId.toLowerCase());
    const group = findGroup(state, groupId);
    const roleId = stableGuid(`role:${catalog.id}:${groupId.toLowerCase()}`);
    const scopeId = stableGuid(`scope:${resource?.id ?? catalog.id}:${groupId.toLowerCase()}`);
    const entry: Record<string, unknown> = { id: `${roleId}_${scopeId}`, createdDateTime: created };
    if (nested.role) {
      entry.role = {
        id: roleId,
        displayName: 'Member',
        description: null,
        originSystem: 'AadGroup',
        originId: `Member_${group?.id ?? groupId}`,
      };
    }
    if (nested.scope) {
      entry.scope = {
        id: scopeId,
        displayName: 'Root',
        description: 'Root Scope',
        originId: group?.id ?? groupId,
        originSystem: 'AadGroup',
        isRootScope: true,
      };
    }
    return entry;
  });
}

function packageEntity(
  req: GraphRequest,
  state: TenantState,
  catalog: CatalogSeed,
  p: AccessPackageSeed,
  expand: Expand,
): { ok: true; value: Record<string, unknown> } | { ok: false; response: GraphResponse } {
  const created = p.createdDateTime ?? DEFAULT_CREATED;
  const base = {
    id: p.id,
    displayName: p.displayName,
    description: p.description ?? null,
    isHidden: p.isHidden ?? false,
    createdDateTime: created,
    modifiedDateTime: created,
  };
  const projected = projectEntity(req, base, { typeName: 'microsoft.graph.accessPackage', allowed: PACKAGE_PROPS, defaults: PACKAGE_PROPS });
  if (!projected.ok) return projected;
  const value: Record<string, unknown> = { ...projected.value };
  if (expand.roleScopes) value.resourceRoleScopes = roleScopes(state, catalog, p, expand.roleScopes);
  if (expand.catalog) value.catalog = catalogEntity(catalog);
  return { ok: true, value };
}

/** Every (catalog, package) pair, optionally of one catalog. */
function packagesOf(state: TenantState, catalogId: string | null): { catalog: CatalogSeed; pkg: AccessPackageSeed }[] {
  return state.catalogs
    .filter((c) => catalogId === null || c.id.toLowerCase() === catalogId.toLowerCase())
    .flatMap((catalog) => (catalog.accessPackages ?? []).map((pkg) => ({ catalog, pkg })));
}

function listPackages(req: GraphRequest, ctx: GraphContext, catalogId: string | null, contextPath: string): GraphResponse {
  const expand = parseExpand(req.query['$expand']);
  if (!expand.ok) return badRequest(req, expand.message, 'BadRequest');
  let pairs = packagesOf(ctx.state, catalogId);
  const filter = req.query['$filter'];
  if (filter !== undefined && filter.trim() !== '') {
    const m = /^\s*catalog\/id\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(filter);
    if (!m) return badRequest(req, `Invalid filter clause: '${filter}'.`, 'BadRequest');
    const wanted = m[1].replace(/''/g, "'").toLowerCase();
    pairs = pairs.filter(({ catalog }) => catalog.id.toLowerCase() === wanted);
  }
  const value: Record<string, unknown>[] = [];
  for (const { catalog, pkg } of pairs) {
    const entity = packageEntity(req, ctx.state, catalog, pkg, expand.expand);
    if (!entity.ok) return entity.response;
    value.push(entity.value);
  }
  const page = pageOf(req, ctx, value);
  if (!page.ok) return page.response;
  return {
    status: 200,
    body: withNextLink({ '@odata.context': `https://graph.microsoft.com/${req.version}/$metadata#${contextPath}`, value: page.value }, page.nextLink),
  };
}

export const entitlementRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: CATALOGS,
    anyOfRoles: [...ROLES.entitlementRead],
    cost: 2,
    handler: (req, _params, ctx) => {
      const page = pageOf(req, ctx, ctx.state.catalogs.map(catalogEntity));
      if (!page.ok) return page.response;
      return {
        status: 200,
        body: withNextLink(
          { '@odata.context': `https://graph.microsoft.com/${req.version}/$metadata#identityGovernance/entitlementManagement/catalogs`, value: page.value },
          page.nextLink,
        ),
      };
    },
  },
  {
    method: 'GET',
    pattern: `${CATALOGS}/:id`,
    anyOfRoles: [...ROLES.entitlementRead],
    cost: 1,
    handler: (req, { id }, ctx) => {
      const catalog = findCatalog(ctx.state, id);
      if (!catalog) return notFound(req, id);
      return {
        status: 200,
        body: {
          '@odata.context': `https://graph.microsoft.com/${req.version}/$metadata#identityGovernance/entitlementManagement/catalogs/$entity`,
          ...catalogEntity(catalog),
        },
      };
    },
  },
  {
    method: 'GET',
    pattern: `${CATALOGS}/:id/resources`,
    anyOfRoles: [...ROLES.entitlementRead],
    cost: 2,
    handler: (req, { id }, ctx) => {
      const catalog = findCatalog(ctx.state, id);
      if (!catalog) return notFound(req, id);
      let resources = (catalog.resources ?? []).map((r) => ({ originSystem: 'AadGroup', ...r }));
      const filter = req.query['$filter'];
      if (filter) {
        const m = /^\s*originId\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(filter);
        if (!m) return badRequest(req, `Invalid filter clause: '${filter}'.`, 'BadRequest');
        const originId = m[1].replace(/''/g, "'").toLowerCase();
        resources = resources.filter((r) => r.originId.toLowerCase() === originId);
      }
      const page = pageOf(req, ctx, resources);
      if (!page.ok) return page.response;
      return {
        status: 200,
        body: withNextLink(
          {
            '@odata.context': `https://graph.microsoft.com/${req.version}/$metadata#identityGovernance/entitlementManagement/catalogs('${catalog.id}')/resources`,
            value: page.value,
          },
          page.nextLink,
        ),
      };
    },
  },
  {
    method: 'GET',
    pattern: `${CATALOGS}/:id/accessPackages`,
    anyOfRoles: [...ROLES.entitlementRead],
    cost: 2,
    handler: (req, { id }, ctx) => {
      const catalog = findCatalog(ctx.state, id);
      if (!catalog) return notFound(req, id);
      return listPackages(req, ctx, catalog.id, `identityGovernance/entitlementManagement/catalogs('${catalog.id}')/accessPackages`);
    },
  },
  {
    method: 'GET',
    pattern: PACKAGES,
    anyOfRoles: [...ROLES.entitlementRead],
    cost: 2,
    handler: (req, _params, ctx) => listPackages(req, ctx, null, 'identityGovernance/entitlementManagement/accessPackages'),
  },
  {
    method: 'GET',
    pattern: `${PACKAGES}/:id`,
    anyOfRoles: [...ROLES.entitlementRead],
    cost: 1,
    handler: (req, { id }, ctx) => {
      const expand = parseExpand(req.query['$expand']);
      if (!expand.ok) return badRequest(req, expand.message, 'BadRequest');
      const found = packagesOf(ctx.state, null).find(({ pkg }) => pkg.id.toLowerCase() === id.toLowerCase());
      if (!found) return notFound(req, id);
      const entity = packageEntity(req, ctx.state, found.catalog, found.pkg, expand.expand);
      if (!entity.ok) return entity.response;
      return {
        status: 200,
        body: {
          '@odata.context': `https://graph.microsoft.com/${req.version}/$metadata#identityGovernance/entitlementManagement/accessPackages/$entity`,
          ...entity.value,
        },
      };
    },
  },
];
