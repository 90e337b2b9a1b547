import { Person, SoaRequest, targetTypeOf } from '../domain/soa-request';
import { entraGroupUrl, entraUserUrl, AUDIT_LOG_URL } from '../cards/links';
import { escapeMarkdown as md, markdownLink } from '../cards/markdown-text';
import { AppDeps } from './app-deps';
import { errorSummary } from './error-summary';

export type NotifyEvent = 'requested' | 'approved' | 'rejected' | 'expired' | 'executed' | 'completed' | 'timed-out' | 'failed' | 'halted';

const HEADLINE: Record<NotifyEvent, string> = {
  requested: 'requested',
  approved: 'approved',
  rejected: 'rejected',
  expired: 'expired without approval',
  executed: 'executed: waiting for the sync client to take the users back',
  completed: 'completed',
  'timed-out': 'timed out: the sync client did not take the users back',
  failed: 'failed',
  halted: 'halted: too many failures in a wave; an approver must resume or cancel',
};

/**
 * Puts one notification per subscribed channel in the durable outbox. The key (channel, request,
 * event) makes a repeated call harmless; sending happens in the background with retries.
 */
export async function notifyRequestEvent(deps: AppDeps, request: SoaRequest, event: NotifyEvent, actor?: Person | null): Promise<void> {
  if (request.kind !== 'rollback' && !deps.settings.notifyTransfers) return;
  try {
    const subscriptions = await deps.notifications.subscriptions();
    if (subscriptions.length === 0) return;
    const text = renderNotification(request, event, actor ?? null);
    const at = deps.clock.now().toISOString();
    for (const sub of subscriptions) {
      await deps.notifications.enqueue({ key: `${sub.channelId}|${request.id}|${event}`, channelId: sub.channelId, requestId: request.id, event, text, at });
    }
    deps.kickJobs();
  } catch (error) {
    deps.logger.error({ requestId: request.id, event, err: errorSummary(error) }, 'could not queue notifications');
  }
}

export function renderNotification(request: SoaRequest, event: NotifyEvent, actor: Person | null): string {
  const what = request.kind === 'rollback' ? 'Rollback' : 'Transfer';
  const groups = targetTypeOf(request) === 'group';
  const users = listWithin(
    request.targets.map((t) => {
      // Names, UPNs, reasons and comments are user or directory text: escaped, shown as text, never as markup.
      const name = groups
        ? `${t.preflight.upn} (${t.preflight.userId ?? ''})`
        : t.preflight.displayName
          ? `${t.preflight.displayName} (${t.preflight.upn})`
          : t.preflight.upn;
      return t.preflight.userId ? markdownLink(name, groups ? entraGroupUrl(t.preflight.userId) : entraUserUrl(t.preflight.userId)) : md(name);
    }),
    ', ',
    NOTIFICATION_USERS_MAX_BYTES,
  );
  const headline = (
    event === 'expired' && waitedForSafeguard(request) ? 'expired: approved, but the safeguard step was not confirmed in time' : HEADLINE[event]
  ).replace('the users', groups ? 'the groups' : 'the users');
  const lines = [`**${what} ${request.id} ${headline}**`, `${groups ? 'Groups' : 'Users'}: ${users}`];
  if (actor) lines.push(`By: ${md(actor.name, 100)}`);
  if (event === 'requested')
    lines.push(`Requested by: ${md(request.requester.name, 100)}${request.justification ? ` · Reason: ${md(request.justification)}` : ''}`);
  const rejection = request.decisions.find((d) => d.decision === 'reject');
  if (event === 'rejected' && rejection?.comment) lines.push(`Comment: ${md(rejection.comment)}`);
  if (event === 'failed' || event === 'halted' || event === 'executed' || event === 'completed') {
    const failed = request.targets.filter((t) => t.execution.outcome === 'failed');
    if (failed.length > 0) {
      lines.push(
        `Failed: ${listWithin(
          failed.map((t) => `${md(t.preflight.upn)} (${md(t.execution.errorDetail ?? t.execution.errorCode, 300)})`),
          '; ',
          NOTIFICATION_FAILED_MAX_BYTES,
        )}`,
      );
    }
  }
  lines.push(`[Audit log](${AUDIT_LOG_URL}) · correlation id ${md(request.correlationId)}`);
  return lines.join('\n\n');
}

/**
 * A notification must fit one Teams message (about 28 KB, the whole activity: a bigger one is refused,
 * retried for ever and never read, which would let a large request pass unannounced). The users and
 * the failures are listed as far as these budgets go (measured as the JSON string the text travels
 * as), then "… and N more"; the rest of the text is short and capped (reason 1,000 characters, comment
 * 500, names 100).
 */
export const NOTIFICATION_USERS_MAX_BYTES = 10 * 1024;
export const NOTIFICATION_FAILED_MAX_BYTES = 8 * 1024;

/** `items` joined by `separator` while they fit `maxBytes` (as JSON), then how many were left out. */
function listWithin(items: string[], separator: string, maxBytes: number): string {
  const size = (text: string) => Buffer.byteLength(JSON.stringify(text));
  let shown = 0;
  let text = '';
  for (const item of items) {
    const next = shown === 0 ? item : `${text}${separator}${item}`;
    const more = items.length - shown - 1;
    if (size(next) + (more > 0 ? size(` … and ${more} more`) : 0) > maxBytes) break;
    text = next;
    shown++;
  }
  return shown === items.length ? text : `${text}${shown > 0 ? ' ' : ''}… and ${items.length - shown} more`;
}

/** Approved by the quorum, never confirmed: the request was waiting for the rollback safeguard step. */
export function waitedForSafeguard(request: SoaRequest): boolean {
  const approvals = request.decisions.filter((d) => d.decision === 'approve').length;
  return request.kind === 'rollback' && !request.safeguard && approvals >= request.approvalsRequired;
}
