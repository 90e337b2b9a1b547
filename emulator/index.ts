import { createServer } from 'node:https';
import { AddressInfo } from 'node:net';
import { EntraEndpoint } from './auth/entra-endpoint';
import { DEFAULT_GRANTED_ROLES } from './auth/permissions';
import { TokenIssuer } from './auth/token-issuer';
import { cloneLimits, createControl } from './control';
import { DEFAULT_APP_DISPLAY_NAME, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TENANT_ID } from './defaults';
import { runGraphRequest } from './http/graph-pipeline';
import { GraphContext } from './http/graph-types';
import { createGraphRouter } from './routes';
import { createListener } from './server';
import { applySeed, DEFAULT_BEHAVIOUR } from './state/tenant-state';
import { AuditThrottle } from './throttle/audit-throttle';
import { ResourceThrottle } from './throttle/resource-throttle';
import { defaultClientCertificates, defaultTls } from './tls-defaults';
import { EmulatorOptions, RunningEmulator } from './emulator-api';
import { BehaviourOptions, TenantState } from './types';

export * from './types';
export type { EmulatorControl, EmulatorOptions, RunningEmulator } from './emulator-api';
export { DEFAULT_GRANTED_ROLES, ROLES } from './auth/permissions';
export { DEFAULT_APP_DISPLAY_NAME, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TENANT_ID } from './defaults';
export { ROLE_TEMPLATES } from './routes/role-management-directory';
export { TRANSFER_ACTIVITY, ROLLBACK_ACTIVITY } from './state/soa-state-machine';
export { demoTenant, DEMO_IDS, DEMO_UPNS } from './seeds/demo-tenant';
export {
  cloudUser,
  syncedUser,
  transferredUser,
  rolledBackUser,
  pastSoaAudit,
  immutableIdFor,
  syncedUsers,
  withSyncedUsers,
  bulkUserId,
  bulkUserUpn,
  BULK_GROUP_ID,
} from './seeds/builders';
export { tenantSizeClass, RESOURCE_UNITS_PER_10S, WRITES_PER_150S } from './throttle/resource-throttle';
export { findCertsDir } from './tls-defaults';
export type { UserTokenInput } from './auth/token-issuer';
export { TEAMS_WEB_CLIENT_ID } from './auth/token-issuer';

/**
 * Start the local HTTPS Microsoft Graph emulator with its fake Entra token endpoint on one origin.
 * Listens on 127.0.0.1 (default) but reports https://localhost:PORT: the Graph client only sends
 * its bearer token to hosts named in customHosts, and the test certificate is issued to localhost.
 */
export async function startGraphEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const tls = options.tls ?? defaultTls();
  const tenantId = options.tenantId ?? options.seed?.tenantId ?? DEFAULT_TENANT_ID;
  const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
  const clientSecret = options.clientSecret ?? DEFAULT_CLIENT_SECRET;
  const appDisplayName = options.appDisplayName ?? DEFAULT_APP_DISPLAY_NAME;
  const behaviour: BehaviourOptions = {
    ...DEFAULT_BEHAVIOUR,
    ...options.behaviour,
    ...(options.wrapSoaInValue !== undefined ? { wrapSoaInValue: options.wrapSoaInValue } : {}),
    ...(options.soaPatchStatus !== undefined ? { soaPatchStatus: options.soaPatchStatus } : {}),
    ...(options.auditThrottle !== undefined ? { auditThrottle: options.auditThrottle } : {}),
  };
  const seed = { ...structuredClone(options.seed ?? {}), tenantId };
  const grantedRoles = [...(options.grantedRoles ?? DEFAULT_GRANTED_ROLES)];
  const auditDelayMs = options.auditDelayMs ?? 0;

  const state: TenantState = {
    tenantId,
    users: new Map(),
    groups: new Map(),
    domains: new Map(),
    catalogs: [],
    roleAssignments: [],
    delegatedApps: structuredClone(options.delegatedApps ?? []),
    audits: [],
    settings: { blockCloudObjectTakeoverThroughHardMatchEnabled: true },
    grantedRoles: [...grantedRoles],
    auditDelayMs,
    behaviour: { ...behaviour },
    faults: [],
    calls: [],
    limits: {
      throttle: options.throttle ? { ...options.throttle } : null,
      latencyMs: options.latencyMs ?? 0,
    },
  };
  applySeed(state, seed);

  const issuer = new TokenIssuer(tls.key, tls.cert, options.tokenLifetimeSeconds ?? 3599);
  const entra = new EntraEndpoint({
    getTenantId: () => state.tenantId,
    clientId,
    clientSecret,
    appDisplayName,
    clientCertificates: options.clientCertificates ?? defaultClientCertificates(),
    getGrantedRoles: () => state.grantedRoles,
    issuer,
    state,
  });
  const auditThrottle = new AuditThrottle();
  const resourceThrottle = new ResourceThrottle(state);
  const router = createGraphRouter();
  const ctx: GraphContext = {
    state,
    appDisplayName,
    auditThrottle,
    resourceThrottle,
    dispatch: (req) => runGraphRequest(router, req, ctx),
  };
  const control = createControl(
    state,
    { seed, grantedRoles, auditDelayMs, behaviour, limits: cloneLimits(state.limits) },
    () => {
      auditThrottle.clear();
      resourceThrottle.clear();
    },
    () => resourceThrottle.status(),
  );
  const log = options.logger ?? (() => undefined);

  const server = createServer({ key: tls.key, cert: tls.cert }, createListener({ state, router, ctx, issuer, entra, control, log }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `https://localhost:${port}`;
  log(`graph emulator listening on ${baseUrl} (tenant ${tenantId})`);

  let closed: Promise<void> | null = null;
  return {
    baseUrl,
    authorityHost: baseUrl,
    tenantId,
    clientId,
    clientSecret,
    port,
    state,
    control,
    userTokens: {
      mint: (input) => issuer.issueUserToken({ ...input, tenantId: input.tenantId ?? state.tenantId, authority: input.authority ?? baseUrl }),
      addSigningKey: () => issuer.addSigningKey(),
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Also ends keep-alive sockets and requests parked by 'timeout' faults.
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
