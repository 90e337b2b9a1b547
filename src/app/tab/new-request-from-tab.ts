import { z } from 'zod';
import { DomainError, isDirectoryFailure } from '../../domain/errors';
import { requestGroupSoa } from '../request-group';
import { AppDeps } from '../app-deps';
import { approvalsChannelOrigin, requestRollback, requestTransfer } from '../request-transfer';
import { TabViewer } from './tab-viewer';
import { Reply, done, refusal } from '../reply';
import { TargetFields, targetsOf, TargetsInput } from './tab-targets';

const NewRequestBody = z
  .object({
    ...TargetFields,
    justification: z.string().max(1000),
    idempotencyKey: z.string().uuid(),
  })
  .strict();

export interface NewRequestAnswer {
  id: string;
  status: string;
  version: number;
  /** false when the same idempotency key (or the same request moments ago, as in chat) already made it. */
  created: boolean;
}

/**
 * What a claimed key produced, kept with it (once_keys.result) so a retry gets the same answer. A
 * directory outage is not an answer to keep: `retry` lets the same key try again (two such retries at
 * once are then caught by the chat path's own same-request check).
 */
type Remembered = { requestId: string } | { refused: RememberedRefusal } | { retry: true };

/** A refusal as kept; rows written before the one Reply convention hold `code`, `message` and `detail` instead. */
type RememberedRefusal =
  { error: DomainError; text: string; data?: Record<string, unknown> } | { code: DomainError['code']; message: string; detail?: Record<string, unknown> };

/**
 * POST /api/tab/requests: the SAME request as the chat command, through the same use case
 * (requestTransfer / requestRollback: requester role, user limit, the one target policy, bulk waves for
 * many users or a CSV, the approval card; for a group, requestGroupSoa as `transfer group` /
 * `rollback group`), made as if in the approvals channel (approvalsChannelOrigin),
 * recorded with `via: "tab"`. Idempotent per person: the key is claimed in the duplicate-delivery table
 * before anything is done and the outcome is stored with it, so a double submit returns the first
 * request (or the first refusal) instead of making a second; after a directory outage (503) the same key
 * may try again. A key whose first attempt never finished (the process died) stays refused as in
 * progress: the page sends a new key.
 */
export async function newRequestFromTab(deps: AppDeps, viewer: TabViewer, body: unknown): Promise<Reply<NewRequestAnswer>> {
  const parsed = NewRequestBody.safeParse(body);
  if (!parsed.success) return refusal({ code: 'TAB.BAD_BODY', detail: { expected: 'new-request' } });
  const input = parsed.data;
  const me = viewer.person.aadObjectId;
  if (!viewer.roles.requester) return refusal({ code: 'REQUESTER.NOT_ALLOWED' });
  const targets = targetsOf(input);
  if ('error' in targets) return refusal({ code: 'TAB.BAD_BODY', detail: { expected: 'new-request', reason: targets.error } });

  const key = `tab-request:${me}:${input.idempotencyKey.toLowerCase()}`;
  if (!(await deps.conversations.claimOnce(key, deps.clock.now().toISOString()))) {
    const earlier = await replay(deps, key);
    if (earlier !== 'retry') return earlier;
  }

  const answer = await create(deps, viewer, input, targets);
  const remembered: Remembered = answer.ok
    ? { requestId: answer.value.id }
    : isDirectoryFailure(answer.error.code)
      ? { retry: true }
      : { refused: { error: answer.error, text: answer.text, ...(answer.data ? { data: answer.data } : {}) } };
  await deps.conversations.setOnceResult(key, JSON.stringify(remembered));
  return answer;
}

async function create(
  deps: AppDeps,
  viewer: TabViewer,
  input: z.infer<typeof NewRequestBody>,
  targets: Exclude<TargetsInput, { error: string }>,
): Promise<Reply<NewRequestAnswer>> {
  const origin = await approvalsChannelOrigin(deps);
  if (!origin) return refusal({ code: 'REQUEST.NO_APPROVAL_CHANNEL' });
  const common = { actor: viewer.person, justification: input.justification.trim(), origin, via: 'tab' as const };
  const reply =
    'group' in targets
      ? await requestGroupSoa(deps, { ...common, kind: input.kind, group: targets.group, nested: targets.nested })
      : input.kind === 'rollback'
        ? await requestRollback(deps, { ...common, upns: targets.upns })
        : await requestTransfer(deps, {
            ...common,
            upns: targets.upns,
            ...(targets.fromCsv ? { source: `CSV in the tab, ${targets.upns.length} users` } : {}),
          });
  if (!reply.ok) return reply;
  const { request, duplicate } = reply.value;
  // The chat path's business-key de-duplication may have found the same request made moments ago.
  return done({ id: request.id, status: request.status, version: request.cardVersion, created: !duplicate });
}

async function replay(deps: AppDeps, key: string): Promise<Reply<NewRequestAnswer> | 'retry'> {
  const stored = await deps.conversations.onceResult(key);
  if (!stored) return refusal({ code: 'TAB.REQUEST_IN_PROGRESS' });
  const remembered = JSON.parse(stored) as Remembered;
  if ('retry' in remembered) return 'retry';
  if ('refused' in remembered) {
    const r = remembered.refused;
    return 'error' in r ? refusal(r.error, { text: r.text, data: r.data }) : refusal({ code: r.code }, { text: r.message, data: r.detail });
  }
  const request = await deps.requests.get(remembered.requestId);
  if (!request) return refusal({ code: 'TAB.REQUEST_IN_PROGRESS' });
  return done({ id: request.id, status: request.status, version: request.cardVersion, created: false });
}
