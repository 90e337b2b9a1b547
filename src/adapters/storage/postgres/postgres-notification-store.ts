import { randomUUID } from 'node:crypto';
import { ChannelSubscription, NotificationRecord, NotificationStore, SubscriptionChange } from '../../../ports/notification-store';
import { addMs, toInstant } from '../iso-instants';
import { PostgresDatabase, Queryable } from './database';
import { SubscriptionRow, OutboxRow, SubscriptionChangeRow, toSubscription, toSubscriptionChange, toRecord } from '../row-mapping';

/**
 * Same contract as SqliteNotificationStore: sent rows stay and keep de-duplicating their key, `sent` is
 * final. `claimDue` locks what it takes with `FOR UPDATE SKIP LOCKED` and moves nextAttemptAt to the end
 * of the lease in the same statement, so two instances never send the same notification at once.
 */
export class PostgresNotificationStore implements NotificationStore {
  private readonly newId: () => string;

  constructor(
    private readonly db: PostgresDatabase,
    options: { newId?: () => string } = {},
  ) {
    this.newId = options.newId ?? randomUUID;
  }

  async subscribe(s: ChannelSubscription): Promise<void> {
    const at = toInstant(s.subscribedAt, 'subscribedAt');
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO channel_subscriptions (channel_id, conversation_key, subscribed_by, subscribed_at, source)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (channel_id) DO UPDATE SET conversation_key = excluded.conversation_key,
           subscribed_by = excluded.subscribed_by, subscribed_at = excluded.subscribed_at, source = excluded.source`,
        [s.channelId, s.conversationKey, s.subscribedBy ?? null, at, s.source],
      );
      await this.recordChange(tx, s.channelId, 'on', s.subscribedBy ?? null, s.source === 'preset' ? 'settings' : 'command', at);
    });
  }

  async unsubscribe(channelId: string, change: { by: string | null; via: SubscriptionChange['via']; at: string }): Promise<boolean> {
    const at = toInstant(change.at, 'at');
    return this.db.transaction(async (tx) => {
      const removed = (await tx.query('DELETE FROM channel_subscriptions WHERE channel_id = $1', [channelId])).rowCount === 1;
      if (removed) await this.recordChange(tx, channelId, 'off', change.by ?? null, change.via, at);
      return removed;
    });
  }

  async subscriptions(): Promise<ChannelSubscription[]> {
    const { rows } = await this.db.query<SubscriptionRow>('SELECT * FROM channel_subscriptions ORDER BY subscribed_at, channel_id');
    return rows.map(toSubscription);
  }

  async subscriptionChanges(limit: number): Promise<SubscriptionChange[]> {
    const { rows } = await this.db.query<SubscriptionChangeRow>('SELECT * FROM notification_subscription_changes ORDER BY at DESC, id DESC LIMIT $1', [
      Math.max(0, Math.floor(limit)),
    ]);
    return rows.map(toSubscriptionChange);
  }

  private async recordChange(
    tx: Queryable,
    channelId: string,
    change: SubscriptionChange['change'],
    by: string | null,
    via: SubscriptionChange['via'],
    at: string,
  ): Promise<void> {
    await tx.query('INSERT INTO notification_subscription_changes (id, channel_id, change, actor_id, via, at) VALUES ($1, $2, $3, $4, $5, $6)', [
      this.newId(),
      channelId,
      change,
      by,
      via,
      at,
    ]);
  }

  async enqueue(n: { key: string; channelId: string; requestId: string; event: string; text: string; at: string }): Promise<boolean> {
    const at = toInstant(n.at, 'at');
    const result = await this.db.query(
      `INSERT INTO notification_outbox
         (id, key, channel_id, request_id, event, text, status, attempts, next_attempt_at, last_error, created_at, sent_at, activity_id)
       VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, NULL, $7, NULL, NULL) ON CONFLICT (key) DO NOTHING`,
      [this.newId(), n.key, n.channelId, n.requestId, n.event, n.text, at],
    );
    return result.rowCount === 1;
  }

  async claimDue(now: string, limit: number, leaseMs: number): Promise<NotificationRecord[]> {
    const at = toInstant(now, 'now');
    const leaseUntil = addMs(at, leaseMs);
    const take = Math.max(0, Math.floor(limit));
    if (take === 0) return [];
    const { rows } = await this.db.query<OutboxRow & { due_at: string }>(
      `WITH due AS (
         SELECT id, next_attempt_at FROM notification_outbox
         WHERE status = 'pending' AND next_attempt_at <= $1
         ORDER BY next_attempt_at, created_at, id LIMIT $2
         FOR UPDATE SKIP LOCKED
       )
       UPDATE notification_outbox o SET next_attempt_at = $3 FROM due WHERE o.id = due.id
       RETURNING o.*, due.next_attempt_at AS due_at`,
      [at, take, leaseUntil],
    );
    // RETURNING has no defined order: restore the claim order (when it was due, then age, then id).
    rows.sort((a, b) => compare(a.due_at, b.due_at) || compare(a.created_at, b.created_at) || compare(a.id, b.id));
    return rows.map(toRecord);
  }

  async markSent(id: string, at: string, activityId: string | null): Promise<void> {
    await this.db.query("UPDATE notification_outbox SET status = 'sent', sent_at = $1, activity_id = $2 WHERE id = $3 AND status = 'pending'", [
      toInstant(at, 'at'),
      activityId ?? null,
      id,
    ]);
  }

  async markRetry(id: string, nextAttemptAt: string, error: string): Promise<void> {
    await this.db.query(
      `UPDATE notification_outbox SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2
       WHERE id = $3 AND status = 'pending'`,
      [toInstant(nextAttemptAt, 'nextAttemptAt'), error, id],
    );
  }

  async failing(minAttempts: number): Promise<NotificationRecord[]> {
    const { rows } = await this.db.query<OutboxRow>(`SELECT * FROM notification_outbox WHERE status = 'pending' AND attempts >= $1 ORDER BY created_at, id`, [
      minAttempts,
    ]);
    return rows.map(toRecord);
  }

  async threadOf(channelId: string, requestId: string): Promise<string | null> {
    const { rows } = await this.db.query<{ conversation_key: string }>(
      'SELECT conversation_key FROM notification_threads WHERE channel_id = $1 AND request_id = $2',
      [channelId, requestId],
    );
    return rows[0]?.conversation_key ?? null;
  }

  async setThread(channelId: string, requestId: string, conversationKey: string): Promise<void> {
    await this.db.query(
      `INSERT INTO notification_threads (channel_id, request_id, conversation_key) VALUES ($1, $2, $3)
       ON CONFLICT (channel_id, request_id) DO UPDATE SET conversation_key = excluded.conversation_key`,
      [channelId, requestId, conversationKey],
    );
  }
}

/** Code-unit order, as the "C" collation of these columns. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
