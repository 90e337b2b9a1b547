import { z } from 'zod';
import { AppDeps } from '../app-deps';
import { decideRequest } from '../decide-request';
import { resumeOrCancel } from '../bulk/resume-cancel';
import { hasAnyRole, rolesFor } from '../request-access';
import { NOT_VISIBLE, TabViewer } from './tab-viewer';
import { Reply, done, refusal } from '../reply';

/** The body of POST /api/tab/requests/{id}/decision: nothing else is read. */
const DecisionBody = z
  .object({
    decision: z.enum(['approve', 'reject', 'resume', 'cancel']),
    comment: z.string().max(1000).nullable().optional(),
    version: z.number().int().min(0).max(1_000_000),
  })
  .strict();

/**
 * A decision from the tab goes through the use case of the same card click: approve/reject through
 * decideRequest, resume/cancel of a halted wave through resumeOrCancel. They check the approver, no
 * self-approval (resuming is an approval), one decision per person, the version the tab showed, expiry;
 * cards are refreshed and the requester told exactly as after a click. The event records `via: "tab"`. Someone who
 * may not see the request gets the neutral 404 first (no way to probe which ids exist).
 */
export async function decideFromTab(
  deps: AppDeps,
  viewer: TabViewer,
  requestId: string,
  body: unknown,
): Promise<Reply<{ status: string; version: number; text: string }>> {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(requestId)) return NOT_VISIBLE;
  const request = await deps.requests.get(requestId);
  if (!request || !hasAnyRole(await rolesFor(deps, request, viewer.person))) {
    deps.refusals.record(viewer.person.aadObjectId, 'REQUEST.NOT_VISIBLE');
    return NOT_VISIBLE;
  }
  const parsed = DecisionBody.safeParse(body);
  if (!parsed.success) return refusal({ code: 'TAB.BAD_BODY' });
  const { decision, comment, version } = parsed.data;
  const reply =
    decision === 'resume' || decision === 'cancel'
      ? await resumeOrCancel(deps, { actor: viewer.person, requestId: request.id, cardVersion: version, action: decision, via: 'tab' })
      : await decideRequest(deps, { actor: viewer.person, requestId: request.id, decision, cardVersion: version, comment: comment ?? null, via: 'tab' });
  if (!reply.ok) return reply;
  return done({ status: reply.value.status, version: reply.value.cardVersion, text: reply.text ?? '' });
}
