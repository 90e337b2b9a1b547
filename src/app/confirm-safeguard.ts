import { confirmSafeguard } from '../domain/approval-policy';
import { Person, SoaRequest } from '../domain/soa-request';
import { VersionConflictError } from '../ports/request-store';
import { AppDeps } from './app-deps';
import { refreshCards } from './card-publisher';
import { errorSummary } from './error-summary';
import { DecisionReply } from './decide-request';
import { expireRequest } from './expire-request';
import { describeError } from './wording';
import { notifyRequestEvent } from './notify';
import { escapeMarkdown as md } from '../cards/markdown-text';

/** The rollback checklist step: a person attests the tenant safeguard is off; the bot records who and when. */
export async function confirmRollbackSafeguard(deps: AppDeps, input: { actor: Person; requestId: string; cardVersion: number | null }): Promise<DecisionReply> {
  const request = await deps.requests.get(input.requestId);
  if (!request)
    return {
      ok: false,
      error: { code: 'REQUEST.NOT_FOUND', detail: { requestId: input.requestId } },
      text: describeError({ code: 'REQUEST.NOT_FOUND', detail: { requestId: input.requestId } }),
      request: null,
    };
  const actorMayConfirm = await mayConfirm(deps, request, input.actor);
  const now = deps.clock.now();
  const outcome = confirmSafeguard({ request, actor: input.actor, actorMayConfirm, cardVersion: input.cardVersion, now });
  if (!outcome.ok) {
    const current = outcome.expired ? ((await expireRequest(deps, request)) ?? request) : request;
    return { ok: false, error: outcome.error, text: describeError(outcome.error), request: current };
  }
  try {
    await deps.requests.update(outcome.request, request.version, [
      { requestId: request.id, at: now.toISOString(), type: 'safeguard.confirmed', actorId: input.actor.aadObjectId, data: { effect: outcome.effect } },
    ]);
  } catch (error) {
    if (error instanceof VersionConflictError) {
      return {
        ok: false,
        error: { code: 'REQUEST.STALE_CARD' },
        text: describeError({ code: 'REQUEST.STALE_CARD' }),
        request: await deps.requests.get(request.id),
      };
    }
    throw error;
  }
  deps.logger.info({ requestId: request.id, actorId: input.actor.aadObjectId, effect: outcome.effect }, 'rollback safeguard confirmed');
  if (outcome.effect === 'approved') {
    await deps.jobs.enqueue({ key: `execute:${request.id}`, kind: 'execute', requestId: request.id, runAt: now.toISOString() });
    deps.kickJobs();
  }
  void refreshCards(deps, outcome.request).catch((error) => deps.logger.warn({ err: errorSummary(error) }, 'card refresh failed'));
  const text =
    outcome.effect === 'approved'
      ? `Safeguard step confirmed by ${md(input.actor.name, 100)}. The rollback is approved and starting; I will post the outcome here.`
      : `Safeguard step confirmed by ${md(input.actor.name, 100)}. The rollback still needs its approvals.`;
  if (outcome.effect === 'approved') void notifyRequestEvent(deps, outcome.request, 'approved', input.actor);
  return { ok: true, request: outcome.request, text };
}

/** Who may attest: the requester or a rollback approver (an attestation, not an approval). */
export async function mayConfirm(deps: AppDeps, request: SoaRequest, actor: Person): Promise<boolean> {
  if (!actor.aadObjectId) return false;
  if (actor.aadObjectId === request.requester.aadObjectId.toLowerCase()) return true;
  return deps.authorization.isApproverFor('rollback', actor.aadObjectId).catch(() => false);
}
