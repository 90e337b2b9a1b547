import { CardActionData, CardVerb, VERBS } from '../cards/action-data';
import { AdaptiveCard } from '../cards/adaptive-card';
import { ActionPlace, comesFromRequestCard, conversationHoldsRequest } from '../domain/card-binding';
import { DomainError } from '../domain/errors';
import { Person, SoaRequest, targetCount } from '../domain/soa-request';
import { AppDeps } from './app-deps';
import { confirmRollbackSafeguard } from './confirm-safeguard';
import { DecisionReply, decideRequest } from './decide-request';
import { resumeOrCancel } from './bulk/resume-cancel';
import { requestGuidedGroups } from './request-group';
import { describeError } from './wording';
import { hasAnyRole, mayView, personalView, rolesFor } from './request-access';

/** The answer to a card action: the text (toast, or the reply of a Submit fallback) and, when the person may see it, their card. */
export interface CardActionAnswer {
  ok: boolean;
  text: string;
  card: AdaptiveCard | null;
  /** The refusal, when there was one (stable code). */
  error?: DomainError;
}

const notVisible = (): CardActionAnswer => ({
  ok: false,
  text: describeError({ code: 'REQUEST.NOT_VISIBLE' }),
  card: null,
  error: { code: 'REQUEST.NOT_VISIBLE' },
});

/**
 * One card action (Action.Execute click, automatic refresh, or the Action.Submit fallback of older
 * clients), decided in this order:
 * 1. the request must exist and the person must hold a role for it (requester, approver of its kind,
 *    admin); otherwise the neutral REQUEST.NOT_VISIBLE answer, the same whether the request exists or
 *    not, counted (not stored) as a refusal;
 * 2. a refresh ("Show my options") shows the person's own view only in a conversation that holds the
 *    request's card; elsewhere the neutral answer;
 * 3. anything that changes the request must come from one of the request's own card messages
 *    (conversation and replyToId = the card's activity id); otherwise CARD.NOT_FROM_REQUEST_CARD;
 * 4. the use case decides (approver, self-approval, version, status) and its answer comes with the
 *    person's view of the card.
 */
export async function answerCardAction(
  deps: AppDeps,
  input: { actor: Person; place: ActionPlace; verb: CardVerb; data: CardActionData },
): Promise<CardActionAnswer> {
  const { actor, place, verb, data } = input;
  const request = await deps.requests.get(data.requestId);
  if (!request) {
    deps.refusals.record(actor.aadObjectId, 'REQUEST.NOT_VISIBLE');
    return notVisible();
  }
  const roles = await rolesFor(deps, request, actor);
  if (!hasAnyRole(roles)) {
    deps.refusals.record(actor.aadObjectId, 'REQUEST.NOT_VISIBLE');
    return notVisible();
  }
  if (verb === VERBS.refresh) {
    if (!conversationHoldsRequest(request, place.conversationId)) {
      deps.refusals.record(actor.aadObjectId, 'REQUEST.NOT_VISIBLE');
      return notVisible();
    }
    return { ok: true, text: '', card: await personalView(deps, actor, request, roles) };
  }
  if (!comesFromRequestCard(request, place)) {
    deps.logger.warn({ requestId: request.id, actorId: actor.aadObjectId, verb }, "card action not from the request's card: refused");
    const error: DomainError = { code: 'CARD.NOT_FROM_REQUEST_CARD' };
    return { ok: false, text: describeError(error), card: null, error };
  }
  const reply = await act(deps, actor, verb, data);
  if (!reply.request) return { ok: reply.ok, text: reply.text, card: null, error: reply.ok ? undefined : reply.error };
  const view = await mayView(deps, reply.request, actor, place.conversationId);
  const card = view.ok ? await personalView(deps, actor, reply.request, view.roles, { text: reply.text, tone: reply.ok ? 'good' : 'attention' }) : null;
  return { ok: reply.ok, text: reply.text, card, error: reply.ok ? undefined : reply.error };
}

/** One verb to its use case; `cardVersion` null for a typed command (no card version to check). */
function act(deps: AppDeps, actor: Person, verb: CardVerb, data: CardActionData, cardVersion: number | null = data.version): Promise<DecisionReply> {
  const { requestId } = data;
  const version = cardVersion;
  switch (verb) {
    case VERBS.confirmSafeguard:
      return confirmRollbackSafeguard(deps, { actor, requestId, cardVersion: version });
    case VERBS.requestGroups:
      return requestGuidedGroups(deps, { actor, requestId });
    case VERBS.resume:
    case VERBS.cancel:
      return resumeOrCancel(deps, { actor, requestId, cardVersion: version, action: verb === VERBS.resume ? 'resume' : 'cancel' });
    default:
      return decideRequest(deps, {
        actor,
        requestId,
        decision: verb === VERBS.approve ? 'approve' : 'reject',
        cardVersion: version,
        comment: data.comment ?? null,
      });
  }
}

/**
 * The typed fallback of the card's other buttons, `resume <id>`, `cancel <id>`, `confirm <id>` (Teams
 * mobile): the same use cases as the buttons and the Submit fallback, accepted only in a conversation that
 * holds the request's card.
 */
export async function actByText(
  deps: AppDeps,
  input: { actor: Person; requestId: string; verb: 'resume' | 'cancel' | 'confirm'; conversationId: string },
): Promise<{ ok: boolean; text: string; error?: DomainError }> {
  const request = await deps.requests.get(input.requestId);
  if (!request || !hasAnyRole(await rolesFor(deps, request, input.actor))) {
    deps.refusals.record(input.actor.aadObjectId, 'REQUEST.NOT_VISIBLE');
    return { ok: false, text: describeError({ code: 'REQUEST.NOT_VISIBLE' }), error: { code: 'REQUEST.NOT_VISIBLE' } };
  }
  if (!conversationHoldsRequest(request, input.conversationId)) {
    const error: DomainError = { code: 'COMMAND.NOT_IN_CARD_CONVERSATION', detail: { verb: input.verb } };
    return { ok: false, text: describeError(error), error };
  }
  const verb = input.verb === 'confirm' ? VERBS.confirmSafeguard : input.verb === 'resume' ? VERBS.resume : VERBS.cancel;
  const reply = await act(deps, input.actor, verb, { requestId: request.id, version: -1 }, null);
  return reply.ok ? { ok: true, text: reply.text } : { ok: false, text: reply.text, error: reply.error };
}

/**
 * The typed fallback `approve <id>` / `reject <id> <comment>` (Teams mobile without Universal Actions).
 * Accepted only in a conversation that holds the request's card; the answer says exactly what was
 * decided: the card version, the number of users and, for a bulk request, the list fingerprint.
 */
export async function decideByText(
  deps: AppDeps,
  input: { actor: Person; requestId: string; decision: 'approve' | 'reject'; comment: string | null; conversationId: string },
): Promise<{ ok: boolean; text: string; error?: DomainError }> {
  const request = await deps.requests.get(input.requestId);
  if (!request || !hasAnyRole(await rolesFor(deps, request, input.actor))) {
    deps.refusals.record(input.actor.aadObjectId, 'REQUEST.NOT_VISIBLE');
    return { ok: false, text: describeError({ code: 'REQUEST.NOT_VISIBLE' }), error: { code: 'REQUEST.NOT_VISIBLE' } };
  }
  if (!conversationHoldsRequest(request, input.conversationId)) {
    const error: DomainError = { code: 'COMMAND.NOT_IN_CARD_CONVERSATION', detail: { verb: input.decision } };
    return { ok: false, text: describeError(error), error };
  }
  const reply = await decideRequest(deps, { actor: input.actor, requestId: request.id, decision: input.decision, cardVersion: null, comment: input.comment });
  if (!reply.ok) return { ok: false, text: reply.text, error: reply.error };
  return { ok: true, text: `${reply.text} ${whatWasDecided(reply.request, input.decision)}` };
}

/** The version the decision applied to (the one before it) and what it covers. */
function whatWasDecided(decided: SoaRequest, decision: 'approve' | 'reject'): string {
  const users = targetCount(decided, decided.targets.length);
  const list = decided.bulk ? `, list fingerprint ${decided.bulk.fingerprint}` : '';
  return `You ${decision === 'approve' ? 'approved' : 'rejected'} version ${decided.cardVersion - 1} of request ${decided.id}'s card: ${users}${list}.`;
}
