import { confirmSafeguard } from '../domain/approval-policy';
import { Person } from '../domain/soa-request';
import { VersionConflictError } from '../ports/request-store';
import { AppDeps } from './app-deps';
import { refreshCards } from './card-publisher';
import { errorSummary } from './error-summary';
import { DecisionReply } from './decide-request';
import { expireRequest } from './expire-request';
import { say } from './wording';
import { notifyRequestEvent } from './notify';
import { done, refusal } from './reply';
import { checkRole } from './role-check';
import { mayConfirm } from './request-access';

/** The rollback checklist step: a person attests the tenant safeguard is off; the bot records who and when. */
export async function confirmRollbackSafeguard(deps: AppDeps, input: { actor: Person; requestId: string; cardVersion: number | null }): Promise<DecisionReply> {
  const request = await deps.requests.get(input.requestId);
  if (!request) return refusal({ code: 'REQUEST.NOT_FOUND', detail: { requestId: input.requestId } });
  const allowed = await checkRole(deps, () => mayConfirm(deps, request, input.actor), {
    useCase: 'confirm-safeguard',
    requestId: request.id,
    actorId: input.actor.aadObjectId,
  });
  if (!allowed.ok) return refusal(allowed.error);
  const now = deps.clock.now();
  const outcome = confirmSafeguard({ request, actor: input.actor, actorMayConfirm: allowed.value, cardVersion: input.cardVersion, now });
  if (!outcome.ok) {
    if (outcome.expired) await expireRequest(deps, request);
    return refusal(outcome.error);
  }
  try {
    await deps.requests.update(outcome.request, request.version, [
      { requestId: request.id, at: now.toISOString(), type: 'safeguard.confirmed', actorId: input.actor.aadObjectId, data: { effect: outcome.effect } },
    ]);
  } catch (error) {
    if (error instanceof VersionConflictError) return refusal({ code: 'REQUEST.STALE_CARD' });
    throw error;
  }
  deps.logger.info({ requestId: request.id, actorId: input.actor.aadObjectId, effect: outcome.effect }, 'rollback safeguard confirmed');
  if (outcome.effect === 'approved') {
    await deps.jobs.enqueue({ key: `execute:${request.id}`, kind: 'execute', requestId: request.id, runAt: now.toISOString() });
    deps.kickJobs();
  }
  void refreshCards(deps, outcome.request).catch((error) => deps.logger.warn({ err: errorSummary(error) }, 'card refresh failed'));
  if (outcome.effect === 'approved') void notifyRequestEvent(deps, outcome.request, 'approved', input.actor);
  return done(outcome.request, say.safeguardConfirmed(input.actor, outcome.effect === 'approved'));
}
