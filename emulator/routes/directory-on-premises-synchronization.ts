import { graphError, INSUFFICIENT_PRIVILEGES } from '../http/graph-errors';
import { GraphRequest, GraphResponse, RouteDefinition } from '../http/graph-types';

/**
 * GET|PATCH /directory/onPremisesSynchronization[/{id}]: where the tenant safeguard
 * `features.blockCloudObjectTakeoverThroughHardMatchEnabled` lives (docs/soa-and-graph.md §6). Microsoft's
 * reference lists no application permission for it (delegated OnPremDirectorySynchronization.* only,
 * Global Administrator only), and the emulator only issues app tokens: every call is 403
 * Authorization_RequestDenied, whatever roles the token holds. Tests change the safeguard through the
 * control API (`setTenantSettings`, `PATCH /_control/tenant-settings`). Served under /v1.0 and /beta.
 */
const denied = (req: GraphRequest): GraphResponse => graphError(req, 403, 'Authorization_RequestDenied', INSUFFICIENT_PRIVILEGES);

const BASE = '/directory/onPremisesSynchronization';

export const directorySyncRoutes: RouteDefinition[] = [BASE, `${BASE}/:id`].flatMap((pattern) =>
  ['GET', 'PATCH'].map((method) => ({
    method,
    pattern,
    // No role can satisfy it: checked in the handler so that granted roles cannot open it.
    anyOfRoles: [],
    cost: 1,
    write: method === 'PATCH',
    handler: denied,
  })),
);
