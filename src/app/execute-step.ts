import { ReadBack, WriteAnswer, afterWrite, checkBeforeWrite, guardedGroups, mayHaveLanded, needsScopeCheck } from '../domain/target-policy';
import { HeldRole } from '../domain/preflight';
import { TargetExecution, SoaRequest, targetCloudManaged, targetTypeOf } from '../domain/soa-request';
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
export async function runStep(
  deps: AppDeps,
  dir: BulkDirectory,
  snapshot: SoaRequest,
  indexes: number[],
  apply: ApplyStep,
  guard: WorkGuard = ALWAYS_HELD,
): Promise<void> {
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
  // Rollback: a role given since approval would leave the user waiting for a takeover that never comes (§6b).
  const askRoles = kind === 'rollback' ? readable.filter((k) => needsScopeCheck(kind, valueOf(reread.get(idOf(k))))) : [];
  const roles = askRoles.length > 0 ? await dir.directoryRolesOf(askRoles.map(idOf)) : new Map<string, BulkResult<HeldRole[]>>();
  const toWrite: number[] = [];
  for (const k of readable) {
    const { user, isCloudManaged } = valueOf(reread.get(idOf(k)));
    const membership = memberships.get(idOf(k));
    if (membership && !membership.ok) {
      patch.set(k, failedExecution(membership.error, now()));
      continue;
    }
    const held = roles.get(idOf(k));
    if (held && !held.ok) {
      patch.set(k, failedExecution(held.error, now()));
      continue;
    }
    const verdict = checkBeforeWrite(
      kind,
      request.targets[k].execution,
      { user, isCloudManaged, memberOfGuarded: membership ? membership.value : groups.length === 0 ? [] : null, roles: held ? held.value : null },
      scopeOf(deps.settings),
      { now: deps.clock.now(), patchSettleMs: deps.settings.patchSettleMs },
      targetTypeOf(request),
    );
    if (verdict.action === 'settle') patch.set(k, verdict.execution);
    else if (verdict.action === 'write') toWrite.push(k);
    // 'wait': stays in-progress; looked at again later
  }

  // Each user's outcome as this step leaves it, for the chunk's record.
  const outcomes = new Map<number, string>(indexes.map((k) => [k, request.targets[k].execution.outcome]));
  const chunkEvent = () => ({ type: 'execution.chunk', data: { outcomes: indexes.map((k) => ({ upn: upnOf(k), outcome: outcomes.get(k) })) } });
  for (const [k, execution] of patch) if (execution.outcome) outcomes.set(k, execution.outcome);

  if (toWrite.length === 0) {
    await apply(patch, [chunkEvent()]);
    return;
  }
  if (patch.size > 0) {
    await apply(new Map(patch), []);
    patch.clear();
  }

  // 2. PATCH. The intent of each batch is stored just before it leaves (and again before a retry), and
  //    only while this instance holds the job: a user still queued when the process dies was never sent,
  //    so whoever resumes writes it at once instead of waiting for a PATCH that may still land.
  const indexOf = new Map(toWrite.map((k) => [idOf(k), k]));
  const attemptedAt = new Map<number, string>();
  /** Users whose last send was refused (lease lost, draining, intent not stored): not sent this time. */
  const refused = new Set<number>();
  let stop: unknown = null;
  const written = await dir.setCloudManaged(toWrite.map(idOf), desired, {
    beforeSend: async (userIds) => {
      const ks = userIds.map((id) => indexOf.get(id)!);
      try {
        guard.check();
        const at = now();
        await apply(new Map(ks.map((k) => [k, { outcome: 'in-progress' as const, attemptedAt: at }])), [
          { type: 'graph.patch.intent', data: { isCloudManaged: desired, users: ks.map((k) => ({ upn: upnOf(k), userId: idOf(k) })) } },
        ]);
        for (const k of ks) {
          attemptedAt.set(k, at);
          refused.delete(k);
        }
      } catch (error) {
        stop ??= error;
        for (const k of ks) refused.add(k);
        throw error;
      }
    },
    // Answered 429: not applied, and not in flight until the retry stores its intent again (saves are
    // applied in order, so this one lands before that intent).
    notApplied: (userIds) => {
      const ks = userIds.map((id) => indexOf.get(id)!).filter((k) => !refused.has(k));
      for (const k of ks) attemptedAt.delete(k);
      if (ks.length > 0) void apply(new Map(ks.map((k) => [k, { outcome: 'pending' as const, attemptedAt: undefined }])), []).catch(() => undefined);
    },
  });
  // 3. Read back what may have landed, and store each user's outcome. A user whose send was refused keeps
  //    the state its last intent left (pending, or in progress since an earlier send).
  const sent = toWrite.filter((k) => !refused.has(k));
  const answers = new Map<number, WriteAnswer>();
  for (const k of sent) {
    const r = written.get(idOf(k));
    const error = !r ? missing() : r.ok ? null : r.error;
    answers.set(
      k,
      error
        ? { ok: false, code: error.code, detail: describeDirectoryError(error), graphRequestId: error.details.requestId ?? null }
        : { ok: true, graphRequestId: (r as { ok: true; value: { requestId: string | null } }).value.requestId },
    );
  }
  const check = sent.filter((k) => mayHaveLanded(answers.get(k)!));
  const readBacks = check.length > 0 ? await dir.getCloudManaged(check.map(idOf)) : new Map<string, BulkResult<boolean>>();
  for (const k of sent) {
    const r = readBacks.get(idOf(k));
    const readBack: ReadBack | null = !check.includes(k)
      ? null
      : r && r.ok
        ? { ok: true, isCloudManaged: r.value }
        : { ok: false, detail: r ? describeDirectoryError(r.error) : 'missing from the answer' };
    const execution = afterWrite(kind, answers.get(k)!, readBack, now());
    patch.set(k, { attemptedAt: attemptedAt.get(k), ...execution });
    outcomes.set(k, execution.outcome!);
  }
  for (const k of refused) if (attemptedAt.has(k)) outcomes.set(k, 'in-progress');
  await apply(patch, [
    {
      type: 'graph.patch.result',
      data: {
        results: sent.map((k) => {
          const a = answers.get(k)!;
          return { upn: upnOf(k), userId: idOf(k), ok: a.ok, code: a.ok ? null : a.code, graphRequestId: a.graphRequestId };
        }),
      },
    },
    chunkEvent(),
  ]);
  if (stop !== null) throw stop;
}

function valueOf<T>(r: BulkResult<T> | undefined): T {
  return (r as { ok: true; value: T }).value;
}

/** A key the batch answer left out: treated as Graph answering something unexpected. */
function missing(): DirectoryError {
  return new DirectoryError('GRAPH.UNKNOWN', 'missing from the batch answer');
}
