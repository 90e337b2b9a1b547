import { z } from 'zod';
import { AppDeps } from '../app-deps';
import { switchSafeguard } from '../switch-safeguard';
import { TabViewer } from './tab-viewer';
import { Reply, done, refusal } from '../reply';

/** The body of POST /api/tab/requests/{id}/safeguard: nothing else is read. */
const SafeguardBody = z.object({ enabled: z.boolean() }).strict();

/**
 * The tab's "Switch the safeguard off / back on" (the card buttons open the tab on it): the person's own
 * SSO token, already validated, is handed to the use case for the on-behalf-of exchange. No bot role is
 * required: Graph lets only a Global Administrator switch it, so Graph's answer is the authorization.
 */
export async function safeguardFromTab(
  deps: AppDeps,
  viewer: TabViewer,
  requestId: string,
  body: unknown,
  userAssertion: string,
): Promise<Reply<{ enabled: boolean; status: string; version: number; text: string }>> {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(requestId)) return refusal({ code: 'REQUEST.NOT_FOUND', detail: { requestId: '' } });
  const parsed = SafeguardBody.safeParse(body);
  if (!parsed.success) return refusal({ code: 'TAB.BAD_BODY', detail: { expected: '{"enabled": true | false}' } });
  const reply = await switchSafeguard(deps, { actor: viewer.person, requestId, userAssertion, enabled: parsed.data.enabled });
  if (!reply.ok) return reply;
  return done({ enabled: parsed.data.enabled, status: reply.value.status, version: reply.value.cardVersion, text: reply.text ?? '' });
}
