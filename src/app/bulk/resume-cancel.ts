import { Person, SoaRequest, revise } from '../../domain/soa-request';
import { VersionConflictError } from '../../ports/request-store';
import { AppDeps } from '../app-deps';
import { refreshCards } from '../card-publisher';
import { DecisionReply } from '../decide-request';
import { say } from '../wording';
import { done, refusal } from '../reply';
import { checkRole } from '../role-check';

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
  if (!request) return refusal({ code: 'REQUEST.NOT_FOUND', detail: { requestId: input.requestId } });
  const approver = await checkRole(deps, () => deps.authorization.isApproverFor(request.kind, input.actor.aadObjectId), {
    useCase: `bulk-${input.action}`,
    requestId: request.id,
    actorId: input.actor.aadObjectId,
  });
  if (!approver.ok) return refusal(approver.error);
  if (!approver.value) return refusal({ code: 'APPROVER.NOT_ALLOWED' });
  if (input.action === 'resume' && input.actor.aadObjectId.toLowerCase() === request.requester.aadObjectId.toLowerCase()) {
    return refusal({ code: 'APPROVER.SELF_APPROVAL' });
  }
  if (request.status !== 'halted') return refusal({ code: 'REQUEST.NOT_PENDING', detail: { status: request.status } });
  if (input.cardVersion !== null && input.cardVersion !== request.cardVersion) return refusal({ code: 'REQUEST.STALE_CARD' });

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
    if (error instanceof VersionConflictError) return refusal({ code: 'REQUEST.STALE_CARD' });
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
  return done(next, say.resumedOrCancelled(input.actor, input.action));
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
