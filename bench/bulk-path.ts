import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BulkDirectory } from '../src/ports/bulk-directory';
import type { Directory } from '../src/ports/directory';
import { sameDirectories } from '../src/ports/request-directories';
import { AppDeps, storeDeps } from '../src/app/app-deps';
import { Authorization } from '../src/app/authorization';
import { RefusalCounter } from '../src/app/refusal-counter';
import { FileLinks } from '../src/app/bulk/file-links';
import { checkTargets } from '../src/app/target-checks';
import { listFingerprint } from '../src/app/bulk/request-table';
import { executeWaves } from '../src/app/bulk/execute-waves';
import { openSqliteStorage } from '../src/adapters/storage';
import { silentLogger } from '../src/adapters/logging/pino-logger';
import { systemClock } from '../src/ports/clock';
import { randomIds } from '../src/adapters/system/random-ids';
import { SoaRequest } from '../src/domain/soa-request';
import { parseWaves, planWaves } from '../src/domain/waves';
import { SerialByKey } from '../src/app/serial-by-key';
import { roleSettings } from '../test/support/builders';

/**
 * "The bot's bulk path", measured with the bot's own code: the batched preflight (checkTargets) and
 * the wave executor (executeWaves) with its durable per-chunk intent and outcome records in SQLite,
 * exactly as the job runner calls them after an approval. Chat is a no-op (no Teams here).
 */
export interface BulkPathInput {
  bulk: BulkDirectory;
  directory: Directory;
  upns: string[];
}

export interface BulkPathResult {
  /** Seconds of the batched preflight (at request time) and of the approved execution (the wave). */
  preflightSeconds: number;
  executionSeconds: number;
  transferred: number;
  alreadyDone: number;
  skippedOrFailed: Map<string, number>;
}

export async function runBulkPath(input: BulkPathInput): Promise<BulkPathResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'soa-bench-'));
  const storage = openSqliteStorage({ path: path.join(dir, 'bench.db') });
  const deps: AppDeps = {
    ...storeDeps(storage),
    roster: { member: async () => null },
    identity: { check: async () => ({ tokenObtained: true, error: null, credentialKind: 'client-secret', roles: [], certificateNotAfter: null }) },
    directory: input.directory,
    bulk: input.bulk,
    directories: sameDirectories({ directory: input.directory, bulk: input.bulk }),
    fileLinks: new FileLinks({ baseUrl: null, secret: null, ttlMs: 60_000, now: () => new Date() }),
    chat: { post: async () => 'x', update: async () => undefined, startThread: async () => ({ activityId: 'x', threadKey: 'x' }) },
    clock: systemClock,
    ids: randomIds,
    logger: silentLogger,
    refusals: new RefusalCounter(systemClock, silentLogger),
    authorization: new Authorization(roleSettings(), input.directory, systemClock),
    settings: {
      approvalsRequired: 1,
      approvalTtlMs: 86_400_000,
      approvalChannelId: null,
      graphApiVersion: 'v1.0',
      auditLookupTimeoutMs: 60_000,
      auditLookupFirstDelayMs: 1_000,
      maxUsersPerRequest: 50,
      rollbackApprovalsRequired: 1,
      rollbackWatchIntervalMs: 60_000,
      rollbackWatchTimeoutMs: 60_000,
      notifyTransfers: false,
      notifyChannelIds: [],
      tenantId: 'bench',
      protectedGroupIds: [],
      allowedTargetGroupId: null,
      bulkMinUsers: 20,
      adminMaxUsersPerRequest: 100_000,
      waves: '1,10%,rest',
      haltFailureRate: 0.05,
      patchSettleMs: 32_000,
    },
    cardRefreshes: new SerialByKey(),
    kickJobs: () => undefined,
  };
  try {
    const t0 = performance.now();
    const results = await checkTargets(deps, input.bulk, 'transfer', input.upns);
    const preflightSeconds = (performance.now() - t0) / 1000;
    const eligible = results.filter((r) => r.eligible);
    const now = new Date().toISOString();
    const request: SoaRequest = {
      id: 'SOA-BENCH1',
      kind: 'transfer',
      status: 'executing',
      version: 1,
      cardVersion: 1,
      requester: { aadObjectId: 'bench', name: 'Bench' },
      justification: 'benchmark',
      createdAt: now,
      expiresAt: now,
      approvalsRequired: 1,
      decisions: [],
      blocked: results.filter((r) => !r.eligible),
      origin: { conversationKey: 'x', kind: 'channel' },
      cards: [],
      graphApiVersion: 'v1.0',
      correlationId: 'bench',
      targets: eligible.map((preflight) => ({ preflight, execution: { outcome: 'pending' }, audit: { status: 'not-started' } })),
      bulk: {
        waves: planWaves(parseWaves('1,10%,rest')!, eligible.length),
        nextWave: 0,
        haltFailureRate: 0.05,
        haltedReason: null,
        fingerprint: listFingerprint(eligible.map((e) => e.userId!)),
        source: 'benchmark',
      },
    };
    await deps.requests.create(request, { requestId: request.id, at: now, type: 'request.created', data: {} });
    const t1 = performance.now();
    const run = await executeWaves(deps, input.bulk, request);
    const executionSeconds = (performance.now() - t1) / 1000;
    const out: BulkPathResult = { preflightSeconds, executionSeconds, transferred: 0, alreadyDone: 0, skippedOrFailed: new Map() };
    const fail = (reason: string) => out.skippedOrFailed.set(reason, (out.skippedOrFailed.get(reason) ?? 0) + 1);
    for (const r of results) if (!r.eligible) fail(r.blocker ?? 'blocked');
    if (run.outcome !== 'finished') fail(`execution ${run.outcome}`);
    for (const t of run.request.targets) {
      if (t.execution.outcome === 'done') out.transferred++;
      else if (t.execution.outcome === 'already-done') out.alreadyDone++;
      else fail(t.execution.errorCode ?? t.execution.outcome);
    }
    return out;
  } finally {
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Graph cost per user: preflight (GET user, GET SOA), execution (GET user, GET SOA, PATCH, GET SOA). */
export const BULK_PATH_COST_PER_USER = { resourceUnits: 6, writes: 1 } as const;
/** The approved execution alone (re-read, PATCH, read back). */
export const EXECUTION_COST_PER_USER = { resourceUnits: 4, writes: 1 } as const;
