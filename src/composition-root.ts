import { Config } from './config-types';
import { AppDeps, storeDeps } from './app/app-deps';
import { Authorization } from './app/authorization';
import { requestRecordCallLog } from './app/request-call-log';
import { JobRunner } from './app/job-runner';
import { applyNotifySettings } from './app/manage-notifications';
import { ensureExpiryJobs } from './app/expire-request';
import { ensureReminderJobs } from './app/remind-approvers';
import { StartupCheck } from './app/self-check';
import { ReadinessMonitor } from './app/readiness-monitor';
import { RefusalCounter } from './app/refusal-counter';
import { createGraphDirectory, OboSafeguardSwitch } from './adapters/graph';
import { createHttpServer } from './adapters/http/http-server';
import { randomIds } from './adapters/system/random-ids';
import { processInstance } from './adapters/system/process-instance';
import { createBotAdapter } from './adapters/teams/bot-adapter-factory';
import { createBotRequestHandler } from './adapters/teams/bot-request-handler';
import { UserRateLimiter } from './adapters/teams/user-rate-limiter';
import { SoaBot } from './adapters/teams/soa-bot';
import { HttpsFileDownloader } from './adapters/files/https-file-downloader';
import { TeamsChat } from './adapters/teams/teams-chat';
import { TeamsRoster } from './adapters/teams/teams-roster';
import { Storage, createPostgresStorage, openSqliteStorage, parseDatabaseUrl, describeDatabaseLocation } from './adapters/storage';
import { Clock, systemClock } from './ports/clock';
import { Directory } from './ports/directory';
import { RequestDirectories, sameDirectories } from './ports/request-directories';
import { Ids } from './ports/ids';
import { IdentityCheck } from './ports/identity-check';
import { BulkDirectory } from './ports/bulk-directory';
import { FileLinks } from './app/bulk/file-links';
import { downloadTable } from './app/bulk/download-table';
import { Logger } from './ports/logger';
import { Instance } from './ports/instance';
import { UserTokenVerifier } from './ports/user-token-verifier';
import { SafeguardSwitch } from './ports/safeguard-switch';
import { EntraUserTokenVerifier } from './adapters/entra/entra-user-token-verifier';
import { createTabService } from './app/tab/tab-service';
import { SerialByKey } from './app/serial-by-key';

export interface Overrides {
  clock?: Clock;
  ids?: Ids;
  directory?: Directory;
  bulk?: BulkDirectory;
  identity?: IdentityCheck;
  storage?: Storage;
  /** Passed to @azure/identity (tests use { maxRetries: 0 }). */
  credentialRetryOptions?: { maxRetries?: number };
  graphRetryDelaySeconds?: number;
  /** The safeguard switch (default: OboSafeguardSwitch when SAFEGUARD_SWITCH=obo). */
  safeguardSwitch?: SafeguardSwitch;
  /** The tab API's token check (default: EntraUserTokenVerifier from the TAB_* settings). */
  tabVerifier?: UserTokenVerifier;
  /** Where the built tab is (default: dist/tab/, tab-static.ts defaultTabDir). */
  tabStaticDir?: string;
  /** This process as a job lease owner (tests give two apps in one process different pids). */
  instance?: Instance;
}

/** What start() did: for the one start-up log line. */
export interface StartReport {
  port: number;
  /** From the call to start() until the port listens (the self-check runs after, in the background). */
  startupMs: number;
  /** Leases of a predecessor on this host that died holding them: its jobs resume now. */
  reclaimedLeases: number;
  /** Requests approved or executing at start: their execution resumes (or waits for a live lease). */
  resumedRequests: string[];
}

/** What stop() did: for the one shutdown log line. */
export interface StopReport {
  shutdownMs: number;
  releasedLeases: number;
  /** The job that was running when the drain began (finished or stopped before its next write). */
  interrupted: { jobId: string; kind: string; requestId: string } | null;
}

export interface ComposedApp {
  deps: AppDeps;
  runner: JobRunner;
  readiness: ReadinessMonitor;
  start(): Promise<StartReport>;
  stop(): Promise<StopReport>;
}

/** The one place that builds adapters and wires them together. */
export function compose(config: Config, logger: Logger, overrides: Overrides = {}): ComposedApp {
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? randomIds;
  const opened = overrides.storage ? { storage: overrides.storage, ready: Promise.resolve() } : openStorage(config, clock, logger);
  const storage = opened.storage;

  let directory = overrides.directory;
  let bulk: BulkDirectory | null = overrides.bulk ?? null;
  let directories: RequestDirectories | null = null;
  let identity: IdentityCheck = overrides.identity ?? {
    check: async () => ({ tokenObtained: true, error: null, credentialKind: config.graph.credentialKind, roles: [], certificateNotAfter: null }),
  };
  if (!directory) {
    const created = createGraphDirectory({
      tenantId: config.graph.tenantId,
      clientId: config.graph.clientId,
      clientSecret: config.graph.credentialKind === 'client-secret' ? (config.graph.clientSecret ?? undefined) : undefined,
      certificatePath: config.graph.credentialKind === 'certificate' ? (config.graph.certificatePath ?? undefined) : undefined,
      managedIdentity: config.graph.credentialKind === 'managed-identity' ? { clientId: config.graph.clientId || undefined } : undefined,
      authorityHost: config.graph.authorityHost,
      retryOptions: overrides.credentialRetryOptions,
      graphBaseUrl: config.graph.baseUrl,
      apiVersion: config.graph.apiVersion,
      maxRetries: config.graph.maxRetries,
      retryDelaySeconds: overrides.graphRetryDelaySeconds,
      timeoutMs: config.graph.timeoutMs,
      logger: logger.child({ component: 'graph' }),
      callLog: requestRecordCallLog(storage.requests),
      clock,
    });
    if (created.credentialKind === 'client-secret') {
      logger.warn({}, 'Graph uses a client secret. Prefer a certificate (GRAPH_CERTIFICATE_PATH) or a managed identity in production.');
    }
    directory = created.directory;
    identity = overrides.identity ?? created.identityCheck;
    bulk = overrides.bulk ?? created.bulkDirectory;
    // A bulk directory given by a test is not Graph's: then nothing is filed, as for a given directory.
    directories = overrides.bulk ? null : created.directories;
  }

  const adapter = createBotAdapter(
    {
      appId: config.bot.appId,
      appPassword: config.bot.appPassword,
      appType: config.bot.appType,
      tenantId: config.bot.tenantId,
      certificate: config.bot.certificate,
      channelService: config.bot.channelService,
      endpoints: config.bot.endpoints,
    },
    logger.child({ component: 'bot-adapter' }),
  );
  const chat = new TeamsChat(adapter, config.bot.appId, storage.conversations, logger.child({ component: 'teams-chat' }), clock);
  const flow = config.approvalFlow;
  const flowGroupIds = [...(flow.stages ?? []), ...(flow.rollbackStages ?? [])]
    .map((s) => s.groupId)
    .concat(flow.escalationGroupId)
    .filter((g): g is string => Boolean(g));
  const authorization = new Authorization({ ...config.authorization, extraGroupIds: flowGroupIds }, directory, clock);

  let runner: JobRunner | null = null;
  const startupCheck = new StartupCheck();
  const deps: AppDeps = {
    startupCheck,
    ...storeDeps(storage),
    roster: new TeamsRoster(adapter, config.bot.appId, storage.conversations),
    bulk,
    fileLinks: new FileLinks({
      baseUrl: config.bulk.publicBaseUrl,
      secret: config.bulk.fileLinkSecret,
      ttlMs: config.bulk.fileLinkTtlMs,
      now: () => clock.now(),
    }),
    identity,
    directory,
    directories: directories ?? sameDirectories({ directory, bulk }),
    chat,
    clock,
    ids,
    logger,
    authorization,
    refusals: new RefusalCounter(clock, logger.child({ component: 'refusals' })),
    settings: {
      approvalsRequired: config.authorization.approvalsRequired,
      approvalTtlMs: config.approvalTtlMs,
      approvalChannelId: config.approvalChannelId,
      graphApiVersion: config.graph.apiVersion,
      auditLookupTimeoutMs: config.auditLookupTimeoutMs,
      auditLookupFirstDelayMs: config.auditLookupFirstDelayMs,
      maxUsersPerRequest: config.maxUsersPerRequest,
      rollbackApprovalsRequired: config.authorization.rollbackApprovalsRequired,
      rollbackWatchIntervalMs: config.rollback.watchIntervalMs,
      rollbackWatchTimeoutMs: config.rollback.watchTimeoutMs,
      notifyTransfers: config.notify.includeTransfers,
      notifyChannelIds: config.notify.presetChannelIds,
      tenantId: config.graph.tenantId,
      protectedGroupIds: config.scope.protectedGroupIds,
      allowedTargetGroupId: config.scope.allowedTargetGroupId,
      bulkMinUsers: 20,
      adminMaxUsersPerRequest: config.bulk.adminMaxUsersPerRequest,
      waves: config.bulk.waves,
      haltFailureRate: config.bulk.haltFailureRate,
      patchSettleMs: config.graph.timeoutMs + 2_000,
      safeguard: { mode: config.safeguard.mode, teamsAppId: config.safeguard.teamsAppId, reminderIntervalMs: config.safeguard.reminderIntervalMs },
      approvalFlow: config.approvalFlow,
    },
    safeguardSwitch:
      overrides.safeguardSwitch ??
      (config.safeguard.mode === 'obo' && config.tab && config.safeguard.oboClientSecret
        ? new OboSafeguardSwitch({
            tenantId: config.graph.tenantId,
            clientId: config.tab.appId,
            clientSecret: config.safeguard.oboClientSecret,
            authorityHost: config.graph.authorityHost,
            graphBaseUrl: config.graph.baseUrl,
            timeoutMs: config.graph.timeoutMs,
            logger: logger.child({ component: 'safeguard-switch' }),
          })
        : null),
    cardRefreshes: new SerialByKey(),
    kickJobs: () => runner?.kick(),
  };
  const instance = overrides.instance ?? processInstance();
  runner = new JobRunner(deps, config.jobPollIntervalMs, config.jobLeaseMs, { owner: instance.id });
  const monitor = new ReadinessMonitor(
    { requests: storage.requests, logger: logger.child({ component: 'readiness' }) },
    { checkEveryMs: 5_000, timeoutMs: 800 },
  );
  const files = new HttpsFileDownloader({ ...config.fileDownload, logger: logger.child({ component: 'file-download' }) });
  const bot = new SoaBot(deps, { allowedTenantIds: config.authorization.allowedTenantIds, files });
  const handleBotRequest = createBotRequestHandler({
    adapter,
    bot,
    logger: logger.child({ component: 'inbound' }),
    rateLimiter: new UserRateLimiter({ limit: config.rateLimitPerMinute, windowMs: 60_000, clock }),
    allowedTenantIds: config.authorization.allowedTenantIds,
  });
  const tabApi = config.tab
    ? {
        service: createTabService(deps),
        verifier:
          overrides.tabVerifier ??
          new EntraUserTokenVerifier({
            tenantId: config.graph.tenantId,
            appId: config.tab.appId,
            appIdUri: config.tab.appIdUri,
            authorityHost: config.tab.authorityHost,
            logger: logger.child({ component: 'tab-auth' }),
          }),
        limiter: new UserRateLimiter({ limit: config.tab.rateLimitPerMinute, windowMs: 60_000, clock }),
        logger: logger.child({ component: 'tab-api' }),
      }
    : undefined;
  const http = createHttpServer(
    handleBotRequest,
    {
      port: config.port,
      host: config.host,
      maxBodyBytes: config.maxBodyBytes,
      readiness: async () => monitor.current(),
      download: (token) => downloadTable(deps, token),
      tabApi,
      // The tab's page is served with its API: both exist only when a tab app registration is configured.
      tabStatic: config.tab ? { dir: overrides.tabStaticDir } : undefined,
    },
    logger.child({ component: 'http' }),
  );

  return {
    deps,
    runner,
    readiness: monitor,
    async start() {
      const started = performance.now();
      await opened.ready;
      await applyNotifySettings(deps);
      await ensureExpiryJobs(deps);
      await ensureReminderJobs(deps);
      await monitor.check();
      monitor.start();
      // Listen as soon as the database is ready: probes answer from here on. Graph is not needed to serve.
      const address = await http.listen();
      const reclaimed = await runner!.reclaimOrphans((owner) => instance.isGone(owner));
      const resumed = await storage.requests.listByStatus(['approved', 'executing'], 100);
      runner!.start();
      // The self-check asks Entra and Graph: in the background, reported through the log and `health`.
      void startupCheck.run(deps);
      return {
        port: address.port,
        startupMs: Math.round(performance.now() - started),
        reclaimedLeases: reclaimed.reduce((n, r) => n + r.jobs, 0),
        resumedRequests: resumed.map((r) => r.id),
      };
    },
    async stop() {
      const started = performance.now();
      monitor.drain();
      // While the jobs drain, /readyz says 503 and requests in flight are still answered.
      const drained = await runner!.stop();
      await http.close();
      monitor.stop();
      await storage.close();
      return { shutdownMs: Math.round(performance.now() - started), releasedLeases: drained.released, interrupted: drained.interrupted };
    },
  };
}

/** Start-up self-check: logged, never fatal and never awaited (Graph or Entra may be slow or down at start). */
/**
 * Both databases migrate in the background: the stores wait for that, and start() awaits `ready`, so an
 * unreachable or too-new database fails the start-up.
 */
function openStorage(config: Config, clock: Clock, logger: Logger): { storage: Storage; ready: Promise<void> } {
  const location = parseDatabaseUrl(config.databaseUrl ?? undefined);
  logger.info({ database: describeDatabaseLocation(location) }, 'opening the database');
  if (location.kind === 'postgres') {
    const storage = createPostgresStorage({
      url: location.url,
      clock,
      onPoolError: (error) => logger.warn({ err: { message: error.message } }, 'an idle PostgreSQL connection failed; the pool replaces it'),
    });
    return { storage, ready: storage.ready };
  }
  const storage = openSqliteStorage({ path: location.path, clock });
  return { storage, ready: storage.ready };
}
