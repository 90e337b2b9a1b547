import { randomUUID } from 'node:crypto';
import { ChannelSubscription, NotificationRecord, NotificationStore, SubscriptionChange } from '../../../ports/notification-store';
import { jsonCopy } from '../json-copy';
import { addMs, toInstant } from '../iso-instants';

/** Same contract as SqliteNotificationStore: sent rows stay and keep de-duplicating; `sent` is final. */
export class InMemoryNotificationStore implements NotificationStore {
  private readonly subs = new Map<string, ChannelSubscription>();
  private readonly outbox = new Map<string, NotificationRecord>();
  private readonly keys = new Set<string>();
  private readonly threads = new Map<string, string>();
  private readonly changes: (SubscriptionChange & { id: string })[] = [];
  private readonly newId: () => string;

  constructor(options: { newId?: () => string } = {}) {
    this.newId = options.newId ?? randomUUID;
  }

  async subscribe(s: ChannelSubscription): Promise<void> {
    const subscribedAt = toInstant(s.subscribedAt, 'subscribedAt');
    this.subs.set(s.channelId, {
      channelId: s.channelId,
      conversationKey: s.conversationKey,
      subscribedBy: s.subscribedBy ?? null,
      subscribedAt,
      source: s.source,
    });
    this.changes.push({
      id: this.newId(),
      channelId: s.channelId,
      change: 'on',
      by: s.subscribedBy ?? null,
      via: s.source === 'preset' ? 'settings' : 'command',
      at: subscribedAt,
    });
  }

  async unsubscribe(channelId: string, change: { by: string | null; via: SubscriptionChange['via']; at: string }): Promise<boolean> {
    const at = toInstant(change.at, 'at');
    const removed = this.subs.delete(channelId);
    if (removed) this.changes.push({ id: this.newId(), channelId, change: 'off', by: change.by ?? null, via: change.via, at });
    return removed;
  }

  async subscriptions(): Promise<ChannelSubscription[]> {
    return [...this.subs.values()].sort((a, b) => compare(a.subscribedAt, b.subscribedAt) || compare(a.channelId, b.channelId)).map((s) => jsonCopy(s));
  }

  async subscriptionChanges(limit: number): Promise<SubscriptionChange[]> {
    return [...this.changes]
      .sort((a, b) => compare(b.at, a.at) || compare(b.id, a.id))
      .slice(0, Math.max(0, Math.floor(limit)))
      .map(({ id: _id, ...change }) => jsonCopy(change));
  }

  async enqueue(n: { key: string; channelId: string; requestId: string; event: string; text: string; at: string }): Promise<boolean> {
    const at = toInstant(n.at, 'at');
    if (this.keys.has(n.key)) return false;
    const id = this.newId();
    this.keys.add(n.key);
    this.outbox.set(id, {
      id,
      key: n.key,
      channelId: n.channelId,
      requestId: n.requestId,
      event: n.event,
      text: n.text,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: at,
      lastError: null,
      createdAt: at,
      sentAt: null,
      activityId: null,
    });
    return true;
  }

  async claimDue(now: string, limit: number, leaseMs: number): Promise<NotificationRecord[]> {
    const at = toInstant(now, 'now');
    const leaseUntil = addMs(at, leaseMs);
    return [...this.outbox.values()]
      .filter((r) => r.status === 'pending' && r.nextAttemptAt <= at)
      .sort((a, b) => compare(a.nextAttemptAt, b.nextAttemptAt) || compare(a.createdAt, b.createdAt) || compare(a.id, b.id))
      .slice(0, Math.max(0, Math.floor(limit)))
      .map((r) => {
        r.nextAttemptAt = leaseUntil;
        return jsonCopy(r);
      });
  }

  async markSent(id: string, at: string, activityId: string | null): Promise<void> {
    const sentAt = toInstant(at, 'at');
    const row = this.outbox.get(id);
    if (!row || row.status !== 'pending') return;
    row.status = 'sent';
    row.sentAt = sentAt;
    row.activityId = activityId ?? null;
  }

  async markRetry(id: string, nextAttemptAt: string, error: string): Promise<void> {
    const next = toInstant(nextAttemptAt, 'nextAttemptAt');
    const row = this.outbox.get(id);
    if (!row || row.status !== 'pending') return;
    row.attempts += 1;
    row.nextAttemptAt = next;
    row.lastError = error;
  }

  async failing(minAttempts: number): Promise<NotificationRecord[]> {
    return [...this.outbox.values()]
      .filter((r) => r.status === 'pending' && r.attempts >= minAttempts)
      .sort((a, b) => compare(a.createdAt, b.createdAt) || compare(a.id, b.id))
      .map((r) => jsonCopy(r));
  }

  async threadOf(channelId: string, requestId: string): Promise<string | null> {
    return this.threads.get(threadKey(channelId, requestId)) ?? null;
  }

  async setThread(channelId: string, requestId: string, conversationKey: string): Promise<void> {
    this.threads.set(threadKey(channelId, requestId), conversationKey);
  }
}

/** Unambiguous composite key (JSON quotes any separator inside the parts). */
function threadKey(channelId: string, requestId: string): string {
  return JSON.stringify([channelId, requestId]);
}

/** Code-unit order, as SQLite's default BINARY collation. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
