import { z } from 'zod';
import { parseWaves } from './domain/waves';
import { DEFAULT_FILE_DOWNLOAD_HOSTS, downloadHostProblem } from './domain/download-hosts';
import {
  boolFlag,
  duration,
  exactTrueFlag,
  fileLinkSecret,
  guidList,
  httpsUrl,
  intIn,
  optionalChecked,
  optionalGuid,
  optionalText,
  parseDuration,
  publicBaseUrl,
} from './config-fields';
import { authDisabledProblems } from './config-guards';
import { readApprovalFlow } from './config-approvals';
import { redactDatabaseUrl } from './adapters/storage/database-url';
import { BOT_ENDPOINT_KEYS, BotFrameworkEndpoints, Config, SafeguardConfig, TabConfig, US_GOV_CHANNEL_SERVICE } from './config-types';

export { parseDuration };

/**
 * Configuration is a function of the environment passed in (only main.ts reads process.env).
 * Every problem is reported at once so an operator fixes a bad deployment in one go.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const schema = z.object({
  PORT: intIn(0, 65535, 3978),
  HOST: optionalText,
  BOT_AUTH_DISABLED: exactTrueFlag('BOT_AUTH_DISABLED'),
  BOT_ID: optionalText,
  BOT_PASSWORD: optionalText,
  SECRET_BOT_PASSWORD: optionalText,
  BOT_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMsi']).optional().default('MultiTenant'),
  BOT_TENANT_ID: optionalText,
  BOT_CERTIFICATE_THUMBPRINT: optionalText,
  BOT_CERTIFICATE_PRIVATE_KEY_PATH: optionalText,
  ChannelService: optionalText,
  ToBotFromChannelOpenIdMetadataUrl: optionalText,
  ToBotFromChannelTokenIssuer: optionalText,
  ToChannelFromBotLoginUrl: optionalText,
  ToChannelFromBotOAuthScope: optionalText,
  ToBotFromEmulatorOpenIdMetadataUrl: optionalText,
  OAuthUrl: optionalText,
  CallerId: optionalText,
  GRAPH_TENANT_ID: optionalText,
  GRAPH_CLIENT_ID: optionalText,
  GRAPH_CLIENT_SECRET: optionalText,
  SECRET_GRAPH_CLIENT_SECRET: optionalText,
  GRAPH_CERTIFICATE_PATH: optionalText,
  GRAPH_USE_MANAGED_IDENTITY: boolFlag,
  GRAPH_BASE_URL: httpsUrl('https://graph.microsoft.com'),
  GRAPH_AUTHORITY_HOST: httpsUrl('https://login.microsoftonline.com'),
  GRAPH_API_VERSION: z.enum(['v1.0', 'beta']).optional().default('v1.0'),
  GRAPH_MAX_RETRIES: intIn(0, 10, 3),
  GRAPH_TIMEOUT: duration('20s', 1000),
  REQUESTER_GROUP_ID: optionalGuid('REQUESTER_GROUP_ID'),
  REQUESTER_IDS: guidList('REQUESTER_IDS'),
  APPROVER_GROUP_ID: optionalGuid('APPROVER_GROUP_ID'),
  APPROVER_IDS: guidList('APPROVER_IDS'),
  APPROVALS_REQUIRED: intIn(1, 10, 1),
  ROLLBACK_APPROVER_GROUP_ID: optionalGuid('ROLLBACK_APPROVER_GROUP_ID'),
  ROLLBACK_APPROVER_IDS: guidList('ROLLBACK_APPROVER_IDS'),
  ROLLBACK_APPROVALS_REQUIRED: intIn(0, 10, 0),
  ROLLBACK_WATCH_INTERVAL: duration('5m', 10),
  ROLLBACK_WATCH_TIMEOUT: duration('24h', 1000),
  ADMIN_GROUP_ID: optionalGuid('ADMIN_GROUP_ID'),
  PROTECTED_GROUP_IDS: guidList('PROTECTED_GROUP_IDS'),
  ALLOWED_TARGET_GROUP_ID: optionalGuid('ALLOWED_TARGET_GROUP_ID'),
  ADMIN_IDS: guidList('ADMIN_IDS'),
  NOTIFY_CHANNEL_IDS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(/[,\s]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  NOTIFY_TRANSFERS: boolFlag,
  ALLOWED_TENANT_IDS: guidList('ALLOWED_TENANT_IDS'),
  APPROVAL_CHANNEL_ID: optionalText,
  DATABASE_URL: optionalText,
  APPROVAL_TTL: duration('24h', 60_000),
  AUDIT_LOOKUP_TIMEOUT: duration('15m', 1000),
  AUDIT_LOOKUP_FIRST_DELAY: duration('15s', 10),
  JOB_POLL_INTERVAL: duration('2s', 10),
  JOB_LEASE: duration('30s', 1000),
  MAX_USERS_PER_REQUEST: intIn(1, 1000, 50),
  ADMIN_MAX_USERS_PER_REQUEST: intIn(1, 100_000, 10_000),
  WAVES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const value = v && v.trim() ? v.trim() : '1,10%,rest';
      if (!parseWaves(value))
        ctx.addIssue({ code: 'custom', message: `expected waves such as "1,10%,rest" (counts, percentages, and "rest" last), got "${v}"` });
      return value;
    }),
  HALT_FAILURE_RATE: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const raw = v && v.trim() ? v.trim() : '5%';
      const n = raw.endsWith('%') ? Number(raw.slice(0, -1)) / 100 : Number(raw);
      if (!Number.isFinite(n) || n < 0 || n > 1) ctx.addIssue({ code: 'custom', message: `expected a rate such as 5% or 0.05, got "${v}"` });
      return Number.isFinite(n) ? n : 0.05;
    }),
  PUBLIC_BASE_URL: publicBaseUrl,
  FILE_LINK_SECRET: fileLinkSecret,
  FILE_LINK_TTL: duration('15m', 10_000, 24 * 3_600_000),
  FILE_DOWNLOAD_HOSTS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const entries = (v ?? '')
        .split(/[,\s]+/)
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean);
      for (const entry of entries) {
        const problem = downloadHostProblem(entry);
        if (problem) ctx.addIssue({ code: 'custom', message: `FILE_DOWNLOAD_HOSTS: ${problem}` });
      }
      return entries.length > 0 ? entries : [...DEFAULT_FILE_DOWNLOAD_HOSTS];
    }),
  FILE_DOWNLOAD_TIMEOUT: duration('20s', 100),
  MAX_BODY_BYTES: intIn(1024, 10_000_000, 262_144),
  // A person rarely types more than a command a second; a flood (a script, a stuck client) is slowed.
  RATE_LIMIT_PER_MINUTE: intIn(1, 100_000, 60),
  TAB_APP_ID: optionalGuid('TAB_APP_ID'),
  TAB_APP_ID_URI: optionalChecked((v) =>
    /^api:\/\/[^\s/]+(\/\S*)?$/i.test(v) ? null : `TAB_APP_ID_URI must be the tab app's Application ID URI (api://<fqdn>/<app id>), got "${v.slice(0, 100)}"`,
  ),
  TAB_AUTHORITY_HOST: optionalChecked((v) => {
    try {
      return new URL(v).protocol === 'https:'
        ? null
        : `TAB_AUTHORITY_HOST must be an https URL (the signing keys are fetched from it), got "${v.slice(0, 100)}"`;
    } catch {
      return `TAB_AUTHORITY_HOST is not a URL: "${v.slice(0, 100)}"`;
    }
  }),
  TAB_RATE_LIMIT_PER_MINUTE: intIn(1, 100_000, 120),
  // The rollback safeguard: switched by a Global Administrator through the bot (on-behalf-of) or by hand.
  SAFEGUARD_SWITCH: z.enum(['obo', 'manual']).optional().default('manual'),
  TAB_CLIENT_SECRET: optionalText,
  TEAMS_APP_ID: optionalGuid('TEAMS_APP_ID'),
  SAFEGUARD_REMINDER_INTERVAL: duration('1h', 1000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().default('info'),
});

export function loadConfig(env: Record<string, string | undefined>): Readonly<Config> {
  const parsed = schema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.join('.');
      problems.push(issue.message.startsWith(key) ? issue.message : `${key}: ${issue.message}`);
    }
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const approvalFlow = readApprovalFlow(env, problems);
  if (approvalFlow.escalateAfterMs !== null && approvalFlow.escalateAfterMs >= e.APPROVAL_TTL) {
    problems.push('ESCALATE_AFTER must be shorter than APPROVAL_TTL (a request expires before it would be escalated).');
  }
  const botPassword = e.BOT_PASSWORD ?? e.SECRET_BOT_PASSWORD;
  const graphSecret = e.GRAPH_CLIENT_SECRET ?? e.SECRET_GRAPH_CLIENT_SECRET;

  if (e.BOT_AUTH_DISABLED) {
    problems.push(
      ...authDisabledProblems({
        botCredentialSettings: [
          ...(['BOT_ID', 'BOT_PASSWORD', 'SECRET_BOT_PASSWORD', 'BOT_CERTIFICATE_THUMBPRINT', 'BOT_CERTIFICATE_PRIVATE_KEY_PATH'] as const).filter(
            (key) => e[key],
          ),
          ...(e.BOT_TYPE === 'UserAssignedMsi' ? ['BOT_TYPE=UserAssignedMsi'] : []),
        ],
        host: e.HOST,
        microsoftEndpoints: {
          GRAPH_BASE_URL: { url: e.GRAPH_BASE_URL, isDefault: !env.GRAPH_BASE_URL?.trim() },
          GRAPH_AUTHORITY_HOST: { url: e.GRAPH_AUTHORITY_HOST, isDefault: !env.GRAPH_AUTHORITY_HOST?.trim() },
        },
        graphManagedIdentity: e.GRAPH_USE_MANAGED_IDENTITY,
      }),
    );
  }
  if (!e.BOT_AUTH_DISABLED && !e.BOT_ID) {
    problems.push("BOT_ID is empty: set the bot's Microsoft app id (or BOT_AUTH_DISABLED=true for local development only).");
  }
  const botCertificate =
    e.BOT_CERTIFICATE_THUMBPRINT && e.BOT_CERTIFICATE_PRIVATE_KEY_PATH
      ? { thumbprint: e.BOT_CERTIFICATE_THUMBPRINT, privateKeyPath: e.BOT_CERTIFICATE_PRIVATE_KEY_PATH }
      : null;
  if (Boolean(e.BOT_CERTIFICATE_THUMBPRINT) !== Boolean(e.BOT_CERTIFICATE_PRIVATE_KEY_PATH)) {
    problems.push('BOT_CERTIFICATE_THUMBPRINT and BOT_CERTIFICATE_PRIVATE_KEY_PATH go together: set both or neither.');
  } else if (botCertificate && botPassword) {
    problems.push('Both BOT_PASSWORD and a bot certificate are set: keep one of them (the certificate is preferred).');
  }
  if (e.BOT_ID && e.BOT_TYPE !== 'UserAssignedMsi' && !botPassword && !botCertificate && !e.BOT_AUTH_DISABLED) {
    problems.push("BOT_PASSWORD is empty: set the bot's client secret (or a certificate with BOT_CERTIFICATE_THUMBPRINT, or BOT_TYPE=UserAssignedMsi).");
  }
  const botEndpoints = checkBotEndpoints(e, problems);
  if (e.BOT_TYPE !== 'MultiTenant' && e.BOT_ID && !e.BOT_TENANT_ID) {
    problems.push(`BOT_TENANT_ID is required when BOT_TYPE=${e.BOT_TYPE}.`);
  }
  if (!e.GRAPH_TENANT_ID) problems.push('GRAPH_TENANT_ID is empty: set the Entra tenant id whose users the bot manages.');
  if (!e.GRAPH_CLIENT_ID && !e.GRAPH_USE_MANAGED_IDENTITY) {
    problems.push("GRAPH_CLIENT_ID is empty: set the app registration (client) id of the bot's Graph identity.");
  }
  const credentialCount = [graphSecret, e.GRAPH_CERTIFICATE_PATH, e.GRAPH_USE_MANAGED_IDENTITY ? 'mi' : null].filter(Boolean).length;
  if (credentialCount === 0) {
    problems.push('No Graph credential: set GRAPH_CERTIFICATE_PATH (preferred), GRAPH_USE_MANAGED_IDENTITY=true, or GRAPH_CLIENT_SECRET.');
  } else if (credentialCount > 1) {
    problems.push('More than one Graph credential is set: keep exactly one of GRAPH_CERTIFICATE_PATH, GRAPH_USE_MANAGED_IDENTITY, GRAPH_CLIENT_SECRET.');
  }
  if (!e.APPROVER_GROUP_ID && e.APPROVER_IDS.length === 0) {
    problems.push('No approver configured: set APPROVER_GROUP_ID (an Entra group) or APPROVER_IDS (Entra object ids, comma-separated).');
  }
  if (e.JOB_LEASE > 10 * 60_000) {
    problems.push(`JOB_LEASE must be at most 10m (a dead instance's work waits that long before another takes it over), got "${env.JOB_LEASE}".`);
  }
  const tab = checkTab(e, problems);
  const safeguard = checkSafeguard(e, tab, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  const allowedTenantIds = e.ALLOWED_TENANT_IDS.length > 0 ? e.ALLOWED_TENANT_IDS : [e.GRAPH_TENANT_ID!.toLowerCase()];
  const config: Config = {
    port: e.PORT,
    host: e.HOST ?? '0.0.0.0',
    bot: {
      authDisabled: e.BOT_AUTH_DISABLED,
      appId: e.BOT_AUTH_DISABLED ? '' : e.BOT_ID!,
      appPassword: e.BOT_AUTH_DISABLED ? null : botPassword,
      appType: e.BOT_TYPE,
      tenantId: e.BOT_TENANT_ID,
      certificate: e.BOT_AUTH_DISABLED ? null : botCertificate,
      channelService: e.ChannelService,
      endpoints: botEndpoints,
    },
    graph: {
      tenantId: e.GRAPH_TENANT_ID!,
      clientId: e.GRAPH_CLIENT_ID ?? '',
      clientSecret: graphSecret,
      certificatePath: e.GRAPH_CERTIFICATE_PATH,
      managedIdentity: e.GRAPH_USE_MANAGED_IDENTITY,
      credentialKind: e.GRAPH_CERTIFICATE_PATH ? 'certificate' : e.GRAPH_USE_MANAGED_IDENTITY ? 'managed-identity' : 'client-secret',
      baseUrl: e.GRAPH_BASE_URL,
      authorityHost: e.GRAPH_AUTHORITY_HOST,
      apiVersion: e.GRAPH_API_VERSION,
      maxRetries: e.GRAPH_MAX_RETRIES,
      timeoutMs: e.GRAPH_TIMEOUT,
    },
    authorization: {
      requesterGroupId: e.REQUESTER_GROUP_ID?.toLowerCase() ?? null,
      requesterIds: e.REQUESTER_IDS,
      approverGroupId: e.APPROVER_GROUP_ID?.toLowerCase() ?? null,
      approverIds: e.APPROVER_IDS,
      approvalsRequired: e.APPROVALS_REQUIRED,
      allowedTenantIds,
      rollbackApproverGroupId:
        e.ROLLBACK_APPROVER_GROUP_ID?.toLowerCase() ?? (e.ROLLBACK_APPROVER_IDS.length > 0 ? null : (e.APPROVER_GROUP_ID?.toLowerCase() ?? null)),
      rollbackApproverIds: e.ROLLBACK_APPROVER_IDS.length > 0 || e.ROLLBACK_APPROVER_GROUP_ID ? e.ROLLBACK_APPROVER_IDS : e.APPROVER_IDS,
      // 0 (unset) means "the same quorum as transfers".
      rollbackApprovalsRequired: e.ROLLBACK_APPROVALS_REQUIRED || e.APPROVALS_REQUIRED,
      adminGroupId: e.ADMIN_GROUP_ID?.toLowerCase() ?? null,
      adminIds: e.ADMIN_IDS,
    },
    scope: { protectedGroupIds: e.PROTECTED_GROUP_IDS, allowedTargetGroupId: e.ALLOWED_TARGET_GROUP_ID?.toLowerCase() ?? null },
    rollback: { watchIntervalMs: e.ROLLBACK_WATCH_INTERVAL, watchTimeoutMs: e.ROLLBACK_WATCH_TIMEOUT },
    notify: { presetChannelIds: e.NOTIFY_CHANNEL_IDS, includeTransfers: e.NOTIFY_TRANSFERS },
    approvalChannelId: e.APPROVAL_CHANNEL_ID,
    databaseUrl: e.DATABASE_URL,
    approvalTtlMs: e.APPROVAL_TTL,
    auditLookupTimeoutMs: e.AUDIT_LOOKUP_TIMEOUT,
    auditLookupFirstDelayMs: e.AUDIT_LOOKUP_FIRST_DELAY,
    jobPollIntervalMs: e.JOB_POLL_INTERVAL,
    jobLeaseMs: e.JOB_LEASE,
    maxUsersPerRequest: e.MAX_USERS_PER_REQUEST,
    bulk: {
      adminMaxUsersPerRequest: Math.max(e.ADMIN_MAX_USERS_PER_REQUEST, e.MAX_USERS_PER_REQUEST),
      waves: e.WAVES,
      haltFailureRate: e.HALT_FAILURE_RATE,
      publicBaseUrl: e.PUBLIC_BASE_URL ? e.PUBLIC_BASE_URL.replace(/\/+$/, '') : null,
      fileLinkSecret: e.FILE_LINK_SECRET,
      fileLinkTtlMs: e.FILE_LINK_TTL,
    },
    fileDownload: { allowedHosts: e.FILE_DOWNLOAD_HOSTS, timeoutMs: e.FILE_DOWNLOAD_TIMEOUT },
    maxBodyBytes: e.MAX_BODY_BYTES,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    logLevel: e.LOG_LEVEL,
    tab,
    safeguard,
    approvalFlow,
  };
  return Object.freeze(config);
}

/**
 * SAFEGUARD_SWITCH=obo: the tab API's app registration exchanges a Global Administrator's SSO token for a
 * delegated Graph token (on-behalf-of), so it needs the tab (TAB_APP_ID), its client secret
 * (TAB_CLIENT_SECRET) and the Teams app id (TEAMS_APP_ID) for the card's link to the tab.
 */
function checkSafeguard(e: z.infer<typeof schema>, tab: TabConfig | null, problems: string[]): SafeguardConfig {
  if (e.SAFEGUARD_SWITCH === 'obo') {
    const missing = [!tab && 'TAB_APP_ID', !e.TAB_CLIENT_SECRET && 'TAB_CLIENT_SECRET', !e.TEAMS_APP_ID && 'TEAMS_APP_ID'].filter(Boolean);
    if (missing.length > 0)
      problems.push(
        `SAFEGUARD_SWITCH=obo needs ${missing.join(', ')}: the tab's app registration switches the safeguard on behalf of a Global Administrator. Set them, or use SAFEGUARD_SWITCH=manual.`,
      );
  }
  return {
    mode: e.SAFEGUARD_SWITCH,
    oboClientSecret: e.TAB_CLIENT_SECRET ?? null,
    teamsAppId: e.TEAMS_APP_ID?.toLowerCase() ?? null,
    reminderIntervalMs: e.SAFEGUARD_REMINDER_INTERVAL,
  };
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** TAB_*: all optional; the API is served only with TAB_APP_ID (the URI and authority are checked by the schema). */
function checkTab(e: z.infer<typeof schema>, problems: string[]): TabConfig | null {
  const uri = e.TAB_APP_ID_URI?.replace(/\/+$/, '') ?? null;
  if (uri !== null && !e.TAB_APP_ID) problems.push('TAB_APP_ID_URI is set but TAB_APP_ID is not: set the tab app registration id too.');
  const authorityHost = e.TAB_AUTHORITY_HOST ? e.TAB_AUTHORITY_HOST.replace(/\/+$/, '') : e.GRAPH_AUTHORITY_HOST;
  if (!e.TAB_APP_ID) return null;
  return { appId: e.TAB_APP_ID.toLowerCase(), appIdUri: uri, authorityHost, rateLimitPerMinute: e.TAB_RATE_LIMIT_PER_MINUTE };
}

/**
 * botbuilder's endpoint settings (sovereign clouds, local test issuers): none (built-in public cloud, or
 * US Government with ChannelService) or all of them. The key and login URLs must be https, except on
 * this machine (a local test issuer): keys fetched over plain http could be swapped by anyone on the path.
 */
function checkBotEndpoints(e: z.infer<typeof schema>, problems: string[]): BotFrameworkEndpoints | null {
  const set = BOT_ENDPOINT_KEYS.filter((key) => e[key]);
  if (set.length === 0) {
    if (e.ChannelService && e.ChannelService.replace(/\/+$/, '') !== US_GOV_CHANNEL_SERVICE) {
      problems.push(
        `ChannelService "${e.ChannelService}" has no built-in endpoints in botbuilder (only ${US_GOV_CHANNEL_SERVICE} for US Government). ` +
          `For another cloud (e.g. Azure China) set all of: ${BOT_ENDPOINT_KEYS.join(', ')}.`,
      );
    }
    return null;
  }
  if (set.length < BOT_ENDPOINT_KEYS.length) {
    const missing = BOT_ENDPOINT_KEYS.filter((key) => !e[key]);
    problems.push(
      `Bot Framework endpoints: ${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not. ` +
        'Setting one of them makes botbuilder drop all of its defaults: set all of them (for your cloud) or none.',
    );
    return null;
  }
  for (const key of ['ToBotFromChannelOpenIdMetadataUrl', 'ToBotFromEmulatorOpenIdMetadataUrl', 'ToChannelFromBotLoginUrl', 'OAuthUrl'] as const) {
    try {
      const url = new URL(e[key]!);
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
        problems.push(`${key} must be an https URL (http only on localhost), got "${e[key]}"`);
      }
    } catch {
      problems.push(`${key} is not a URL: "${e[key]}"`);
    }
  }
  return Object.fromEntries(BOT_ENDPOINT_KEYS.map((key) => [key, e[key]!])) as BotFrameworkEndpoints;
}

/** What start-up logs: no secrets, only whether they are set. */
export function redactedSummary(config: Config): Record<string, unknown> {
  return {
    port: config.port,
    botAuth: config.bot.authDisabled ? 'DISABLED (local development only)' : `${config.bot.appType} app ${config.bot.appId}`,
    botPasswordSet: Boolean(config.bot.appPassword),
    botCertificate: config.bot.certificate ? { thumbprint: config.bot.certificate.thumbprint } : null,
    botFrameworkEndpoints: config.bot.endpoints ?? (config.bot.channelService ? `built-in for ${config.bot.channelService}` : 'built-in (public cloud)'),
    rateLimitPerMinute: config.rateLimitPerMinute,
    safeguardSwitch: {
      mode: config.safeguard.mode,
      tabClientSecretSet: Boolean(config.safeguard.oboClientSecret),
      teamsAppId: config.safeguard.teamsAppId,
      reminderIntervalMs: config.safeguard.reminderIntervalMs,
    },
    tab: config.tab
      ? { appId: config.tab.appId, appIdUri: config.tab.appIdUri, authorityHost: config.tab.authorityHost, rateLimitPerMinute: config.tab.rateLimitPerMinute }
      : 'off',
    fileDownloadHosts: config.fileDownload.allowedHosts,
    graph: {
      tenantId: config.graph.tenantId,
      clientId: config.graph.clientId,
      credential: config.graph.credentialKind,
      baseUrl: config.graph.baseUrl,
      authorityHost: config.graph.authorityHost,
      apiVersion: config.graph.apiVersion,
    },
    requesters: { groupId: config.authorization.requesterGroupId, ids: config.authorization.requesterIds.length },
    approvers: { groupId: config.authorization.approverGroupId, ids: config.authorization.approverIds.length },
    approvalsRequired: config.authorization.approvalsRequired,
    allowedTenantIds: config.authorization.allowedTenantIds,
    approvalChannelId: config.approvalChannelId,
    database: config.databaseUrl ? redactDatabaseUrl(config.databaseUrl) : 'sqlite (default ./data/soa-bot.db)',
    approvalTtlMs: config.approvalTtlMs,
    auditLookupTimeoutMs: config.auditLookupTimeoutMs,
    jobLeaseMs: config.jobLeaseMs,
    approvalFlow: {
      stages: config.approvalFlow.stages?.map((s) => `${s.name}:${s.quorum}`) ?? 'single stage',
      rollbackStages: config.approvalFlow.rollbackStages?.map((s) => `${s.name}:${s.quorum}`) ?? 'single stage',
      reminderAfterMs: config.approvalFlow.reminderAfterMs,
      reminderEveryMs: config.approvalFlow.reminderEveryMs,
      quietHours: config.approvalFlow.quietHours,
      timeZone: config.approvalFlow.timeZone,
      escalateAfterMs: config.approvalFlow.escalateAfterMs,
      expiryWarningBeforeMs: config.approvalFlow.expiryWarningBeforeMs,
    },
  };
}
