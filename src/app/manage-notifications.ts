import { AppDeps } from './app-deps';
import { describeError } from './messages';
import { FAILING_AFTER_ATTEMPTS } from './notification-sender';

export interface NotifyInput {
  actorId: string;
  action: 'here' | 'off' | 'status';
  /** The channel the command was written in; null outside a team channel. */
  channelId: string | null;
}

/** `notify here|off|status`: which channels hear about rollbacks (approvers and admins only). */
export async function manageNotifications(deps: AppDeps, input: NotifyInput): Promise<string> {
  const allowed =
    (await deps.authorization.isAdmin(input.actorId)) ||
    (await deps.authorization.isApproverFor('transfer', input.actorId)) ||
    (await deps.authorization.isApproverFor('rollback', input.actorId));
  if (!allowed) return describeError({ code: 'ADMIN.NOT_ALLOWED' });

  if (input.action === 'status') return statusText(deps);
  if (!input.channelId) return describeError({ code: 'NOTIFY.NOT_IN_CHANNEL' });
  const at = deps.clock.now().toISOString();
  if (input.action === 'here') {
    await deps.notifications.subscribe({ channelId: input.channelId, conversationKey: input.channelId, subscribedBy: input.actorId, subscribedAt: at, source: 'command' });
    deps.logger.info({ channelId: input.channelId, actorId: input.actorId }, 'channel subscribed to notifications');
    const transfers = deps.settings.notifyTransfers ? ' and transfers' : '';
    return `This channel will now get a thread for every rollback${transfers}: requested, approved, rejected, executed, completed, timed out or failed. \`notify off\` stops it.`;
  }
  const removed = await deps.notifications.unsubscribe(input.channelId);
  deps.logger.info({ channelId: input.channelId, actorId: input.actorId, removed }, 'channel unsubscribed from notifications');
  return removed ? 'This channel will no longer get notifications.' : 'This channel was not subscribed; nothing changed.';
}

async function statusText(deps: AppDeps): Promise<string> {
  const subscriptions = await deps.notifications.subscriptions();
  const failing = await deps.notifications.failing(FAILING_AFTER_ATTEMPTS);
  const lines = ['**Notification subscriptions**'];
  if (subscriptions.length === 0) lines.push('None. Write `notify here` in a team channel (mentioning the bot) to subscribe it.');
  for (const s of subscriptions) {
    lines.push(`- ${s.channelId} (since ${s.subscribedAt.slice(0, 16).replace('T', ' ')} UTC, ${s.source === 'preset' ? 'preset by NOTIFY_CHANNEL_IDS' : 'subscribed in chat'})`);
  }
  if (failing.length > 0) {
    lines.push('', `**Notifications that keep failing (${failing.length})**: they are retried; if the bot was removed from the team, add it back or write \`notify off\` there.`);
    for (const n of failing.slice(0, 10)) {
      lines.push(`- ${n.requestId} ${n.event} → ${n.channelId}: ${n.attempts} attempts, last error: ${n.lastError ?? 'unknown'}`);
    }
  }
  return lines.join('\n');
}
