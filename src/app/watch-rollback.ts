import { SoaRequest, targetTypeOf, revise } from '../domain/soa-request';
import { Job } from '../ports/job-queue';
import { AppDeps } from './app-deps';
import { refreshCards } from './card-publisher';
import { errorSummary } from './error-summary';
import { notifyRequestEvent } from './notify';
import { queueSafeguardReminder, safeguardOnMessage, safeguardStillOff } from './remind-safeguard';
import { safeguardCall, safeguardPowerShell } from '../cards/rollback-section';
import { escapeMarkdown as md } from '../cards/markdown-text';
import { say } from './wording';
import { JobStep } from './job-step';

/**
 * Follows a rollback until the sync client has taken every rolled-back user back
 * (onPremisesSyncEnabled true again), on a schedule that survives restarts (it is a durable job).
 * Then it closes the request and reminds whoever confirmed the safeguard to switch it back on.
 */
export async function watchRollback(deps: AppDeps, job: Job): Promise<JobStep> {
  let request = await deps.requests.get(job.requestId);
  const now = deps.clock.now();
  if (request && (request.status === 'approved' || request.status === 'executing')) {
    return { done: false, runAt: new Date(now.getTime() + deps.settings.rollbackWatchIntervalMs).toISOString() };
  }
  if (!request || request.status !== 'awaiting-sync') return { done: true };
  let targets = request.targets;
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i];
    if (t.sync?.status !== 'waiting') continue;
    try {
      // Groups too (docs/soa-and-graph.md §6a): taken back when the group reads onPremisesSyncEnabled true again.
      const object = targetTypeOf(request) === 'group' ? await deps.directory.getGroup(t.preflight.userId!) : await deps.directory.getUser(t.preflight.userId!);
      if (object?.onPremisesSyncEnabled === true) {
        targets = targets.map((x, j) => (j === i ? { ...x, sync: { status: 'taken-over' as const, at: now.toISOString() } } : x));
      }
    } catch (error) {
      deps.logger.warn({ requestId: request.id, err: errorSummary(error) }, 'could not read a rolled-back user; will try again');
    }
  }
  const waiting = targets.filter((t) => t.sync?.status === 'waiting');
  // Set with the awaiting-sync status, in the same save: the request is the one record of when following began.
  const startedAt = Date.parse(request.syncWatchStartedAt ?? now.toISOString());
  const timedOut = waiting.length > 0 && now.getTime() - startedAt >= deps.settings.rollbackWatchTimeoutMs;

  if (waiting.length === 0 || timedOut) {
    const finalTargets = timedOut
      ? targets.map((t) => (t.sync?.status === 'waiting' ? { ...t, sync: { status: 'timed-out' as const, at: now.toISOString() } } : t))
      : targets;
    const failures = finalTargets.some((t) => t.execution.outcome === 'failed');
    const status = timedOut ? 'sync-timed-out' : failures ? 'completed-with-failures' : 'completed';
    const next: SoaRequest = revise(request, { targets: finalTargets, status, finishedAt: now.toISOString() }, { card: true });
    await deps.requests.update(next, request.version, [
      {
        requestId: request.id,
        at: now.toISOString(),
        type: timedOut ? 'rollback.sync-timed-out' : 'rollback.completed',
        data: { users: finalTargets.map((t) => ({ upn: t.preflight.upn, sync: t.sync?.status ?? null })) },
      },
    ]);
    request = next;
    await refreshCards(deps, request);
    await announce(deps, request, timedOut);
    if (safeguardStillOff(deps, request)) {
      // Asked once in the announcement; then again on a durable schedule until it is back on.
      await queueSafeguardReminder(deps, request, now);
    }
    await notifyRequestEvent(deps, request, timedOut ? 'timed-out' : 'completed');
    return { done: true };
  }

  if (targets !== request.targets) {
    const next = revise(request, { targets }, { card: false });
    await deps.requests.update(next, request.version, [
      { requestId: request.id, at: now.toISOString(), type: 'rollback.progress', data: { waiting: waiting.map((t) => t.preflight.upn) } },
    ]);
    void refreshCards(deps, next);
  }
  return { done: false, runAt: new Date(now.getTime() + deps.settings.rollbackWatchIntervalMs).toISOString() };
}

async function announce(deps: AppDeps, request: SoaRequest, timedOut: boolean): Promise<void> {
  const who = request.safeguard ? md(request.safeguard.confirmedBy.name, 100) : 'The Global Administrator';
  const upns = request.targets.filter((t) => t.sync?.status === (timedOut ? 'timed-out' : 'taken-over')).map((t) => t.preflight.upn);
  const text = say.rollbackWatchEnded(request.id, timedOut, upns);
  const reminder = say.safeguardBackOn(who, safeguardCall(deps.settings.tenantId, true), safeguardPowerShell(true));
  try {
    // SAFEGUARD_SWITCH=obo: the same words with the one-click "Switch the safeguard back on" card.
    const card = safeguardStillOff(deps, request) ? safeguardOnMessage(deps, request).card : undefined;
    await deps.chat.post(request.origin.conversationKey, { text: `${text}\n\n${reminder}`, ...(card ? { card } : {}) });
  } catch (error) {
    deps.logger.warn({ requestId: request.id, err: errorSummary(error) }, 'could not announce the end of a rollback');
  }
}
