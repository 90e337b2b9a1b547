import { z } from 'zod';
import { ErrorCode } from '../../domain/errors';
import { AppDeps } from '../app-deps';
import { switchSafeguard } from '../switch-safeguard';
import { TabAnswer, TabViewer, refused } from './tab-viewer';

/** The body of POST /api/tab/requests/{id}/safeguard: nothing else is read. */
const SafeguardBody = z.object({ enabled: z.boolean() }).strict();

const STATUS_OF: Partial<Record<ErrorCode, 403 | 404 | 409>> = {
  'REQUEST.NOT_FOUND': 404,
  'SAFEGUARD.NOT_GLOBAL_ADMIN': 403,
  'SAFEGUARD.SIGN_IN_FAILED': 403,
  'SAFEGUARD.SWITCH_NOT_ENABLED': 409,
  'SAFEGUARD.NOT_NEEDED': 409,
};

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
): Promise<TabAnswer<{ enabled: boolean; status: string; version: number; text: string }>> {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(requestId)) return refused(404, 'REQUEST.NOT_FOUND', { requestId: '' });
  const parsed = SafeguardBody.safeParse(body);
  if (!parsed.success) return refused(400, 'TAB.BAD_BODY', { expected: '{"enabled": true | false}' });
  const reply = await switchSafeguard(deps, { actor: viewer.person, requestId, userAssertion, enabled: parsed.data.enabled });
  if (!reply.ok) return { ok: false, status: STATUS_OF[reply.error.code] ?? 409, code: reply.error.code, message: reply.text };
  return { ok: true, value: { enabled: parsed.data.enabled, status: reply.request.status, version: reply.request.cardVersion, text: reply.text } };
}
