import { renderRequestCard } from '../cards/request-card';
import { SoaRequest, revise } from '../domain/soa-request';
import { AppDeps, safeguardSwitchAppId } from './app-deps';
import { approverMris, sharedCardLinks } from './card-publisher';
import { errorSummary } from './error-summary';

/**
 * Where a new request's approval card goes: the conversation it was asked in, or, for a request made in
 * a personal chat, the approvals channel (null when none is configured or the bot was never added to it).
 */
export async function approvalConversationKey(deps: AppDeps, origin: SoaRequest['origin']): Promise<string | null> {
  if (origin.kind !== 'personal') return origin.conversationKey;
  if (!deps.settings.approvalChannelId) return null;
  const channel = await deps.conversations.findByChannelId(deps.settings.approvalChannelId);
  return channel?.key ?? null;
}

/**
 * Posts a new request's cards: the approval card (approvers mentioned, refreshed per person) and, for a
 * request made in a personal chat, a status card there; records where they are. A card that cannot be
 * posted is logged and the request stands (its record and the tab still show it).
 */
export async function postRequestCards(deps: AppDeps, request: SoaRequest, approvalKey: string): Promise<SoaRequest> {
  let current = request;
  const locations: SoaRequest['cards'] = [];
  const refreshUserIds = await approverMris(deps, request);
  try {
    const id = await deps.chat.post(approvalKey, {
      card: renderRequestCard(request, {
        audience: 'everyone',
        refreshUserIds,
        tenantId: deps.settings.tenantId,
        safeguardSwitchAppId: safeguardSwitchAppId(deps.settings),
        links: sharedCardLinks(deps, request, 'approval'),
      }),
    });
    locations.push({ role: 'approval', conversationKey: approvalKey, activityId: id });
  } catch (error) {
    deps.logger.error({ requestId: request.id, err: errorSummary(error) }, 'could not post the approval card');
  }
  if (request.origin.kind === 'personal') {
    try {
      const id = await deps.chat.post(request.origin.conversationKey, {
        card: renderRequestCard(request, { audience: 'everyone', tenantId: deps.settings.tenantId, safeguardSwitchAppId: safeguardSwitchAppId(deps.settings) }),
      });
      locations.push({ role: 'status', conversationKey: request.origin.conversationKey, activityId: id });
    } catch (error) {
      deps.logger.error({ requestId: request.id, err: errorSummary(error) }, 'could not post the status card');
    }
  }
  if (locations.length > 0) {
    // Card locations are bookkeeping, not a decision: they do not change the version the cards show.
    const next = revise(current, { cards: locations }, { card: false });
    await deps.requests.update(next, current.version, [
      {
        requestId: request.id,
        at: deps.clock.now().toISOString(),
        type: 'card.posted',
        data: { cards: locations.map((l) => ({ role: l.role, activityId: l.activityId })) },
      },
    ]);
    current = next;
  }
  return current;
}
