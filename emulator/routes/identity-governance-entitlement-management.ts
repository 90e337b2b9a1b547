import { ROLES } from '../auth/permissions';
import { badRequest, notFound } from '../http/graph-errors';
import { RouteDefinition } from '../http/graph-types';

/**
 * Entitlement management, just enough for the rollback preflight (§6): is a group a resource of an
 * access-package catalog? GET .../catalogs and .../catalogs/{id}/resources?$filter=originId eq '{groupId}'.
 */
const BASE = '/identityGovernance/entitlementManagement/catalogs';

export const entitlementRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: BASE,
    anyOfRoles: [...ROLES.entitlementRead],
    cost: 2,
    handler: (req, _params, ctx) => ({
      status: 200,
      body: {
        '@odata.context': `https://graph.microsoft.com/${req.version}/$metadata#identityGovernance/entitlementManagement/catalogs`,
        value: ctx.state.catalogs.map((c) => ({ id: c.id, displayName: c.displayName, catalogType: 'userManaged', state: 'published', isExternallyVisible: false })),
      },
    }),
  },
  {
    method: 'GET',
    pattern: `${BASE}/:id/resources`,
    anyOfRoles: [...ROLES.entitlementRead],
    cost: 2,
    handler: (req, { id }, ctx) => {
      const catalog = ctx.state.catalogs.find((c) => c.id.toLowerCase() === id.toLowerCase());
      if (!catalog) return notFound(req, id);
      let resources = (catalog.resources ?? []).map((r) => ({ originSystem: 'AadGroup', ...r }));
      const filter = req.query['$filter'];
      if (filter) {
        const m = /^\s*originId\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(filter);
        if (!m) return badRequest(req, `Invalid filter clause: '${filter}'.`, 'BadRequest');
        const originId = m[1].replace(/''/g, "'").toLowerCase();
        resources = resources.filter((r) => r.originId.toLowerCase() === originId);
      }
      return {
        status: 200,
        body: {
          '@odata.context': `https://graph.microsoft.com/${req.version}/$metadata#identityGovernance/entitlementManagement/catalogs('${catalog.id}')/resources`,
          value: resources,
        },
      };
    },
  },
];
