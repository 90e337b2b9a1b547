import { SubscriptionChange } from '../ports/notification-store';
import { escapeMarkdown as md } from '../cards/markdown-text';
import { AppDeps } from './app-deps';
import { Reply, answered, refusal } from './reply';
import { checkRole } from './role-check';
import { say } from './wording';
import { FAILING_AFTER_ATTEMPTS } from './notification-sender';

export interface NotifyInput {
  actorId: string;
  action: 'here' | 'off' | 'status';
  /** The channel the command was written in; null outside a team channel. */
  channelId: string | null;
}

/** How many subscription changes `notify status` lists. */
export const RECENT_CHANGES_SHOWN = 10;

/**
 * `notify here|off|status`: which channels hear about rollbacks.
 * - `here` (subscribe this channel) and `status`: approvers (transfer or rollback) and admins. Adding a
 *   channel only adds readers of what the approvers already see, so approvers may do it.
 * - `off`: admins only, and never for a channel in NOTIFY_CHANNEL_IDS (the settings own those: a
 *   rogue approver, or a compromised admin account, must not be able to silence the security channel
 *   from chat before acting).
 * Every change (on and off) is stored by the notification store in the same transaction as the
 * change itself, and `notify status` lists the recent ones.
 */
export async function manageNotifications(deps: AppDeps, input: NotifyInput): Promise<Reply> {
  if (input.action === 'off') return turnOff(deps, input);
  const allowed = await checkRole(
    deps,
    async () =>
      (await deps.authorization.isAdmin(input.actorId)) ||
      (await deps.authorization.isApproverFor('transfer', input.actorId)) ||
      (await deps.authorization.isApproverFor('rollback', input.actorId)),
    { useCase: 'notify', actorId: input.actorId },
  );
  if (!allowed.ok) return refusal(allowed.error);
  if (!allowed.value) return refusal({ code: 'NOTIFY.NOT_ALLOWED' });

  if (input.action === 'status') return answered(await statusText(deps));
  if (!input.channelId) return refusal({ code: 'NOTIFY.NOT_IN_CHANNEL' });
  if (isConfiguredBySettings(deps, input.channelId)) {
    // The settings own this subscription: a chat command neither re-owns nor changes it.
    return answered(say.notifyAlreadyBySettings());
  }
  const at = deps.clock.now().toISOString();
  await deps.notifications.subscribe({
    channelId: input.channelId,
    conversationKey: input.channelId,
    subscribedBy: input.actorId,
    subscribedAt: at,
    source: 'command',
  });
  deps.logger.info({ channelId: input.channelId, actorId: input.actorId }, 'channel subscribed to notifications');
  return answered(say.notifySubscribed(deps.settings.notifyTransfers));
}

async function turnOff(deps: AppDeps, input: NotifyInput): Promise<Reply> {
  const admin = await checkRole(deps, () => deps.authorization.isAdmin(input.actorId), { useCase: 'notify-off', actorId: input.actorId });
  if (!admin.ok) return refusal(admin.error);
  if (!admin.value) {
    deps.logger.warn({ channelId: input.channelId, actorId: input.actorId }, 'notify off refused: not an admin');
    return refusal({ code: 'NOTIFY.OFF_NOT_ALLOWED' });
  }
  if (!input.channelId) return refusal({ code: 'NOTIFY.NOT_IN_CHANNEL' });
  if (isConfiguredBySettings(deps, input.channelId)) {
    deps.logger.warn({ channelId: input.channelId, actorId: input.actorId }, 'notify off refused: channel configured by NOTIFY_CHANNEL_IDS');
    return refusal({ code: 'NOTIFY.CONFIGURED_BY_SETTINGS' });
  }
  const removed = await deps.notifications.unsubscribe(input.channelId, { by: input.actorId, via: 'command', at: deps.clock.now().toISOString() });
  deps.logger.info({ channelId: input.channelId, actorId: input.actorId, removed }, 'channel unsubscribed from notifications');
  return answered(say.notifyUnsubscribed(removed));
}

/** Teams channel ids are compared without regard to case, so a differently cased setting still protects its channel. */
function isConfiguredBySettings(deps: AppDeps, channelId: string): boolean {
  const wanted = channelId.toLowerCase();
  return deps.settings.notifyChannelIds.some((id) => id.toLowerCase() === wanted);
}

/**
 * NOTIFY_CHANNEL_IDS at start-up: the configured channels are subscribed (when they are not yet), and
 * channels the settings subscribed earlier but no longer list are unsubscribed. Both are recorded as
 * changes made by the settings. Channels subscribed in chat are left as they are.
 */
export async function applyNotifySettings(deps: AppDeps): Promise<void> {
  const existing = await deps.notifications.subscriptions();
  const subscribed = new Set(existing.map((s) => s.channelId.toLowerCase()));
  const at = deps.clock.now().toISOString();
  for (const channelId of deps.settings.notifyChannelIds) {
    if (subscribed.has(channelId.toLowerCase())) continue;
    subscribed.add(channelId.toLowerCase());
    await deps.notifications.subscribe({ channelId, conversationKey: channelId, subscribedBy: null, subscribedAt: at, source: 'preset' });
    deps.logger.info({ channelId }, 'channel subscribed to notifications by NOTIFY_CHANNEL_IDS');
  }
  for (const s of existing) {
    if (s.source !== 'preset' || isConfiguredBySettings(deps, s.channelId)) continue;
    await deps.notifications.unsubscribe(s.channelId, { by: null, via: 'settings', at });
    deps.logger.info({ channelId: s.channelId }, 'channel no longer in NOTIFY_CHANNEL_IDS: unsubscribed');
  }
}

async function statusText(deps: AppDeps): Promise<string> {
  const subscriptions = await deps.notifications.subscriptions();
  const failing = await deps.notifications.failing(FAILING_AFTER_ATTEMPTS);
  const changes = await deps.notifications.subscriptionChanges(RECENT_CHANGES_SHOWN);
  const lines = ['**Notification subscriptions**'];
  if (subscriptions.length === 0) lines.push('None. Write `notify here` in a team channel (mentioning the bot) to subscribe it.');
  for (const s of subscriptions) {
    const how = isConfiguredBySettings(deps, s.channelId)
      ? 'configured by NOTIFY_CHANNEL_IDS: cannot be turned off from chat'
      : s.source === 'preset'
        ? 'preset by NOTIFY_CHANNEL_IDS'
        : 'subscribed in chat';
    lines.push(`- ${md(s.channelId)} (since ${utc(s.subscribedAt)}, ${how})`);
  }
  if (changes.length > 0) {
    lines.push('', `**Recent subscription changes** (newest first, last ${RECENT_CHANGES_SHOWN})`);
    for (const c of changes) lines.push(`- ${utc(c.at)}: ${md(c.channelId)}: turned ${c.change} by ${await who(deps, c)}`);
  }
  if (failing.length > 0) {
    lines.push(
      '',
      `**Notifications that keep failing (${failing.length})**: they are retried; if the bot was removed from the team, add it back (or, for a channel subscribed in chat, ask an admin to write \`notify off\` there).`,
    );
    for (const n of failing.slice(0, 10)) {
      lines.push(`- ${n.requestId} ${n.event} → ${n.channelId}: ${n.attempts} attempts, last error: ${n.lastError ?? 'unknown'}`);
    }
  }
  return lines.join('\n');
}

async function who(deps: AppDeps, change: SubscriptionChange): Promise<string> {
  if (change.via === 'settings' || !change.by) return 'the settings (NOTIFY_CHANNEL_IDS)';
  const person = await deps.conversations.personByAadObjectId(change.by).catch(() => null);
  return person ? `${md(person.name, 100)} (${md(change.by)})` : md(change.by);
}

function utc(iso: string): string {
  return `${iso.slice(0, 19).replace('T', ' ')} UTC`;
}
