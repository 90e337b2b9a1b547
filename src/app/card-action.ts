import { CardActionData, CardVerb, VERBS } from '../cards/action-data';
import { AdaptiveCard } from '../cards/adaptive-card';
import { ActionPlace, comesFromRequestCard, conversationHoldsRequest } from '../domain/card-binding';
import { Person, SoaRequest } from '../domain/soa-request';
import { AppDeps } from './app-deps';
import { confirmRollbackSafeguard } from './confirm-safeguard';
import { DecisionReply, decideRequest } from './decide-request';
import { resumeOrCancel } from './bulk/resume-cancel';
import { requestGuidedGroups } from './request-group';
import { say } from './wording';
import { Reply, done, refusal } from './reply';
import { hasAnyRole, mayView, personalView, rolesFor } from './request-access';

/**
 * The answer to a card action: the use case's Reply (its words are the toast, or the reply of a Submit
 * fallback) and, beside it, the person's view of the card when they may see it (null: the words are the
 * whole answer). A refused action shows the card too: the request as it is now.
 */
export type CardActionAnswer = Reply<unknown> & { card: AdaptiveCard | null };

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
    return withoutCard(refusal({ code: 'REQUEST.NOT_VISIBLE' }));
  }
  const roles = await rolesFor(deps, request, actor);
  if (!hasAnyRole(roles)) {
    deps.refusals.record(actor.aadObjectId, 'REQUEST.NOT_VISIBLE');
    return withoutCard(refusal({ code: 'REQUEST.NOT_VISIBLE' }));
  }
  if (verb === VERBS.refresh) {
    if (!conversationHoldsRequest(request, place.conversationId)) {
      deps.refusals.record(actor.aadObjectId, 'REQUEST.NOT_VISIBLE');
      return withoutCard(refusal({ code: 'REQUEST.NOT_VISIBLE' }));
    }
    return { ...done(request), card: await personalView(deps, actor, request, roles) };
  }
  if (!comesFromRequestCard(request, place)) {
    deps.logger.warn({ requestId: request.id, actorId: actor.aadObjectId, verb }, "card action not from the request's card: refused");
    return withoutCard(refusal({ code: 'CARD.NOT_FROM_REQUEST_CARD' }));
  }
  const reply = await act(deps, actor, verb, data);
  const text = reply.text ?? '';
  // A refused action shows the request as it is now (it may have expired or moved on meanwhile).
  const current = reply.ok ? reply.value : await deps.requests.get(request.id);
  const view = current ? await mayView(deps, current, actor, place.conversationId) : null;
  const card = current && view?.ok ? await personalView(deps, actor, current, view.roles, { text, tone: reply.ok ? 'good' : 'attention' }) : null;
  return { ...reply, card };
}

const withoutCard = (reply: Reply<unknown>): CardActionAnswer => ({ ...reply, card: null });

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
): Promise<DecisionReply> {
  const found = await requestHere(deps, input.actor, input.requestId, input.conversationId, input.verb);
  if (!found.ok) return found;
  const verb = input.verb === 'confirm' ? VERBS.confirmSafeguard : input.verb === 'resume' ? VERBS.resume : VERBS.cancel;
  return act(deps, input.actor, verb, { requestId: found.value.id, version: -1 }, null);
}

/**
 * The typed fallback `approve <id>` / `reject <id> <comment>` (Teams mobile without Universal Actions).
 * Accepted only in a conversation that holds the request's card; the answer says exactly what was
 * decided: the card version, the number of users and, for a bulk request, the list fingerprint.
 */
export async function decideByText(
  deps: AppDeps,
  input: { actor: Person; requestId: string; decision: 'approve' | 'reject'; comment: string | null; conversationId: string },
): Promise<DecisionReply> {
  const found = await requestHere(deps, input.actor, input.requestId, input.conversationId, input.decision);
  if (!found.ok) return found;
  const reply = await decideRequest(deps, {
    actor: input.actor,
    requestId: found.value.id,
    decision: input.decision,
    cardVersion: null,
    comment: input.comment,
  });
  if (!reply.ok) return reply;
  return done(reply.value, `${reply.text} ${say.whatWasDecided(reply.value, input.decision)}`);
}

/**
 * A typed command on a request: only for its requester, approvers and admins (otherwise the neutral
 * REQUEST.NOT_VISIBLE, counted), and only in a conversation that holds its card.
 */
async function requestHere(deps: AppDeps, actor: Person, requestId: string, conversationId: string, verb: string): Promise<Reply<SoaRequest>> {
  const request = await deps.requests.get(requestId);
  if (!request || !hasAnyRole(await rolesFor(deps, request, actor))) {
    deps.refusals.record(actor.aadObjectId, 'REQUEST.NOT_VISIBLE');
    return refusal({ code: 'REQUEST.NOT_VISIBLE' });
  }
  if (!conversationHoldsRequest(request, conversationId)) return refusal({ code: 'COMMAND.NOT_IN_CARD_CONVERSATION', detail: { verb } });
  return done(request);
}
