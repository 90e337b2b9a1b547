import { SoaRequest, summarizeOutcome, targetTypeOf, RequestChanges, revise } from '../domain/soa-request';
import { renderOutcomeCard } from '../cards/outcome-card';
import { RequestEvent } from '../ports/request-store';
import { AppDeps } from './app-deps';
import { refreshCards } from './card-publisher';
import { notifyRequestEvent } from './notify';
import { executeWaves } from './bulk/execute-waves';
import { directoryFor } from './bulk/directory-as-bulk';
import { ALWAYS_HELD, WorkGuard } from './work-guard';
import { JobStep } from './job-step';

/**
 * Runs an approved request through the one execution step (execute-step.ts): re-read, policy, intent,
 * PATCH, read back. The intent is stored before each PATCH, so if the process dies mid-way the next
 * run knows a PATCH may have landed and reads the real state before doing anything (no blind second
 * PATCH). `guard` is the job's lease: asked before each write batch (work-guard.ts).
 */
export type ExecuteResult = { status: 'done' } | { status: 'held'; retryAt: string | null };

export async function executeRequest(deps: AppDeps, requestId: string, guard: WorkGuard = ALWAYS_HELD): Promise<ExecuteResult> {
  return run(deps, requestId, guard);
}

async function run(deps: AppDeps, requestId: string, guard: WorkGuard): Promise<ExecuteResult> {
  const log = deps.logger.child({ useCase: 'execute', requestId });
  let request = await deps.requests.get(requestId);
  if (!request) return DONE;
  if (request.status === 'approved') {
    request = await save(deps, request, { status: 'executing', executedAt: now(deps) }, [event(deps, request.id, 'execution.started', {})]);
    void refreshCards(deps, request);
  }
  if (request.status !== 'executing') return DONE; // finished earlier (duplicate job) or never approved

  // One pipeline for every request: batched through Graph for a bulk one, single calls otherwise.
  const run = await executeWaves(deps, directoryFor(deps, Boolean(request.bulk), targetTypeOf(request)), request, guard);
  // Frozen, or a PATCH from before a crash may still land: look again shortly (at the settle time).
  if (run.outcome === 'held') return { status: 'held', retryAt: run.retryAt ?? null };
  if (run.outcome === 'halted') return DONE;
  request = run.request;

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
    ? request.targets.map((t) =>
        t.execution.outcome === 'done' || t.execution.outcome === 'already-done' ? { ...t, sync: { status: 'waiting' as const } } : t,
      )
    : request.targets;
  request = await save(deps, request, { targets, status, finishedAt: watching ? null : now(deps), syncWatchStartedAt: watching ? now(deps) : null }, [
    event(deps, request.id, 'execution.finished', { status, outcomes: request.targets.map((t) => ({ upn: t.preflight.upn, outcome: t.execution.outcome })) }),
  ]);
  log.info({ status, correlationId: request.correlationId }, 'execution finished');
  deps.kickJobs();
  return DONE;
}

const DONE: ExecuteResult = { status: 'done' };

/**
 * The `announce` job: the outcome message, the edited cards and the notifications of a finished
 * execution. At least once: a crash between posting and completing the job posts it again, which
 * is better than an outcome nobody hears about.
 */
export async function announceOutcome(deps: AppDeps, requestId: string): Promise<JobStep> {
  const request = await deps.requests.get(requestId);
  if (!request) return { done: true };
  // Queued before the result is saved (see run), so a worker of another instance, or this one, can get
  // here first: announcing now would post "executing" as the outcome. Look again once it is saved (a
  // crash before the save resumes the execution, which saves it then).
  if (request.status === 'executing') return { done: false, runAt: new Date(deps.clock.now().getTime() + RESULT_PENDING_RETRY_MS).toISOString() };
  await refreshCards(deps, request);
  // One post: the outcome card (its heading is the outcome line; a text beside it would say it twice).
  await deps.chat.post(request.origin.conversationKey, { card: renderOutcomeCard(request) });
  await deps.requests.appendEvents([event(deps, request.id, 'outcome.posted', {})]);
  const status = request.status;
  await notifyRequestEvent(deps, request, status === 'failed' ? 'failed' : request.kind === 'rollback' ? 'executed' : 'completed');
  return { done: true };
}

/** How soon an announce that came before the result looks again. */
const RESULT_PENDING_RETRY_MS = 500;

/** A change the card shows (execution started or finished), stored against the version it was made from. */
async function save(deps: AppDeps, request: SoaRequest, changes: RequestChanges, events: RequestEvent[]): Promise<SoaRequest> {
  const saved = revise(request, changes, { card: true });
  await deps.requests.update(saved, request.version, events);
  return saved;
}

function event(deps: AppDeps, requestId: string, type: string, data: Record<string, unknown>): RequestEvent {
  return { requestId, at: now(deps), type, data };
}

function now(deps: AppDeps): string {
  return deps.clock.now().toISOString();
}
