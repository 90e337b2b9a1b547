import type { ApprovalFlowSettings } from './domain/reminder-schedule';

/** The shape of a loaded configuration (config.ts reads and checks the environment into it). */
export interface Config {
  port: number;
  host: string;
  bot: {
    authDisabled: boolean;
    appId: string;
    appPassword: string | null;
    appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMsi';
    tenantId: string | null;
    /** Certificate instead of BOT_PASSWORD: SHA-1 thumbprint (hex) and the PEM private key file. */
    certificate: { thumbprint: string; privateKeyPath: string } | null;
    /** botbuilder's `ChannelService` (https://botframework.azure.us = US Government built-ins). */
    channelService: string | null;
    /** botbuilder's endpoint settings, all or none; null = built-in defaults of the cloud. */
    endpoints: BotFrameworkEndpoints | null;
  };
  graph: {
    tenantId: string;
    clientId: string;
    clientSecret: string | null;
    certificatePath: string | null;
    managedIdentity: boolean;
    credentialKind: 'certificate' | 'managed-identity' | 'client-secret';
    baseUrl: string;
    authorityHost: string;
    apiVersion: 'v1.0' | 'beta';
    maxRetries: number;
    timeoutMs: number;
  };
  authorization: {
    requesterGroupId: string | null;
    requesterIds: string[];
    approverGroupId: string | null;
    approverIds: string[];
    approvalsRequired: number;
    allowedTenantIds: string[];
    /** Rollback approvers; fall back to the transfer approvers when neither is set. */
    rollbackApproverGroupId: string | null;
    rollbackApproverIds: string[];
    rollbackApprovalsRequired: number;
    adminGroupId: string | null;
    adminIds: string[];
  };
  scope: {
    protectedGroupIds: string[];
    allowedTargetGroupId: string | null;
  };
  rollback: {
    watchIntervalMs: number;
    watchTimeoutMs: number;
  };
  notify: {
    presetChannelIds: string[];
    includeTransfers: boolean;
  };
  approvalChannelId: string | null;
  databaseUrl: string | null;
  approvalTtlMs: number;
  auditLookupTimeoutMs: number;
  auditLookupFirstDelayMs: number;
  jobPollIntervalMs: number;
  /**
   * Lease of a claimed background job: renewed every third of it while the work runs; when renewals
   * stop (the instance died), another instance takes the job over once it lapses.
   */
  jobLeaseMs: number;
  maxUsersPerRequest: number;
  bulk: {
    /** Admins may ask for more users in one request (a migration wave). */
    adminMaxUsersPerRequest: number;
    waves: string;
    haltFailureRate: number;
    /** Where people reach the bot over HTTPS, for the signed CSV download links; null = no links. */
    publicBaseUrl: string | null;
    fileLinkSecret: string | null;
    fileLinkTtlMs: number;
  };
  /** CSV files sent to the bot: https downloads only from these hosts (`*.domain` = any host under it). */
  fileDownload: {
    allowedHosts: string[];
    timeoutMs: number;
  };
  maxBodyBytes: number;
  /** Commands (message activities) per person per minute on /api/messages. */
  rateLimitPerMinute: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** The personal tab's JSON API (/api/tab/...) with Teams SSO; null = not served (TAB_APP_ID unset). */
  tab: TabConfig | null;
  /** Reminders, quiet hours, expiry warning, escalation, approval stages (config-approvals.ts). */
  approvalFlow: ApprovalFlowSettings;
  /** The rollback safeguard switch (SAFEGUARD_SWITCH). */
  safeguard: SafeguardConfig;
}

export interface SafeguardConfig {
  /** obo: a Global Administrator switches it from Teams through the bot; manual: by hand, then confirms on the card. */
  mode: 'obo' | 'manual';
  /** TAB_CLIENT_SECRET: the tab app registration's secret, for the on-behalf-of exchange. */
  oboClientSecret: string | null;
  /** TEAMS_APP_ID: the Teams app (manifest id), for the deep link to the tab. */
  teamsAppId: string | null;
  /** SAFEGUARD_REMINDER_INTERVAL: how often to remind until the safeguard is back on. */
  reminderIntervalMs: number;
}

export interface TabConfig {
  /** The tab API's own Entra app registration (not the bot's: no Graph permissions near a browser). */
  appId: string;
  /** Its Application ID URI (api://<fqdn>/<app id>), also accepted as token audience; null = app id only. */
  appIdUri: string | null;
  /** Where the tenant's signing keys are (national clouds, the local stand-in); default GRAPH_AUTHORITY_HOST. */
  authorityHost: string;
  /** API calls per person per minute. */
  rateLimitPerMinute: number;
}

/** botbuilder's own setting names: setting one makes botbuilder drop every default, so all are needed. */
export const BOT_ENDPOINT_KEYS = [
  'ToBotFromChannelOpenIdMetadataUrl',
  'ToBotFromChannelTokenIssuer',
  'ToChannelFromBotLoginUrl',
  'ToChannelFromBotOAuthScope',
  'ToBotFromEmulatorOpenIdMetadataUrl',
  'OAuthUrl',
  'CallerId',
] as const;
export type BotFrameworkEndpoints = Record<(typeof BOT_ENDPOINT_KEYS)[number], string>;
/** The one ChannelService value botbuilder has built-in endpoints for (besides empty = public cloud). */
export const US_GOV_CHANNEL_SERVICE = 'https://botframework.azure.us';
