import { graphError, INSUFFICIENT_PRIVILEGES, badRequest, notFound } from '../http/graph-errors';
import { GraphContext, GraphRequest, GraphResponse, RouteDefinition } from '../http/graph-types';
import { ROLE_TEMPLATES } from './role-management-directory';

/**
 * GET /directory/onPremisesSynchronization[/{id}] and PATCH /directory/onPremisesSynchronization/{id}: where
 * the tenant safeguard `features.blockCloudObjectTakeoverThroughHardMatchEnabled` lives (docs/soa-and-graph.md
 * §6). Microsoft's reference: delegated only (OnPremDirectorySynchronization.Read.All / .ReadWrite.All;
 * application "Not supported"), and Global Administrator is the only role supported. So: an app token is
 * 403 whatever roles it holds; a delegated token needs the scope AND a person who holds the Global
 * Administrator role now (read from the directory at call time, as Graph evaluates it), else 403
 * Authorization_RequestDenied. Tests may also change the safeguard through the control API
 * (`setTenantSettings`, `PATCH /_control/tenant-settings`). Served under /v1.0 and /beta.
 */
const BASE = '/directory/onPremisesSynchronization';
const READ = ['onpremdirectorysynchronization.read.all', 'onpremdirectorysynchronization.readwrite.all'];
const WRITE = ['onpremdirectorysynchronization.readwrite.all'];

function refusal(req: GraphRequest, ctx: GraphContext, scopes: string[]): GraphResponse | null {
  const denied = () => graphError(req, 403, 'Authorization_RequestDenied', INSUFFICIENT_PRIVILEGES);
  const t = req.token;
  if (t.idtyp === 'app' || typeof t.scp !== 'string') return denied();
  const scp = t.scp.toLowerCase().split(' ');
  if (!scopes.some((s) => scp.includes(s))) return denied();
  const oid = String(t.oid ?? '').toLowerCase();
  const isGlobalAdmin = ctx.state.roleAssignments.some(
    (a) => a.kind === 'active' && a.principalId.toLowerCase() === oid && a.roleDefinitionId.toLowerCase() === ROLE_TEMPLATES.globalAdministrator,
  );
  return isGlobalAdmin ? null : denied();
}

function entity(ctx: GraphContext): Record<string, unknown> {
  return {
    id: ctx.state.tenantId,
    configuration: {
      accidentalDeletionPrevention: { synchronizationPreventionType: 'enabledForCount', alertThreshold: 500 },
      synchronizationInterval: 'PT30M',
    },
    features: {
      blockCloudObjectTakeoverThroughHardMatchEnabled: ctx.state.settings.blockCloudObjectTakeoverThroughHardMatchEnabled,
      blockSoftMatchEnabled: false,
      passwordSyncEnabled: true,
      groupWriteBackEnabled: false,
    },
  };
}

const context = (req: GraphRequest, suffix: string) => `https://graph.microsoft.com/${req.version}/$metadata#directory/onPremisesSynchronization${suffix}`;

function get(req: GraphRequest, params: Record<string, string>, ctx: GraphContext): GraphResponse {
  const refused = refusal(req, ctx, READ);
  if (refused) return refused;
  if (params.id === undefined) return { status: 200, body: { '@odata.context': context(req, ''), value: [entity(ctx)] } };
  if (params.id.toLowerCase() !== ctx.state.tenantId.toLowerCase()) return notFound(req, params.id);
  return { status: 200, body: { '@odata.context': context(req, '/$entity'), ...entity(ctx) } };
}

function patch(req: GraphRequest, params: Record<string, string>, ctx: GraphContext): GraphResponse {
  const refused = refusal(req, ctx, WRITE);
  if (refused) return refused;
  // Microsoft documents PATCH only on /{id}; the authorization is still checked first, as on every route.
  if (params.id === undefined) return graphError(req, 405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
  if (params.id.toLowerCase() !== ctx.state.tenantId.toLowerCase()) return notFound(req, params.id);
  const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : null;
  const features = body?.features && typeof body.features === 'object' ? (body.features as Record<string, unknown>) : null;
  if (!body || (body.features !== undefined && !features)) return badRequest(req, 'Invalid request body.');
  const value = features?.blockCloudObjectTakeoverThroughHardMatchEnabled;
  if (value !== undefined && typeof value !== 'boolean') return badRequest(req, "Cannot convert the literal to the expected type 'Edm.Boolean'.");
  if (typeof value === 'boolean') ctx.state.settings = { ...ctx.state.settings, blockCloudObjectTakeoverThroughHardMatchEnabled: value };
  return { status: 204 };
}

export const directorySyncRoutes: RouteDefinition[] = [
  // anyOfRoles empty: the pipeline's application-role check does not apply; the handlers check as Graph does.
  { method: 'GET', pattern: BASE, anyOfRoles: [], cost: 1, handler: get },
  { method: 'GET', pattern: `${BASE}/:id`, anyOfRoles: [], cost: 1, handler: get },
  { method: 'PATCH', pattern: BASE, anyOfRoles: [], cost: 1, write: true, handler: patch },
  { method: 'PATCH', pattern: `${BASE}/:id`, anyOfRoles: [], cost: 1, write: true, handler: patch },
];
