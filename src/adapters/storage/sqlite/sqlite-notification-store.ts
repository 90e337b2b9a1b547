import { randomUUID } from 'node:crypto';
import { ChannelSubscription, NotificationRecord, NotificationStore, SubscriptionChange } from '../../../ports/notification-store';
import { addMs, toInstant } from '../iso-instants';
import { SqliteDatabase } from './database';
import { SubscriptionRow, OutboxRow, SubscriptionChangeRow, toSubscription, toSubscriptionChange, toRecord } from '../row-mapping';

/**
 * Sent notifications are never deleted: their key keeps de-duplicating a late re-enqueue, and
 * `sent` is final (markSent/markRetry on a sent row change nothing). Timestamps are normalized to
 * toISOString() form, so text order is time order.
 */
export class SqliteNotificationStore implements NotificationStore {
  private readonly newId: () => string;

  constructor(
    private readonly db: SqliteDatabase,
    options: { newId?: () => string } = {},
  ) {
    this.newId = options.newId ?? randomUUID;
  }

  async subscribe(s: ChannelSubscription): Promise<void> {
    const at = toInstant(s.subscribedAt, 'subscribedAt');
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO channel_subscriptions (channel_id, conversation_key, subscribed_by, subscribed_at, source)
           VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (channel_id) DO UPDATE SET conversation_key = excluded.conversation_key,
             subscribed_by = excluded.subscribed_by, subscribed_at = excluded.subscribed_at, source = excluded.source`,
        )
        .run(s.channelId, s.conversationKey, s.subscribedBy ?? null, at, s.source);
      this.recordChange(s.channelId, 'on', s.subscribedBy ?? null, s.source === 'preset' ? 'settings' : 'command', at);
    })();
  }

  async unsubscribe(channelId: string, change: { by: string | null; via: SubscriptionChange['via']; at: string }): Promise<boolean> {
    const at = toInstant(change.at, 'at');
    return this.db.transaction(() => {
      const removed = this.db.prepare('DELETE FROM channel_subscriptions WHERE channel_id = ?').run(channelId).changes === 1;
      if (removed) this.recordChange(channelId, 'off', change.by ?? null, change.via, at);
      return removed;
    })();
  }

  async subscriptions(): Promise<ChannelSubscription[]> {
    const rows = this.db.prepare('SELECT * FROM channel_subscriptions ORDER BY subscribed_at, channel_id').all() as SubscriptionRow[];
    return rows.map(toSubscription);
  }

  async subscriptionChanges(limit: number): Promise<SubscriptionChange[]> {
    const rows = this.db
      .prepare('SELECT * FROM notification_subscription_changes ORDER BY at DESC, id DESC LIMIT ?')
      .all(Math.max(0, Math.floor(limit))) as SubscriptionChangeRow[];
    return rows.map(toSubscriptionChange);
  }

  private recordChange(channelId: string, change: SubscriptionChange['change'], by: string | null, via: SubscriptionChange['via'], at: string): void {
    this.db
      .prepare('INSERT INTO notification_subscription_changes (id, channel_id, change, actor_id, via, at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(this.newId(), channelId, change, by, via, at);
  }

  async enqueue(n: { key: string; channelId: string; requestId: string; event: string; text: string; at: string }): Promise<boolean> {
    const at = toInstant(n.at, 'at');
    const result = this.db
      .prepare(
        `INSERT INTO notification_outbox
           (id, key, channel_id, request_id, event, text, status, attempts, next_attempt_at, last_error, created_at, sent_at, activity_id)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, NULL, ?, NULL, NULL) ON CONFLICT (key) DO NOTHING`,
      )
      .run(this.newId(), n.key, n.channelId, n.requestId, n.event, n.text, at, at);
    return result.changes === 1;
  }

  async claimDue(now: string, limit: number, leaseMs: number): Promise<NotificationRecord[]> {
    const at = toInstant(now, 'now');
    const leaseUntil = addMs(at, leaseMs);
    const claim = this.db.transaction(() => {
      const rows = this.db
        .prepare(
          `SELECT * FROM notification_outbox WHERE status = 'pending' AND next_attempt_at <= ?
           ORDER BY next_attempt_at, created_at, id LIMIT ?`,
        )
        .all(at, Math.max(0, Math.floor(limit))) as OutboxRow[];
      const take = this.db.prepare("UPDATE notification_outbox SET next_attempt_at = ? WHERE id = ? AND status = 'pending'");
      for (const row of rows) take.run(leaseUntil, row.id);
      return rows.map((row) => toRecord({ ...row, next_attempt_at: leaseUntil }));
    });
    // IMMEDIATE: the write lock is taken before the SELECT, so two connections never claim the same row.
    return claim.immediate();
  }

  async markSent(id: string, at: string, activityId: string | null): Promise<void> {
    this.db
      .prepare("UPDATE notification_outbox SET status = 'sent', sent_at = ?, activity_id = ? WHERE id = ? AND status = 'pending'")
      .run(toInstant(at, 'at'), activityId ?? null, id);
  }

  async markRetry(id: string, nextAttemptAt: string, error: string): Promise<void> {
    this.db
      .prepare(
        `UPDATE notification_outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?
         WHERE id = ? AND status = 'pending'`,
      )
      .run(toInstant(nextAttemptAt, 'nextAttemptAt'), error, id);
  }

  async failing(minAttempts: number): Promise<NotificationRecord[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM notification_outbox WHERE status = 'pending' AND attempts >= ?
         ORDER BY created_at, id`,
      )
      .all(minAttempts) as OutboxRow[];
    return rows.map(toRecord);
  }

  async threadOf(channelId: string, requestId: string): Promise<string | null> {
    const row = this.db.prepare('SELECT conversation_key FROM notification_threads WHERE channel_id = ? AND request_id = ?').get(channelId, requestId) as
      { conversation_key: string } | undefined;
    return row ? row.conversation_key : null;
  }

  async setThread(channelId: string, requestId: string, conversationKey: string): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO notification_threads (channel_id, request_id, conversation_key) VALUES (?, ?, ?)
         ON CONFLICT (channel_id, request_id) DO UPDATE SET conversation_key = excluded.conversation_key`,
      )
      .run(channelId, requestId, conversationKey);
  }
}
