import { ApproverRights, decide } from '../domain/approval-policy';
import { approverRightsFor } from './approver-rights';
import { tellPersonally } from './personal-notice';
import { expireRequest } from './expire-request';
import { Person, SoaRequest } from '../domain/soa-request';
import { VersionConflictError } from '../ports/request-store';
import { AppDeps } from './app-deps';
import { refreshCards } from './card-publisher';
import { errorSummary } from './error-summary';
import { say } from './wording';
import { Reply, done, refusal } from './reply';
import { roleCheckFailed } from './role-check';
import { notifyRequestEvent } from './notify';
import { frozenState } from './freeze';

export interface DecisionInput {
  actor: Person;
  requestId: string;
  decision: 'approve' | 'reject';
  /** Version shown on the clicked card; null for the typed fallback. */
  cardVersion: number | null;
  comment?: string | null;
  /** Where the decision was made when not on a card or by a typed command: recorded in the event ("tab"). */
  via?: 'tab';
}

/**
 * What a decision on a request answers (approve, reject, resume, cancel, confirm): the request as it is
 * now. After a refusal the caller re-reads it (it may have expired or moved on meanwhile).
 */
export type DecisionReply = Reply<SoaRequest>;

/**
 * Approve or reject. The request is reloaded and every rule is checked against server state; the
 * write is compare-and-set, so two simultaneous clicks cannot both count. Card updates and execution
 * happen after the answer, never inside it.
 */
export async function decideRequest(deps: AppDeps, input: DecisionInput): Promise<DecisionReply> {
  const log = deps.logger.child({ useCase: 'decide', requestId: input.requestId, actorId: input.actor.aadObjectId });
  const request = await deps.requests.get(input.requestId);
  if (!request) return refusal({ code: 'REQUEST.NOT_FOUND', detail: { requestId: input.requestId } });

  let rights: ApproverRights;
  try {
    rights = await approverRightsFor(deps, request, input.actor.aadObjectId);
  } catch (error) {
    log.warn({ err: errorSummary(error) }, 'role check failed: refused');
    return refusal(roleCheckFailed(error));
  }

  const now = deps.clock.now();
  const outcome = decide({ request, actor: input.actor, rights, decision: input.decision, cardVersion: input.cardVersion, comment: input.comment, now });
  if (!outcome.ok) {
    if (outcome.error.code === 'APPROVER.NOT_ALLOWED') {
      // Not an approver: counted and logged per minute, never one row per click (a flood must not grow the store).
      deps.refusals.record(input.actor.aadObjectId, outcome.error.code);
    } else {
      // An approver's refused decision (stale card, already decided, self-approval...) is evidence: kept.
      log.info({ code: outcome.error.code }, 'decision refused');
      await deps.requests.appendEvents([
        {
          requestId: request.id,
          at: now.toISOString(),
          type: 'decision.refused',
          actorId: input.actor.aadObjectId,
          data: { decision: input.decision, code: outcome.error.code, cardVersion: input.cardVersion, ...(input.via ? { via: input.via } : {}) },
        },
      ]);
    }
    if (outcome.expired) await expireRequest(deps, request);
    return refusal(outcome.error);
  }

  const next = outcome.request;
  const entry = next.decisions[next.decisions.length - 1];
  try {
    await deps.requests.update(next, request.version, [
      {
        requestId: request.id,
        at: now.toISOString(),
        type: `decision.${input.decision}`,
        actorId: input.actor.aadObjectId,
        data: {
          cardVersion: input.cardVersion,
          comment: entry.comment ?? null,
          effect: outcome.effect,
          stage: entry.stage ?? 0,
          as: entry.as ?? 'approver',
          onBehalfOf: entry.onBehalfOf?.aadObjectId ?? null,
          ...(input.via ? { via: input.via } : {}),
        },
      },
    ]);
  } catch (error) {
    if (error instanceof VersionConflictError) {
      // Someone else changed it between our read and write: their decision stands, ours is not applied.
      return refusal({ code: 'REQUEST.STALE_CARD' });
    }
    throw error;
  }
  log.info({ effect: outcome.effect, version: next.version }, 'decision recorded');

  if (outcome.effect === 'approved' || outcome.effect === 'awaiting-safeguard' || outcome.effect === 'rejected') {
    void notifyRequestEvent(deps, next, outcome.effect === 'rejected' ? 'rejected' : 'approved', input.actor);
  }
  if (outcome.effect === 'approved') {
    await deps.jobs.enqueue({ key: `execute:${next.id}`, kind: 'execute', requestId: next.id, runAt: now.toISOString() });
    deps.kickJobs();
  }
  void afterDecision(deps, next, outcome.effect, input.actor);
  if (entry.onBehalfOf) {
    // The delegator is told whenever their delegate decides for them.
    void tellPersonally(
      deps,
      entry.onBehalfOf.aadObjectId,
      { text: say.decidedForYou(input.actor, input.decision, next.id, entry.comment ?? null) },
      `delegate-decided:${next.id}:${entry.by.aadObjectId}`,
    );
  }
  const frozen = outcome.effect === 'approved' ? await frozenState(deps) : null;
  return done(next, say.decided(next, outcome.effect, input.actor, { frozen: frozen !== null }));
}

/** Cards and the requester's notice, after the click has been answered. */
async function afterDecision(deps: AppDeps, request: SoaRequest, effect: string, actor: Person): Promise<void> {
  try {
    await refreshCards(deps, request);
    if (effect === 'rejected') {
      const comment = request.decisions[request.decisions.length - 1].comment;
      await deps.chat.post(request.origin.conversationKey, { text: say.rejectedToRequester(request, actor, comment ?? null) });
    }
  } catch (error) {
    deps.logger.warn({ requestId: request.id, err: errorSummary(error) }, 'could not publish a decision');
  }
}
