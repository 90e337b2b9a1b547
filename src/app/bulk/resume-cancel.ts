import { Person, SoaRequest, revise } from '../../domain/soa-request';
import { VersionConflictError } from '../../ports/request-store';
import { AppDeps } from '../app-deps';
import { refreshCards } from '../card-publisher';
import { DecisionReply } from '../decide-request';
import { describeError } from '../wording';
import { escapeMarkdown as md } from '../../cards/markdown-text';

/**
 * A halted bulk request: an approver resumes it (next wave) or cancels the rest. Resuming is an approval
 * of further changes, so, as for approvals, the requester may not resume their own request
 * (APPROVER.SELF_APPROVAL). Cancelling only stops changes not made yet: an approver who is also the
 * requester may cancel.
 */
export async function resumeOrCancel(
  deps: AppDeps,
  input: { actor: Person; requestId: string; cardVersion: number | null; action: 'resume' | 'cancel'; via?: 'tab' },
): Promise<DecisionReply> {
  const request = await deps.requests.get(input.requestId);
  const refuse = (code: Parameters<typeof describeError>[0]['code'], current: SoaRequest | null, detail?: Record<string, string>) =>
    ({ ok: false, error: { code, detail }, text: describeError({ code, detail }), request: current }) as DecisionReply;
  if (!request) return refuse('REQUEST.NOT_FOUND', null, { requestId: input.requestId });
  if (!(await deps.authorization.isApproverFor(request.kind, input.actor.aadObjectId).catch(() => false))) return refuse('APPROVER.NOT_ALLOWED', request);
  if (input.action === 'resume' && input.actor.aadObjectId.toLowerCase() === request.requester.aadObjectId.toLowerCase()) {
    return refuse('APPROVER.SELF_APPROVAL', request);
  }
  if (request.status !== 'halted') return refuse('REQUEST.NOT_PENDING', request, { status: request.status });
  if (input.cardVersion !== null && input.cardVersion !== request.cardVersion) return refuse('REQUEST.STALE_CARD', request);

  const at = deps.clock.now().toISOString();
  const next: SoaRequest =
    input.action === 'resume'
      ? revise(request, { status: 'executing', targets: retryHaltedLevel(request), bulk: { ...request.bulk!, haltedReason: null } }, { card: true })
      : revise(request, { status: 'cancelled', finishedAt: at }, { card: true });
  try {
    await deps.requests.update(next, request.version, [
      {
        requestId: request.id,
        at,
        type: `bulk.${input.action}`,
        actorId: input.actor.aadObjectId,
        data: { afterWave: request.bulk?.nextWave ?? null, ...(input.via ? { via: input.via } : {}) },
      },
    ]);
  } catch (error) {
    if (error instanceof VersionConflictError) return refuse('REQUEST.STALE_CARD', await deps.requests.get(request.id));
    throw error;
  }
  deps.logger.info({ requestId: request.id, actorId: input.actor.aadObjectId, action: input.action }, `bulk request ${input.action}d`);
  if (input.action === 'resume') {
    await deps.jobs.enqueue({ key: `execute:${request.id}:resume:${next.version}`, kind: 'execute', requestId: request.id, runAt: at });
    deps.kickJobs();
  } else {
    await deps.jobs.enqueue({ key: `announce:${request.id}`, kind: 'announce', requestId: request.id, runAt: at });
    deps.kickJobs();
  }
  void refreshCards(deps, next);
  const who = md(input.actor.name);
  return {
    ok: true,
    request: next,
    text: input.action === 'resume' ? `Resumed by ${who}: the next wave is starting.` : `Cancelled by ${who}: users not reached yet were not changed.`,
  };
}

/**
 * A group tree halts on the level that failed (execute-waves.ts): resuming retries that level's failed
 * groups. They go back to pending with their attempt time kept, so the executor reads each one again
 * first and settles a change that did land as done instead of sending it twice.
 */
function retryHaltedLevel(request: SoaRequest): SoaRequest['targets'] {
  const plan = request.bulk;
  if (!plan?.tree) return request.targets;
  const from = plan.waves.slice(0, plan.nextWave).reduce((a, b) => a + b, 0);
  const to = from + (plan.waves[plan.nextWave] ?? 0);
  return request.targets.map((t, k) =>
    k >= from && k < to && (t.execution.outcome === 'failed' || t.execution.outcome === 'unknown')
      ? { ...t, execution: { ...t.execution, outcome: 'pending', errorCode: null, errorDetail: null, finishedAt: null } }
      : t,
  );
}
