import { AppDeps } from '../app-deps';
import { hasAnyRole, mayDecideNow, rolesFor } from '../request-access';
import { NOT_VISIBLE, TabViewer } from './tab-viewer';
import { Reply, done, refusal } from '../reply';
import { detailView, peopleNames, PER_CALL_EVENTS, TargetPage } from './request-views';
import { RequestEvent, RequestSummary } from '../../ports/request-store';

/**
 * GET /api/tab/requests/{id}: only for its requester, approvers of its kind and admins (the visibility rule
 * of request-access.ts, without the conversation check: the tab is not a conversation); anyone else gets
 * the neutral 404, the same as for an id that does not exist.
 */
export async function requestDetail(
  deps: AppDeps,
  viewer: TabViewer,
  requestId: string,
  query: { targetsCursor?: string; targetsLimit?: string } = {},
): Promise<Reply<ReturnType<typeof detailView>>> {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(requestId)) return NOT_VISIBLE;
  const page = targetPage(query);
  if (!page.ok) return page;
  // The request without its targets: a 10,000-user request is read a page of users at a time.
  const request = await deps.requests.getSummary(requestId);
  if (!request) return NOT_VISIBLE;
  const roles = await rolesFor(deps, { ...request, targets: [] }, viewer.person);
  if (!hasAnyRole(roles)) {
    deps.refusals.record(viewer.person.aadObjectId, 'REQUEST.NOT_VISIBLE');
    return NOT_VISIBLE;
  }
  // The same rule as the card's Approve/Reject (stages, escalation, delegation).
  const decide = await mayDecideNow(deps, request, viewer.person, roles);
  // The rules of resume-cancel.ts: resuming is an approval (not one's own request); cancelling only stops what is left.
  const resume = request.status === 'halted' && roles.approver && !roles.requester;
  const cancel = request.status === 'halted' && roles.approver;
  const [targets, outcomes, events] = await Promise.all([
    deps.requests.targetPage(request.id, page.value.offset, page.value.limit),
    deps.requests.targetOutcomes(request.id),
    deps.requests.events(request.id, { excludeTypes: PER_CALL_EVENTS }),
  ]);
  const userIds = targets.map((t) => t.preflight.userId).filter((id): id is string => Boolean(id));
  const [graphWrites, knownPeople] = await Promise.all([deps.requests.graphWriteResults(request.id, userIds), otherActors(deps, request, events)]);
  return done(
    detailView(
      {
        request,
        targets,
        page: page.value,
        outcomes,
        events,
        graphWrites,
        may: { decide, resume, cancel },
        knownPeople,
        safeguardSwitchOn: deps.settings.safeguard?.mode === 'obo' && Boolean(deps.safeguardSwitch),
      },
      deps.clock.now(),
    ),
  );
}

export const DEFAULT_TARGETS_PAGE = 200;
export const MAX_TARGETS_PAGE = 1000;

/** targetsCursor: the position the page starts at (the previous page's targetsNextCursor); targetsLimit 1..1000, 200 by default. */
function targetPage(query: { targetsCursor?: string; targetsLimit?: string }): Reply<TargetPage> {
  const limit = query.targetsLimit === undefined ? DEFAULT_TARGETS_PAGE : Number(query.targetsLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_TARGETS_PAGE) return refusal({ code: 'TAB.BAD_QUERY', detail: { filter: 'targetsLimit' } });
  const offset = query.targetsCursor === undefined ? 0 : /^\d{1,7}$/.test(query.targetsCursor) ? Number(query.targetsCursor) : NaN;
  if (!Number.isInteger(offset)) return refusal({ code: 'TAB.BAD_QUERY', detail: { filter: 'targetsCursor' } });
  return done({ offset, limit });
}

/** Bounds the people looked up for one detail: events are by the requester, approvers and a few admins. */
const MAX_LOOKUPS = 20;

/**
 * Names of event actors the request does not name itself (who resumed or cancelled a wave, say), from
 * the people the bot has met in chat. Unknown people stay unnamed (their id is still shown).
 */
async function otherActors(deps: AppDeps, request: RequestSummary, events: RequestEvent[]): Promise<Map<string, string>> {
  const named = peopleNames(request);
  const unknown = [...new Set(events.map((e) => e.actorId?.toLowerCase()).filter((id): id is string => Boolean(id) && !named.has(id!)))].slice(0, MAX_LOOKUPS);
  const found = await Promise.all(unknown.map((id) => deps.conversations.personByAadObjectId(id).catch(() => null)));
  return new Map(found.filter((p): p is NonNullable<typeof p> => p !== null).map((p) => [p.aadObjectId.toLowerCase(), p.name]));
}
