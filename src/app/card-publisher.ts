import { SoaRequest } from '../domain/soa-request';
import { renderRequestCard } from '../cards/request-card';
import { AppDeps, safeguardSwitchAppId } from './app-deps';
import { errorSummary } from './error-summary';
import { waitingApprovers } from './approver-rights';

/** Teams' limit of refresh.userIds. */
const MAX_REFRESH_USERS = 60;
/** How long "not a member of that conversation" is believed. */
const ROSTER_MISS_MS = 60 * 60_000;
/** Per app (keyed by its roster port): people not found in a conversation's roster, and when. */
const rosterMisses = new WeakMap<object, Map<string, number>>();

/**
 * Keeps every message the bot posted about a request in step with the request. Failures to update a
 * card are logged and never undo or block the recorded state: the record is the truth, cards follow.
 */
export function refreshCards(deps: AppDeps, request: SoaRequest): Promise<void> {
  // One refresh at a time per request, each rendering the latest stored state, so an older
  // edit can never land after a newer one and leave a card showing a past status.
  return deps.cardRefreshes
    .run(request.id, async () => {
      const latest = (await deps.requests.get(request.id).catch(() => null)) ?? request;
      await publish(deps, latest);
    })
    .catch((error) => deps.logger.warn({ requestId: request.id, err: errorSummary(error) }, 'card refresh failed'));
}

async function publish(deps: AppDeps, request: SoaRequest): Promise<void> {
  const refreshUserIds = await approverMris(deps, request);
  await Promise.all(
    request.cards.map(async (location) => {
      try {
        const card = renderRequestCard(request, {
          audience: 'everyone',
          refreshUserIds: location.role === 'approval' ? refreshUserIds : [],
          tenantId: deps.settings.tenantId,
          safeguardSwitchAppId: safeguardSwitchAppId(deps.settings),
          links: sharedCardLinks(deps, request, location.role),
        });
        await deps.chat.update(location.conversationKey, location.activityId, { card });
      } catch (error) {
        deps.logger.warn({ requestId: request.id, role: location.role, err: errorSummary(error) }, 'could not update a request card');
      }
    }),
  );
}

/**
 * MRIs of the people who may decide the open stage now (approval-rights.ts waitingApprovers: not the
 * requester, not someone who already decided), up to Teams' 60: their clients fetch the approver view
 * automatically. Others use "Show my options".
 */
export async function approverMris(deps: AppDeps, request: SoaRequest): Promise<string[]> {
  const ids = await waitingApprovers(deps, request).catch((error) => {
    deps.logger.warn({ requestId: request.id, err: errorSummary(error) }, 'could not list the waiting approvers');
    return [] as string[];
  });
  const mris: string[] = [];
  for (const id of ids) {
    if (mris.length >= MAX_REFRESH_USERS) break;
    const person = await personInTeams(deps, request, id);
    if (person) mris.push(person.mri);
  }
  return mris;
}

/**
 * A person's Teams user id (MRI) and name: from the people the bot knows (they wrote to it, or an
 * earlier lookup), else from the roster of the conversation holding the request's approval card, kept
 * durably for next time. null when they are not a member there (or the lookup failed: logged).
 */
export async function personInTeams(deps: AppDeps, request: SoaRequest, aadObjectId: string): Promise<{ mri: string; name: string } | null> {
  const known = await deps.conversations.personByAadObjectId(aadObjectId);
  if (known) return known;
  const where = request.cards.find((c) => c.role === 'approval')?.conversationKey ?? request.origin.conversationKey;
  // A person who is not in the roster is not asked about again for a while (every card edit would).
  let misses = rosterMisses.get(deps.roster);
  if (!misses) rosterMisses.set(deps.roster, (misses = new Map()));
  const now = deps.clock.now().getTime();
  const missedAt = misses.get(`${where}|${aadObjectId}`);
  if (missedAt !== undefined && now - missedAt < ROSTER_MISS_MS && now >= missedAt) return null;
  try {
    const member = await deps.roster.member(where, aadObjectId);
    if (!member) {
      if (misses.size > 10_000) misses.clear();
      misses.set(`${where}|${aadObjectId}`, now);
      return null;
    }
    await deps.conversations.savePerson({ aadObjectId, mri: member.mri, name: member.name, updatedAt: deps.clock.now().toISOString() });
    return member;
  } catch (error) {
    deps.logger.warn({ requestId: request.id, personId: aadObjectId, err: errorSummary(error) }, 'roster lookup failed');
    return null;
  }
}

/**
 * Links on a card message everyone in its conversation sees: none on the approval card (a channel or
 * group chat), since the tables are for the requester, the request's approvers and admins, who get them
 * in their own view (refresh); the requester's status copy in their personal chat keeps them.
 */
export function sharedCardLinks(deps: AppDeps, request: SoaRequest, role: 'approval' | 'status'): { label: string; url: string }[] {
  return role === 'status' ? cardLinks(deps, request) : [];
}

/** Bulk requests: signed, short-lived links to the full preflight table and, once running, the results. */
export function cardLinks(deps: AppDeps, request: SoaRequest): { label: string; url: string }[] {
  if (!request.bulk || !deps.fileLinks.enabled) return [];
  const links: { label: string; url: string }[] = [];
  const preflight = deps.fileLinks.url(request.id, 'preflight');
  if (preflight) links.push({ label: 'Download the full preflight table (CSV, link valid for a short time)', url: preflight });
  if (request.status !== 'pending' && request.status !== 'rejected' && request.status !== 'expired') {
    const results = deps.fileLinks.url(request.id, 'results');
    if (results) links.push({ label: 'Download the results table (CSV)', url: results });
  }
  return links;
}
