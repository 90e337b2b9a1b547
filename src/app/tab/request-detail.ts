import { AppDeps } from '../app-deps';
import { hasAnyRole, rolesFor } from '../request-access';
import { NOT_VISIBLE, TabAnswer, TabViewer } from './tab-viewer';
import { detailView } from './request-views';

/**
 * GET /api/tab/requests/{id}: only for its requester, approvers of its kind and admins (the visibility rule
 * of request-access.ts, without the conversation check: the tab is not a conversation); anyone else gets
 * the neutral 404, the same as for an id that does not exist.
 */
export async function requestDetail(deps: AppDeps, viewer: TabViewer, requestId: string): Promise<TabAnswer<ReturnType<typeof detailView>>> {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(requestId)) return NOT_VISIBLE;
  const request = await deps.requests.get(requestId);
  if (!request) return NOT_VISIBLE;
  const roles = await rolesFor(deps, request, viewer.person);
  if (!hasAnyRole(roles)) {
    deps.refusals.record(viewer.person.aadObjectId, 'REQUEST.NOT_VISIBLE');
    return NOT_VISIBLE;
  }
  const me = viewer.person.aadObjectId;
  const decide = request.status === 'pending' && roles.approver && !roles.requester && !request.decisions.some((d) => d.by.aadObjectId.toLowerCase() === me);
  const resume = request.status === 'halted' && roles.approver && !roles.requester;
  return { ok: true, value: detailView(request, await deps.requests.events(request.id), deps.clock.now(), { decide, resume }) };
}
