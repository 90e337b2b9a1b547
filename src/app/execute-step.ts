import { ReadBack, WriteAnswer, afterWrite, checkBeforeWrite, guardedGroups, mayHaveLanded, needsScopeCheck } from '../domain/target-policy';
import { TargetExecution, TransferRequest, targetCloudManaged } from '../domain/transfer-request';
import { BulkDirectory, BulkResult } from '../ports/bulk-directory';
import { DirectoryError } from '../ports/directory';
import { RequestEvent } from '../ports/request-store';
import { AppDeps } from './app-deps';
import { describeDirectoryError, failedExecution } from './execution-failure';
import { scopeOf } from './target-checks';
import { ALWAYS_HELD, WorkGuard } from './work-guard';

export type ApplyStep = (patch: Map<number, Partial<TargetExecution>>, events: Omit<RequestEvent, 'requestId' | 'at'>[]) => Promise<void>;

/**
 * The one execution step, for a transfer or a rollback, for one user or a chunk of five hundred:
 * 1. re-read each user (and, for those still to write, their transitive membership of the guarded
 *    groups) and let the target policy decide: already done, wait for a PATCH that may still land,
 *    refuse (state or scope changed since approval), or write;
 * 2. store the intent before any write;
 * 3. PATCH, then read back every write that may have landed, and store each user's outcome.
 * `snapshot` is only read for this chunk's own users. `guard` is asked before the step starts and again
 * before the intent is stored: a job whose lease is lost (or an instance shutting down) stops there, and
 * a write already sent is always read back and recorded.
 */
export async function runStep(deps: AppDeps, dir: BulkDirectory, snapshot: TransferRequest, indexes: number[], apply: ApplyStep, guard: WorkGuard = ALWAYS_HELD): Promise<void> {
  guard.check();
  const request = snapshot;
  const kind = request.kind;
  const desired = targetCloudManaged(kind);
  const now = () => deps.clock.now().toISOString();
  const idOf = (k: number) => request.targets[k].preflight.userId!;
  const upnOf = (k: number) => request.targets[k].preflight.upn;
  const patch = new Map<number, Partial<TargetExecution>>();

  // 1. Re-read; the scope question only for users that would otherwise be written.
  const reread = await dir.getUsersWithSoa(indexes.map(idOf));
  const readable: number[] = [];
  for (const k of indexes) {
    const r = reread.get(idOf(k));
    if (!r || !r.ok) patch.set(k, failedExecution(r && !r.ok ? r.error : missing(), now()));
    else readable.push(k);
  }
  const groups = guardedGroups(scopeOf(deps.settings));
  const askScope = groups.length === 0 ? [] : readable.filter((k) => needsScopeCheck(kind, valueOf(reread.get(idOf(k)))));
  const memberships = askScope.length > 0 ? await dir.memberGroupsOf(askScope.map(idOf), groups) : new Map<string, BulkResult<string[]>>();
  const toWrite: number[] = [];
  for (const k of readable) {
    const { user, isCloudManaged } = valueOf(reread.get(idOf(k)));
    const membership = memberships.get(idOf(k));
    if (membership && !membership.ok) {
      patch.set(k, failedExecution(membership.error, now()));
      continue;
    }
    const verdict = checkBeforeWrite(
      kind,
      request.targets[k].execution,
      { user, isCloudManaged, memberOfGuarded: membership ? membership.value : groups.length === 0 ? [] : null },
      scopeOf(deps.settings),
      { now: deps.clock.now(), patchSettleMs: deps.settings.patchSettleMs },
    );
    if (verdict.action === 'settle') patch.set(k, verdict.execution);
    else if (verdict.action === 'write') toWrite.push(k);
    // 'wait': stays in-progress; looked at again later
  }

  // Each user's outcome as this step leaves it, for the chunk's record.
  const outcomes = new Map<number, string>(indexes.map((k) => [k, request.targets[k].execution.outcome]));
  const chunkEvent = () => ({ type: 'execution.chunk', data: { outcomes: indexes.map((k) => ({ upn: upnOf(k), outcome: outcomes.get(k) })) } });
  for (const [k, execution] of patch) if (execution.outcome) outcomes.set(k, execution.outcome);

  // 2. Intent for the chunk, stored before the side effects, and only while this instance holds the job.
  if (toWrite.length > 0) guard.check();
  const attemptedAt = now();
  for (const k of toWrite) patch.set(k, { outcome: 'in-progress', attemptedAt });
  if (toWrite.length === 0) {
    await apply(patch, [chunkEvent()]);
    return;
  }
  await apply(new Map(patch), [{ type: 'graph.patch.intent', data: { isCloudManaged: desired, users: toWrite.map((k) => ({ upn: upnOf(k), userId: idOf(k) })) } }]);
  patch.clear();

  // 3. PATCH, then read back what may have landed.
  const written = await dir.setCloudManaged(toWrite.map(idOf), desired);
  const answers = new Map<number, WriteAnswer>();
  for (const k of toWrite) {
    const r = written.get(idOf(k));
    const error = !r ? missing() : r.ok ? null : r.error;
    answers.set(k, error ? { ok: false, code: error.code, detail: describeDirectoryError(error), graphRequestId: error.details.requestId ?? null } : { ok: true, graphRequestId: (r as { ok: true; value: { requestId: string | null } }).value.requestId });
  }
  const check = toWrite.filter((k) => mayHaveLanded(answers.get(k)!));
  const readBacks = check.length > 0 ? await dir.getCloudManaged(check.map(idOf)) : new Map<string, BulkResult<boolean>>();
  for (const k of toWrite) {
    const r = readBacks.get(idOf(k));
    const readBack: ReadBack | null = !check.includes(k) ? null : r && r.ok ? { ok: true, isCloudManaged: r.value } : { ok: false, detail: r ? describeDirectoryError(r.error) : 'missing from the answer' };
    const execution = afterWrite(kind, answers.get(k)!, readBack, now());
    patch.set(k, { attemptedAt, ...execution });
    outcomes.set(k, execution.outcome!);
  }
  await apply(patch, [
    {
      type: 'graph.patch.result',
      data: {
        results: toWrite.map((k) => {
          const a = answers.get(k)!;
          return { upn: upnOf(k), userId: idOf(k), ok: a.ok, code: a.ok ? null : a.code, graphRequestId: a.graphRequestId };
        }),
      },
    },
    chunkEvent(),
  ]);
}

function valueOf<T>(r: BulkResult<T> | undefined): T {
  return (r as { ok: true; value: T }).value;
}

/** A key the batch answer left out: treated as Graph answering something unexpected. */
function missing(): DirectoryError {
  return new DirectoryError('GRAPH.UNKNOWN', 'missing from the batch answer');
}
