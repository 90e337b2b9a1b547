import { AppDeps, AppSettings, storeDeps } from '../../src/app/app-deps';
import { Authorization, RoleSettings } from '../../src/app/authorization';
import { FileLinks } from '../../src/app/bulk/file-links';
import { RefusalCounter } from '../../src/app/refusal-counter';
import { SerialByKey } from '../../src/app/serial-by-key';
import { JobRunner, JobRunnerOptions } from '../../src/app/job-runner';
import { silentLogger } from '../../src/adapters/logging/pino-logger';
import { SqliteStorage, openMemoryStorage } from '../../src/adapters/storage';
import { RequestKind, SoaRequest } from '../../src/domain/soa-request';
import { Ids } from '../../src/ports/ids';
import { sameDirectories } from '../../src/ports/request-directories';
import { RequestEvent } from '../../src/ports/request-store';
import { aPerson, aPreflightResult, aTarget, aRequest, roleSettings } from './builders';
import { FakeTenant } from './fake-tenant';
import { RecordingChat } from './recording-chat';
import { VirtualClock } from './virtual-clock';

/** The people of the fake tenant's roles (Entra object ids, lower case as configured). */
export const PEOPLE = {
  requester: aPerson({ aadObjectId: 'aaaaaaaa-0000-4000-8000-0000000000a1', name: 'Rita Requester', mri: '29:rita' }),
  approver: aPerson({ aadObjectId: 'bbbbbbbb-0000-4000-8000-0000000000b1', name: 'Avery Approver', mri: '29:avery' }),
  approver2: aPerson({ aadObjectId: 'bbbbbbbb-0000-4000-8000-0000000000b2', name: 'Blake Approver', mri: '29:blake' }),
  rollbackApprover: aPerson({ aadObjectId: 'cccccccc-0000-4000-8000-0000000000c1', name: 'Casey Rollback', mri: '29:casey' }),
  admin: aPerson({ aadObjectId: 'dddddddd-0000-4000-8000-0000000000d1', name: 'Dana Admin', mri: '29:dana' }),
  bystander: aPerson({ aadObjectId: 'eeeeeeee-0000-4000-8000-0000000000e1', name: 'Eli Bystander', mri: '29:eli' }),
};

export const ORIGIN = { conversationKey: 'personal:29:rita', kind: 'personal' as const };
export const APPROVAL_CARD = { role: 'approval' as const, conversationKey: 'channel:19:approvals@thread.tacv2', activityId: 'card-1' };

export const DEFAULT_SETTINGS: AppSettings = {
  approvalsRequired: 1,
  approvalTtlMs: 24 * 3_600_000,
  approvalChannelId: null,
  graphApiVersion: 'beta',
  auditLookupTimeoutMs: 30 * 60_000,
  auditLookupFirstDelayMs: 30_000,
  maxUsersPerRequest: 20,
  rollbackApprovalsRequired: 1,
  rollbackWatchIntervalMs: 60_000,
  rollbackWatchTimeoutMs: 3 * 3_600_000,
  notifyTransfers: true,
  notifyChannelIds: [],
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  protectedGroupIds: [],
  allowedTargetGroupId: null,
  bulkMinUsers: 20,
  adminMaxUsersPerRequest: 10_000,
  waves: '1%,10%,100%',
  haltFailureRate: 0.05,
  // GRAPH_TIMEOUT 30 s plus the composition root's 2 s margin.
  patchSettleMs: 32_000,
};

/** One running bot process over durable state shared with its successors (see restart()). */
export interface FakeWorld {
  deps: AppDeps;
  storage: SqliteStorage;
  tenant: FakeTenant;
  chat: RecordingChat;
  clock: VirtualClock;
  /** How often a use case asked the job runner to look at the queue. */
  kicks: () => number;
  /** A job runner for this process (not started: tests call runDue(), or start() it themselves). */
  runner(options?: { leaseMs?: number } & JobRunnerOptions): JobRunner;
}

export interface FakeOptions {
  settings?: Partial<AppSettings>;
  roles?: Partial<RoleSettings>;
  /** Wire the batching directory (as production does); otherwise bulk requests use single calls. */
  batching?: boolean;
}

const ROLES: RoleSettings = roleSettings({
  requesterIds: [PEOPLE.requester.aadObjectId],
  approverIds: [PEOPLE.approver.aadObjectId, PEOPLE.approver2.aadObjectId],
  rollbackApproverIds: [PEOPLE.rollbackApprover.aadObjectId],
  adminIds: [PEOPLE.admin.aadObjectId],
});

/**
 * AppDeps as the composition root wires them, with stand-ins that answer in microseconds: the
 * stores on SQLite in memory (the production store code), the fake tenant behind both directory ports, a recording chat, Authorization by
 * configured ids, a silent logger and a virtual clock.
 */
export function fakeDeps(options: FakeOptions = {}): FakeWorld {
  const clock = new VirtualClock();
  let seq = 0;
  const storage = openMemoryStorage({ clock, newId: () => `id-${++seq}` });
  return world({ clock, storage, tenant: new FakeTenant(clock), chat: new RecordingChat() }, options);
}

/**
 * The next process after a crash or a restart: the same database, tenant, Teams and time, and nothing
 * else (caches, card queues, the runner and anything still running in the old process are gone).
 */
export function restart(previous: FakeWorld, options: FakeOptions = {}): FakeWorld {
  // Same configuration as before unless the test says otherwise.
  const settings = { ...previous.deps.settings, ...options.settings };
  return world({ clock: previous.clock, storage: previous.storage, tenant: previous.tenant, chat: previous.chat }, { ...options, settings });
}

let instances = 0;

function world(shared: Pick<FakeWorld, 'clock' | 'storage' | 'tenant' | 'chat'>, options: FakeOptions): FakeWorld {
  const { clock, storage, tenant, chat } = shared;
  let kicks = 0;
  let seq = 0;
  const instance = ++instances;
  const ids: Ids = { requestId: () => `R-${instance}-${++seq}`, uuid: () => `uuid-${instance}-${++seq}` };
  const deps: AppDeps = {
    ...storeDeps(storage),
    // Nobody is found in a roster: approvers are reached through the people the bot has met.
    roster: { member: async () => null },
    identity: {
      check: async () => ({
        tokenObtained: true,
        error: null,
        credentialKind: 'certificate',
        roles: ['User-OnPremisesSyncBehavior.ReadWrite.All'],
        certificateNotAfter: null,
      }),
    },
    directory: tenant.directory,
    bulk: options.batching === false ? null : tenant.bulk,
    directories: sameDirectories({ directory: tenant.directory, bulk: options.batching === false ? null : tenant.bulk }),
    fileLinks: new FileLinks({ baseUrl: null, secret: 'unit-test-secret', ttlMs: 600_000, now: () => clock.now() }),
    chat,
    clock,
    ids,
    logger: silentLogger,
    authorization: new Authorization({ ...ROLES, ...options.roles }, tenant.directory, clock),
    refusals: new RefusalCounter(clock, silentLogger),
    settings: { ...DEFAULT_SETTINGS, ...options.settings },
    cardRefreshes: new SerialByKey(),
    kickJobs: () => {
      kicks++;
    },
  };
  return {
    deps,
    storage,
    tenant,
    chat,
    clock,
    kicks: () => kicks,
    runner: (o = {}) => new JobRunner(deps, 60_000, o.leaseMs ?? 30_000, { owner: `instance-${instance}`, ...o }),
  };
}

/**
 * A request for users of the fake tenant (by id), stored as `status` (default approved) with its
 * creation event. Ids are the users' object ids; UPNs come from the tenant.
 */
export async function storeRequest(w: FakeWorld, userIds: string[], overrides: Partial<SoaRequest> & { kind?: RequestKind } = {}): Promise<SoaRequest> {
  const targets = await Promise.all(
    userIds.map(async (id) => {
      const user = await w.tenant.directory.getUser(id);
      if (!user) throw new Error(`no user ${id} in the fake tenant`);
      return aTarget({ preflight: aPreflightResult({ upn: user.userPrincipalName, userId: user.id, displayName: user.displayName }) });
    }),
  );
  const request = aRequest({
    id: 'R-TEST',
    status: 'approved',
    requester: PEOPLE.requester,
    createdAt: w.clock.iso(),
    expiresAt: w.clock.iso(DEFAULT_SETTINGS.approvalTtlMs),
    targets,
    blocked: [],
    origin: ORIGIN,
    cards: [APPROVAL_CARD],
    correlationId: 'corr-1',
    ...overrides,
  });
  await w.deps.requests.create(request, {
    requestId: request.id,
    at: w.clock.iso(),
    type: 'request.created',
    actorId: PEOPLE.requester.aadObjectId,
    data: { targets: targets.length },
  });
  // The directory reads made to build it are not part of what the test watches.
  w.tenant.calls.length = 0;
  return request;
}

/** `n` synced users u001..u00n in the tenant; returns their ids. */
export function addUsers(w: FakeWorld, n: number, prefix = 'u'): string[] {
  return Array.from({ length: n }, (_, i) => {
    const id = `${prefix}${String(i + 1).padStart(3, '0')}`;
    w.tenant.addUser(id, `${id}@contoso.com`);
    return id;
  });
}

/** Event types of a request, in order (the durable evidence). */
export async function eventTypes(w: FakeWorld, requestId = 'R-TEST'): Promise<string[]> {
  return (await w.deps.requests.events(requestId)).map((e) => e.type);
}

export async function eventsOf(w: FakeWorld, type: string, requestId = 'R-TEST'): Promise<RequestEvent[]> {
  return (await w.deps.requests.events(requestId)).filter((e) => e.type === type);
}

/** Each user's outcome, by user id. */
export async function outcomes(w: FakeWorld, requestId = 'R-TEST'): Promise<Record<string, string>> {
  const request = await w.deps.requests.get(requestId);
  return Object.fromEntries(request!.targets.map((t) => [t.preflight.userId!, t.execution.outcome]));
}

/** How many PATCHes each user received, by user id (users never patched are listed with 0). */
export function patchCounts(w: FakeWorld, userIds: string[]): Record<string, number> {
  return Object.fromEntries(userIds.map((id) => [id, w.tenant.patches(id).length]));
}

/** Lets pending promise callbacks (fire-and-forget card refreshes, notifications) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
