import { DEMO_IDS } from './seeds/demo-tenant';

/**
 * The settings a deployment would give the bot, pointed at a running emulator with the demo
 * tenant's roles (Rita requests, Adam and Amy approve). Used by the playground, the benchmark and tests.
 * BOT_AUTH_DISABLED=true is accepted only with what is set explicitly here: HOST on loopback and Graph
 * and its authority at the emulator (never Microsoft's cloud), and no bot credential.
 */
export function botEnvFor(
  emulator: { tenantId: string; clientId: string; clientSecret: string; baseUrl: string; authorityHost: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    BOT_AUTH_DISABLED: 'true',
    GRAPH_TENANT_ID: emulator.tenantId,
    GRAPH_CLIENT_ID: emulator.clientId,
    GRAPH_CLIENT_SECRET: emulator.clientSecret,
    GRAPH_BASE_URL: emulator.baseUrl,
    GRAPH_AUTHORITY_HOST: emulator.authorityHost,
    REQUESTER_GROUP_ID: DEMO_IDS.groups.requesters,
    APPROVER_GROUP_ID: DEMO_IDS.groups.approvers,
    ALLOWED_TENANT_IDS: emulator.tenantId,
    ...extra,
  };
}
