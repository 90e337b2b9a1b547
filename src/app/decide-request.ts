import { ApproverRights, currentStage, decide, stageApprovals, stagesOf } from '../domain/approval-policy';
import { approverRightsFor } from './approver-rights';
import { tellPersonally } from './personal-notice';
import { expireRequest } from './expire-request';
import { DomainError } from '../domain/errors';
import { Person, SoaRequest, targetCount } from '../domain/soa-request';
import { DirectoryError } from '../ports/directory';
import { VersionConflictError } from '../ports/request-store';
import { AppDeps } from './app-deps';
import { refreshCards } from './card-publisher';
import { errorSummary } from './error-summary';
import { describeError } from './wording';
import { notifyRequestEvent } from './notify';
import { frozenState } from './freeze';
import { escapeMarkdown as md } from '../cards/markdown-text';

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

export type DecisionReply = { ok: true; request: SoaRequest; text: string } | { ok: false; error: DomainError; text: string; request: SoaRequest | null };

/**
 * Approve or reject. The request is reloaded and every rule is checked against server state; the
 * write is compare-and-set, so two simultaneous clicks cannot both count. Card updates and execution
 * happen after the answer, never inside it.
 */
export async function decideRequest(deps: AppDeps, input: DecisionInput): Promise<DecisionReply> {
  const log = deps.logger.child({ useCase: 'decide', requestId: input.requestId, actorId: input.actor.aadObjectId });
  const request = await deps.requests.get(input.requestId);
  if (!request) return refuse({ code: 'REQUEST.NOT_FOUND', detail: { requestId: input.requestId } }, null);

  let rights: ApproverRights;
  try {
    rights = await approverRightsFor(deps, request, input.actor.aadObjectId);
  } catch (error) {
    const code = error instanceof DirectoryError ? error.code : 'GRAPH.UNKNOWN';
    log.warn({ err: errorSummary(error) }, 'approver check failed');
    return refuse({ code, detail: { permission: error instanceof DirectoryError ? (error.details.permission ?? null) : null } }, request);
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
    if (outcome.expired) {
      const expired = await expireRequest(deps, request);
      return refuse(outcome.error, expired ?? request);
    }
    return refuse(outcome.error, request);
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
      const current = await deps.requests.get(request.id);
      return refuse({ code: 'REQUEST.STALE_CARD' }, current);
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
      {
        text: `${md(input.actor.name, 100)} ${input.decision === 'approve' ? 'approved' : 'rejected'} request ${next.id} for you (your delegation)${entry.comment ? `: "${md(entry.comment, 500)}"` : '.'}`,
      },
      `delegate-decided:${next.id}:${entry.by.aadObjectId}`,
    );
  }
  const frozen = outcome.effect === 'approved' ? await frozenState(deps) : null;
  const held = frozen ? ' Executions are frozen right now: it will start when an admin writes `unfreeze`.' : '';
  return { ok: true, request: next, text: decisionText(next, outcome.effect, input.actor) + held };
}

/** Cards and the requester's notice, after the click has been answered. */
async function afterDecision(deps: AppDeps, request: SoaRequest, effect: string, actor: Person): Promise<void> {
  try {
    await refreshCards(deps, request);
    if (effect === 'rejected') {
      const comment = request.decisions[request.decisions.length - 1].comment;
      const text = `${mention(request.requester)}: your request ${request.id} was rejected by ${md(actor.name, 100)}${comment ? `: "${md(comment, 1000)}"` : '.'}`;
      await deps.chat.post(request.origin.conversationKey, { text });
    }
  } catch (error) {
    deps.logger.warn({ requestId: request.id, err: errorSummary(error) }, 'could not publish a decision');
  }
}

function decisionText(request: SoaRequest, effect: string, actor: Person): string {
  switch (effect) {
    case 'approved':
      return `Approved by ${md(actor.name, 100)}. The ${request.kind} of ${targetCount(request, request.targets.length)} is starting; I will post the outcome here.`;
    case 'awaiting-safeguard':
      return `Approved by ${md(actor.name, 100)}. Before the rollback runs, someone must confirm on the card that the tenant safeguard is off.`;
    case 'approval-recorded': {
      const stages = stagesOf(request);
      const stage = currentStage(request);
      const count = stageApprovals(request, stage).length;
      const of = stages.length > 1 ? ` in the "${md(stages[stage].name, 60)}" stage` : '';
      return `Your approval is recorded (${count} of ${stages[stage].quorum}${of}). Waiting for another approver.`;
    }
    case 'stage-completed': {
      const stages = stagesOf(request);
      const stage = currentStage(request);
      return `Your approval is recorded and the "${md(stages[stage - 1].name, 60)}" stage is complete. The "${md(stages[stage].name, 60)}" stage (stage ${stage + 1} of ${stages.length}) is now open.`;
    }
    default:
      return `Rejected by ${md(actor.name, 100)}. The requester has been told; nothing will be changed.`;
  }
}

function mention(person: Person): string {
  return md(person.name, 100);
}

function refuse(error: DomainError, request: SoaRequest | null): DecisionReply {
  return { ok: false, error, text: describeError(error), request };
}
