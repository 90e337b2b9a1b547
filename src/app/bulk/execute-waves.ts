import { RequestTarget, TargetExecution, TransferRequest } from '../../domain/transfer-request';
import { shouldHalt } from '../../domain/waves';
import { BulkDirectory, BulkResult } from '../../ports/bulk-directory';
import { DirectoryError } from '../../ports/directory';
import { AppDeps } from '../app-deps';
import { refreshCards } from '../card-publisher';
import { describeError } from '../messages';
import { notifyRequestEvent } from '../notify';
import { failedExecution } from '../execution-failure';
import { mayStillLand } from '../../domain/patch-settle';
import { frozenState } from '../freeze';

const CHUNK = 500;
const CHUNKS_IN_FLIGHT = 3;
const CARD_UPDATE_EVERY_MS = 5_000;
const UNFINISHED = new Set(['pending', 'in-progress', 'unknown']);

export type WaveRun = { request: TransferRequest; outcome: 'finished' | 'halted' | 'held' };

/**
 * Executes a large transfer wave by wave, in chunks through Graph batching: re-read the chunk, store
 * the intent, PATCH, read back, store the outcomes. After each wave the failure rate decides whether
 * to continue or halt for an approver. Per-user state is durable at every chunk, so a restart picks
 * up where it stopped and never patches anyone twice blindly.
 */
export async function executeWaves(deps: AppDeps, bulk: BulkDirectory, start: TransferRequest): Promise<WaveRun> {
  let request = start;
  const plan = request.bulk!;
  let lastCardUpdate = 0;
  const protectedIds = await protectedMembers(deps, bulk);
  while (request.bulk!.nextWave < plan.waves.length) {
    if (await frozenState(deps)) return { request, outcome: 'held' };
    const waveIndex = request.bulk!.nextWave;
    const from = plan.waves.slice(0, waveIndex).reduce((a, b) => a + b, 0);
    const to = from + plan.waves[waveIndex];
    const chunks: number[][] = [];
    for (let i = from; i < to; i += CHUNK) {
      const indexes = range(i, Math.min(i + CHUNK, to)).filter((k) => UNFINISHED.has(request.targets[k].execution.outcome));
      if (indexes.length > 0) chunks.push(indexes);
    }
    // Several chunks in flight (their Graph calls overlap); their saves go one at a time onto the
    // latest stored request, each touching only its own users.
    let saving: Promise<unknown> = Promise.resolve();
    const apply = (patch: Map<number, Partial<TargetExecution>>, type: string, data: Record<string, unknown>) => {
      const run = saving.then(async () => {
        request = await save(deps, request, patch, type, data);
        if (Date.now() - lastCardUpdate > CARD_UPDATE_EVERY_MS) {
          lastCardUpdate = Date.now();
          void refreshCards(deps, request);
        }
      });
      saving = run.catch(() => undefined);
      return run;
    };
    let cursor = 0;
    const worker = async () => {
      while (cursor < chunks.length) await runChunk(deps, bulk, request, chunks[cursor++], protectedIds, apply);
    };
    await Promise.all(Array.from({ length: Math.min(CHUNKS_IN_FLIGHT, chunks.length) }, worker));
    const wave = request.targets.slice(from, to);
    // A PATCH from before a crash may still land for some users: finish this wave later, not now.
    if (wave.some((t) => t.execution.outcome === 'in-progress')) return { request, outcome: 'held' };
    const failed = wave.filter((t) => t.execution.outcome === 'failed' || t.execution.outcome === 'unknown').length;
    const nextWave = waveIndex + 1;
    const halt = nextWave < plan.waves.length && shouldHalt({ attempted: wave.length, failed }, plan.haltFailureRate);
    const haltedReason = halt
      ? `Halted after wave ${nextWave} of ${plan.waves.length}: ${failed} of ${wave.length} users failed (${Math.round((failed / wave.length) * 1000) / 10}%), above the ${Math.round(plan.haltFailureRate * 1000) / 10}% limit. Check the failures, then Resume or Cancel the rest.`
      : null;
    const next: TransferRequest = {
      ...request,
      status: halt ? 'halted' : request.status,
      cardVersion: request.cardVersion + 1,
      bulk: { ...request.bulk!, nextWave, haltedReason },
      version: request.version + 1,
    };
    await deps.requests.update(
      next,
      request.version,
      [{ requestId: request.id, at: deps.clock.now().toISOString(), type: halt ? 'wave.halted' : 'wave.finished', data: { wave: nextWave, size: wave.length, failed } }],
      { changedTargets: [] },
    );
    request = next;
    if (halt) {
      deps.logger.warn({ requestId: request.id, wave: nextWave, failed, size: wave.length }, 'bulk execution halted');
      await refreshCards(deps, request);
      await deps.chat.post(request.origin.conversationKey, { text: `${request.id}: ${haltedReason}` }).catch(() => undefined);
      await notifyRequestEvent(deps, request, 'halted');
      return { request, outcome: 'halted' };
    }
  }
  return { request, outcome: 'finished' };
}

type Apply = (patch: Map<number, Partial<TargetExecution>>, type: string, data: Record<string, unknown>) => Promise<void>;

/** One chunk: re-read, intent, PATCH, read back. `snapshot` is only read for this chunk's own users. */
async function runChunk(deps: AppDeps, bulk: BulkDirectory, snapshot: TransferRequest, indexes: number[], protectedIds: Set<string>, apply: Apply): Promise<void> {
  const request = snapshot;
  const now = () => deps.clock.now().toISOString();
  const ids = indexes.map((k) => request.targets[k].preflight.userId!);
  const patch = new Map<number, Partial<TargetExecution>>();

  // 1. Re-read the chunk: state may have changed since approval, or an earlier PATCH may have landed.
  const reread = await bulk.getUsersWithSoa(ids);
  const toPatch: number[] = [];
  for (const k of indexes) {
    const t = request.targets[k];
    const r = reread.get(t.preflight.userId!);
    const user = r && r.ok ? r.value.user : null;
    if (!r || !r.ok) patch.set(k, failedExecution(r && !r.ok ? r.error : missing(), now()));
    else if (!user) patch.set(k, failedExecution(new DirectoryError('GRAPH.NOT_FOUND', 'not found'), now()));
    else if (r.value.isCloudManaged) patch.set(k, { outcome: t.execution.attemptedAt ? 'done' : 'already-done', finishedAt: now(), errorCode: null, errorDetail: null });
    else if (mayStillLand(t.execution, deps.clock.now(), deps.settings.patchSettleMs)) continue; // stays in-progress; looked at again
    else if (user.onPremisesSyncEnabled !== true) patch.set(k, { outcome: 'failed', errorCode: 'STATE.CHANGED', errorDetail: 'No longer synced from AD DS (changed after approval); nothing was changed.', finishedAt: now() });
    else if (protectedIds.has(user.id.toLowerCase())) patch.set(k, { outcome: 'failed', errorCode: 'SCOPE.PROTECTED', errorDetail: 'Became a protected account (PROTECTED_GROUP_IDS) after approval; nothing was changed.', finishedAt: now() });
    else toPatch.push(k);
  }

  // 2. Intent for the whole chunk, stored before the side effects.
  const attemptedAt = now();
  for (const k of toPatch) patch.set(k, { outcome: 'in-progress', attemptedAt });
  await apply(new Map(patch), 'graph.patch.intent', { users: toPatch.length });
  patch.clear();

  // 3. PATCH, then read back what was sent (and what failed in a way that may have landed).
  const patchIds = toPatch.map((k) => request.targets[k].preflight.userId!);
  const written = patchIds.length > 0 ? await bulk.setCloudManaged(patchIds, true) : new Map<string, BulkResult<{ requestId: string | null; status: number }>>();
  const maybeLanded: number[] = [];
  for (const k of toPatch) {
    const r = written.get(request.targets[k].preflight.userId!);
    if (r && r.ok) {
      patch.set(k, { graphRequestId: r.value.requestId });
      maybeLanded.push(k);
    } else if (r && !r.ok && r.error.code !== 'GRAPH.UNAVAILABLE' && r.error.code !== 'GRAPH.UNKNOWN') {
      patch.set(k, failedExecution(r.error, now()));
    } else {
      patch.set(k, { graphRequestId: r && !r.ok ? r.error.details.requestId ?? null : null, errorCode: r && !r.ok ? r.error.code : 'GRAPH.UNKNOWN' });
      maybeLanded.push(k);
    }
  }
  if (maybeLanded.length > 0) {
    const check = await bulk.getCloudManaged(maybeLanded.map((k) => request.targets[k].preflight.userId!));
    for (const k of maybeLanded) {
      const r = check.get(request.targets[k].preflight.userId!);
      const prior = patch.get(k) ?? {};
      if (r && r.ok && r.value) patch.set(k, { ...prior, outcome: 'done', finishedAt: now(), errorCode: null, errorDetail: null });
      else if (r && r.ok) patch.set(k, { ...prior, outcome: 'failed', finishedAt: now(), errorDetail: prior.errorCode ? `${describeError({ code: prior.errorCode as never })} Reading back shows it did not land.` : 'Graph accepted the change but reading it back shows it did not land.', errorCode: prior.errorCode ?? 'VERIFY.MISMATCH' });
      else patch.set(k, { ...prior, outcome: 'unknown', errorDetail: 'Could not read the user back to confirm the change; it will be checked again before anything else is done.' });
    }
  }
  await apply(patch, 'execution.chunk', {
    outcomes: indexes.map((k) => ({ upn: request.targets[k].preflight.upn, outcome: patch.get(k)?.outcome ?? request.targets[k].execution.outcome })),
  });
}

async function save(deps: AppDeps, request: TransferRequest, patch: Map<number, Partial<TargetExecution>>, type: string, data: Record<string, unknown>): Promise<TransferRequest> {
  const targets: RequestTarget[] = request.targets.map((t, k) => (patch.has(k) ? { ...t, execution: { ...t.execution, ...patch.get(k) } } : t));
  const next = { ...request, targets, version: request.version + 1 };
  // Only this chunk's users are written again, not the whole list.
  await deps.requests.update(next, request.version, [{ requestId: request.id, at: deps.clock.now().toISOString(), type, data }], { changedTargets: [...patch.keys()] });
  return next;
}


/** A key the batch answer left out: treated as Graph answering something unexpected. */
function missing(): DirectoryError {
  return new DirectoryError('GRAPH.UNKNOWN', 'missing from the batch answer');
}

async function protectedMembers(deps: AppDeps, bulk: BulkDirectory): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const groupId of deps.settings.protectedGroupIds) for (const m of await bulk.groupMembers(groupId)) ids.add(m.id.toLowerCase());
  return ids;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}
