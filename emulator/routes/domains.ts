import { ROLES } from '../auth/permissions';
import { notFound } from '../http/graph-errors';
import { RouteDefinition } from '../http/graph-types';
import { odataContext } from '../http/select';
import { DomainSeed } from '../types';

/** GET /domains and /domains/{name}: the federation check of the preflight (docs/soa-and-graph.md §5). */

function domainEntity(d: DomainSeed): Record<string, unknown> {
  return {
    id: d.id,
    authenticationType: d.authenticationType,
    isVerified: d.isVerified ?? true,
    isDefault: d.isDefault ?? false,
    isInitial: false,
    isRoot: true,
    isAdminManaged: true,
    supportedServices: ['Email', 'OfficeCommunicationsOnline'],
  };
}

export const domainRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: '/domains',
    anyOfRoles: [...ROLES.domainRead],
    cost: 2,
    handler: (req, _params, ctx) => ({
      status: 200,
      body: { '@odata.context': odataContext(req, 'domains', null, ''), value: [...ctx.state.domains.values()].map(domainEntity) },
    }),
  },
  {
    method: 'GET',
    pattern: '/domains/:name',
    anyOfRoles: [...ROLES.domainRead],
    cost: 1,
    handler: (req, { name }, ctx) => {
      const domain = ctx.state.domains.get(name.toLowerCase());
      if (!domain) return notFound(req, name);
      return { status: 200, body: { '@odata.context': odataContext(req, 'domains', null), ...domainEntity(domain) } };
    },
  },
];
