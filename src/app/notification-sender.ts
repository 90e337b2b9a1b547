import { ChatSendError } from '../ports/chat';
import { AppDeps } from './app-deps';
import { errorSummary } from './error-summary';

const LEASE_MS = 60_000;
const MAX_DELAY_MS = 30 * 60_000;
/** After this many failed attempts a notification shows up in `notify status`. */
export const FAILING_AFTER_ATTEMPTS = 3;

/**
 * Sends due notifications from the outbox. The first message about a request opens a thread in the
 * channel; later ones reply in it. A failed send stays in the outbox and is retried with back-off
 * (Teams' Retry-After when it gives one), so nothing is lost, even when the bot was removed from the team.
 */
export async function sendDueNotifications(deps: AppDeps): Promise<number> {
  // One sender per outbox in this process: a send slower than the lease must not be claimed again here.
  const running = senders.get(deps.notifications);
  if (running) return 0;
  const run = sendBatch(deps).finally(() => senders.delete(deps.notifications));
  senders.set(deps.notifications, run);
  return run;
}

const senders = new WeakMap<object, Promise<number>>();

async function sendBatch(deps: AppDeps): Promise<number> {
  const now = deps.clock.now();
  const due = await deps.notifications.claimDue(now.toISOString(), 20, LEASE_MS);
  if (due.length === 0) return 0;
  const subscriptions = new Map((await deps.notifications.subscriptions()).map((s) => [s.channelId, s]));
  for (const n of due) {
    const sub = subscriptions.get(n.channelId);
    try {
      // Unsubscribed after it was queued: still deliver what was promised when it was queued.
      const channelKey = sub?.conversationKey ?? n.channelId;
      const thread = await deps.notifications.threadOf(n.channelId, n.requestId);
      let activityId: string;
      if (thread) {
        activityId = await deps.chat.post(thread, { text: n.text });
      } else {
        const started = await deps.chat.startThread(channelKey, { text: n.text });
        activityId = started.activityId;
        await deps.notifications.setThread(n.channelId, n.requestId, started.threadKey);
      }
      await deps.notifications.markSent(n.id, deps.clock.now().toISOString(), activityId);
    } catch (error) {
      const retryAfter = error instanceof ChatSendError ? error.retryAfterMs : null;
      const delay = retryAfter ?? Math.min(2_000 * 2 ** n.attempts, MAX_DELAY_MS);
      const next = new Date(deps.clock.now().getTime() + delay).toISOString();
      await deps.notifications.markRetry(n.id, next, errorSummary(error));
      deps.logger.warn(
        { notificationId: n.id, requestId: n.requestId, attempts: n.attempts + 1, retryInMs: delay, err: errorSummary(error) },
        'notification not sent; will retry',
      );
    }
  }
  return due.length;
}
