import { RequestTarget, TransferRequest, summarizeOutcome, targetCloudManaged } from '../domain/transfer-request';
import { renderOutcomeCard, outcomeText } from '../cards/outcome-card';
import { DirectoryError } from '../ports/directory';
import { RequestEvent } from '../ports/request-store';
import { AppDeps } from './app-deps';
import { errorSummary, refreshCards } from './card-publisher';
import { withRequestContext } from './graph-call-context';
import { notifyRequestEvent } from './notify';
import { mayStillLand } from '../domain/patch-settle';
import { describeDirectoryError, failedExecution } from './execution-failure';
import { executeWaves } from './bulk/execute-waves';
import { bulkDirectoryOf } from './bulk/directory-as-bulk';

const UNFINISHED = new Set(['pending', 'in-progress', 'unknown']);

/**
 * Runs an approved request: for each user, re-read, PATCH, read back. The intent is stored before
 * each PATCH, so if the process dies mid-way the next run knows a PATCH may have landed and reads
 * the real state before doing anything (no blind second PATCH).
 */
export async function executeRequest(deps: AppDeps, requestId: string): Promise<'done' | 'held'> {
  return withRequestContext(requestId, () => run(deps, requestId));
}

async function run(deps: AppDeps, requestId: string): Promise<'done' | 'held'> {
  const log = deps.logger.child({ useCase: 'execute', requestId });
  let request = await deps.requests.get(requestId);
  if (!request) return 'done';
  if (request.status === 'approved') {
    request = await save(deps, { ...request, status: 'executing', cardVersion: request.cardVersion + 1, executedAt: now(deps) }, request.version, [event(deps, request.id, 'execution.started', {})]);
    void refreshCards(deps, request);
  }
  if (request.status !== 'executing') return 'done'; // finished earlier (duplicate job) or never approved

  if (request.bulk) {
    const run = await executeWaves(deps, bulkDirectoryOf(deps), request);
    if (run.outcome === 'held') return 'held';
    if (run.outcome === 'halted') return 'done';
    request = run.request;
  } else {
    let waiting = false;
    for (let i = 0; i < request.targets.length; i++) {
      if (!UNFINISHED.has(request.targets[i].execution.outcome)) continue;
      const next = await transferOne(deps, request, i);
      if (next === 'wait') waiting = true;
      else request = next;
    }
    if (waiting) return 'held'; // a PATCH from before a crash may still land: look again shortly
  }

  const summary = summarizeOutcome(request.targets);
  // A rollback is only complete when the sync client has taken the users back: follow it.
  const watching = request.kind === 'rollback' && summary !== 'failed';
  const status = watching ? 'awaiting-sync' : summary;
  if (watching) {
    // Queued before the status is saved, so a crash in between cannot leave a rollback nobody follows.
    await deps.jobs.enqueue({
      key: `rollback-watch:${request.id}`,
      kind: 'rollback-watch',
      requestId: request.id,
      runAt: new Date(deps.clock.now().getTime() + deps.settings.rollbackWatchIntervalMs).toISOString(),
    });
  }
  // Everything that must follow the result is queued before the result is saved: a crash right after
  // the save then still announces it and looks for the audit record (jobs are de-duplicated by key).
  await deps.jobs.enqueue({ key: `announce:${request.id}`, kind: 'announce', requestId: request.id, runAt: now(deps) });
  if (request.targets.some((t) => t.execution.outcome === 'done')) {
    await deps.jobs.enqueue({
      key: `audit:${request.id}`,
      kind: 'audit-lookup',
      requestId: request.id,
      runAt: new Date(deps.clock.now().getTime() + deps.settings.auditLookupFirstDelayMs).toISOString(),
      state: { startedAt: now(deps), attempt: 0 },
    });
  }
  const targets = watching
    ? request.targets.map((t) => (t.execution.outcome === 'done' || t.execution.outcome === 'already-done' ? { ...t, sync: { status: 'waiting' as const } } : t))
    : request.targets;
  request = await save(
    deps,
    { ...request, targets, status, cardVersion: request.cardVersion + 1, finishedAt: watching ? null : now(deps), syncWatchStartedAt: watching ? now(deps) : null },
    request.version,
    [event(deps, request.id, 'execution.finished', { status, outcomes: request.targets.map((t) => ({ upn: t.preflight.upn, outcome: t.execution.outcome })) })],
  );
  log.info({ status, correlationId: request.correlationId }, 'execution finished');
  deps.kickJobs();
  return 'done';
}

/**
 * The `announce` job: the outcome message, the edited cards and the notifications of a finished
 * execution. At least once: a crash between posting and completing the job posts it again, which
 * is better than an outcome nobody hears about.
 */
export async function announceOutcome(deps: AppDeps, requestId: string): Promise<void> {
  const request = await deps.requests.get(requestId);
  if (!request) return;
  await refreshCards(deps, request);
  await deps.chat.post(request.origin.conversationKey, { text: outcomeText(request), card: renderOutcomeCard(request) });
  await deps.requests.appendEvents([event(deps, request.id, 'outcome.posted', {})]);
  const status = request.status;
  await notifyRequestEvent(deps, request, status === 'failed' ? 'failed' : request.kind === 'rollback' ? 'executed' : 'completed');
}

async function transferOne(deps: AppDeps, request: TransferRequest, index: number): Promise<TransferRequest | 'wait'> {
  const target = request.targets[index];
  const desired = targetCloudManaged(request.kind);
  const userId = target.preflight.userId!;
  const upn = target.preflight.upn;
  const setTarget = (patch: Partial<RequestTarget['execution']>) => withTarget(request, index, { ...target.execution, ...patch });

  // 1. Re-read: the user may have changed since approval, or our earlier PATCH may have landed.
  let isCloudManaged: boolean;
  try {
    const user = await deps.directory.getUser(userId);
    if (!user) return finish(deps, request, setTarget(failedExecution(new DirectoryError('GRAPH.NOT_FOUND', 'not found'), now(deps))), upn);
    if (deps.settings.protectedGroupIds.length > 0 && (await deps.directory.memberGroups(userId, deps.settings.protectedGroupIds)).length > 0) {
      // Membership can change between approval and execution: the guard is checked again here.
      return finish(deps, request, setTarget({ outcome: 'failed', errorCode: 'SCOPE.PROTECTED', errorDetail: 'The user became a protected account (PROTECTED_GROUP_IDS) after approval; nothing was changed.', finishedAt: now(deps) }), upn);
    }
    isCloudManaged = await deps.directory.getCloudManaged(userId);
    if (isCloudManaged === desired) {
      const outcome = target.execution.attemptedAt ? 'done' : 'already-done';
      return finish(deps, request, setTarget({ outcome, finishedAt: now(deps), errorCode: null, errorDetail: null }), upn);
    }
    if (mayStillLand(target.execution, deps.clock.now(), deps.settings.patchSettleMs)) return 'wait';
    if (desired && user.onPremisesSyncEnabled !== true) {
      return finish(deps, request, setTarget({ outcome: 'failed', errorCode: 'STATE.CHANGED', errorDetail: 'The user is no longer synced from AD DS (its state changed after approval); nothing was changed.', finishedAt: now(deps) }), upn);
    }
    if (!desired && !user.onPremisesImmutableId) {
      return finish(deps, request, setTarget({ outcome: 'failed', errorCode: 'STATE.CHANGED', errorDetail: 'The user lost its on-premises anchor after approval, so AD DS could not take it back; nothing was changed.', finishedAt: now(deps) }), upn);
    }
  } catch (error) {
    return finish(deps, request, setTarget(failedExecution(error, now(deps))), upn);
  }

  // 2. Intent, stored before the side effect.
  const attemptedAt = now(deps);
  request = await save(deps, setTarget({ outcome: 'in-progress', attemptedAt }), request.version, [event(deps, request.id, 'graph.patch.intent', { upn, userId, isCloudManaged: desired })]);

  // 3. The switch, then a read-back to verify.
  let graphRequestId: string | null = null;
  let patchFailure: ReturnType<typeof failedExecution> | null = null;
  try {
    const result = await deps.directory.setCloudManaged(userId, desired);
    graphRequestId = result.requestId;
    await deps.requests.appendEvents([event(deps, request.id, 'graph.patch.result', { upn, status: result.status, graphRequestId })]);
  } catch (error) {
    const failed = failedExecution(error, now(deps));
    await deps.requests.appendEvents([event(deps, request.id, 'graph.patch.error', { upn, code: failed.errorCode, graphRequestId: failed.graphRequestId ?? null })]);
    if (failed.errorCode !== 'GRAPH.UNAVAILABLE' && failed.errorCode !== 'GRAPH.UNKNOWN') {
      return finish(deps, request, withTarget(request, index, { ...request.targets[index].execution, ...failed, attemptedAt }), upn);
    }
    // The PATCH may or may not have landed: only a read-back can tell.
    graphRequestId = failed.graphRequestId ?? null;
    patchFailure = failed;
  }
  try {
    const verified = (await deps.directory.getCloudManaged(userId)) === desired;
    const execution = verified
      ? { outcome: 'done' as const, graphRequestId, finishedAt: now(deps), errorCode: null, errorDetail: null }
      : patchFailure
        ? { ...patchFailure, graphRequestId, errorDetail: `${patchFailure.errorDetail} Reading the user back shows the change did not land; nothing was changed.` }
        : { outcome: 'failed' as const, graphRequestId, finishedAt: now(deps), errorCode: 'VERIFY.MISMATCH', errorDetail: `Graph accepted the change but reading it back still shows isCloudManaged ${!desired}. Check the user in the Entra admin center before trying again.` };
    return finish(deps, request, withTarget(request, index, { ...request.targets[index].execution, ...execution }), upn);
  } catch (error) {
    const unknown = { outcome: 'unknown' as const, graphRequestId, errorCode: 'VERIFY.UNREACHABLE', errorDetail: `Could not read the user back to confirm the change. ${describeFailure(error)}` };
    return finish(deps, request, withTarget(request, index, { ...request.targets[index].execution, ...unknown }), upn);
  }
}

async function finish(deps: AppDeps, current: TransferRequest, next: TransferRequest, upn: string): Promise<TransferRequest> {
  const target = next.targets.find((t) => t.preflight.upn === upn)!;
  return save(deps, next, current.version, [
    event(deps, next.id, 'execution.user', { upn, outcome: target.execution.outcome, code: target.execution.errorCode ?? null, graphRequestId: target.execution.graphRequestId ?? null }),
  ]);
}

function withTarget(request: TransferRequest, index: number, execution: RequestTarget['execution']): TransferRequest {
  const targets = request.targets.map((t, i) => (i === index ? { ...t, execution } : t));
  return { ...request, targets };
}

function describeFailure(error: unknown): string {
  return error instanceof DirectoryError ? describeDirectoryError(error) : 'Unexpected error; see the bot log.';
}

async function save(deps: AppDeps, next: TransferRequest, expectedVersion: number, events: RequestEvent[]): Promise<TransferRequest> {
  const saved = { ...next, version: expectedVersion + 1 };
  await deps.requests.update(saved, expectedVersion, events);
  return saved;
}

function event(deps: AppDeps, requestId: string, type: string, data: Record<string, unknown>): RequestEvent {
  return { requestId, at: now(deps), type, data };
}

function now(deps: AppDeps): string {
  return deps.clock.now().toISOString();
}
