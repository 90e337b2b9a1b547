import { randomUUID } from 'node:crypto';
import { Kysely } from 'kysely';
import { ChannelSubscription, NotificationRecord, NotificationStore, SubscriptionChange } from '../../ports/notification-store';
import { addMs, toInstant } from './iso-instants';
import type { StoreOptions } from './store-options';
import { OutboxRow, SubscriptionChangeRow, SubscriptionRow, toRecord, toSubscription, toSubscriptionChange } from './row-mapping';
import { claimLock } from './sql/claim-lock';
import type { SqlDatabase } from './sql/database';
import type { Tables } from './sql/tables';

/**
 * Channel subscriptions (with their append-only record of changes), the threads opened per request, and
 * the outbox. Sent notifications are never deleted: their key keeps de-duplicating a late re-enqueue,
 * and `sent` is final (markSent/markRetry on a sent row change nothing). Timestamps are normalized to
 * toISOString() form, so text order is time order.
 */
export class SqlNotificationStore implements NotificationStore {
  private readonly newId: () => string;

  constructor(
    private readonly database: SqlDatabase,
    readonly options: StoreOptions = {},
  ) {
    this.newId = options.newId ?? randomUUID;
  }

  async subscribe(s: ChannelSubscription): Promise<void> {
    const at = toInstant(s.subscribedAt, 'subscribedAt');
    const db = await this.database.kysely();
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('channel_subscriptions')
        .values({ channel_id: s.channelId, conversation_key: s.conversationKey, subscribed_by: s.subscribedBy ?? null, subscribed_at: at, source: s.source })
        .onConflict((oc) =>
          oc.column('channel_id').doUpdateSet((eb) => ({
            conversation_key: eb.ref('excluded.conversation_key'),
            subscribed_by: eb.ref('excluded.subscribed_by'),
            subscribed_at: eb.ref('excluded.subscribed_at'),
            source: eb.ref('excluded.source'),
          })),
        )
        .execute();
      await this.recordChange(trx, {
        channelId: s.channelId,
        change: 'on',
        by: s.subscribedBy ?? null,
        via: s.source === 'preset' ? 'settings' : 'command',
        at,
      });
    });
  }

  async unsubscribe(channelId: string, change: { by: string | null; via: SubscriptionChange['via']; at: string }): Promise<boolean> {
    const at = toInstant(change.at, 'at');
    const db = await this.database.kysely();
    return db.transaction().execute(async (trx) => {
      const result = await trx.deleteFrom('channel_subscriptions').where('channel_id', '=', channelId).executeTakeFirst();
      const removed = Number(result.numDeletedRows) === 1;
      if (removed) await this.recordChange(trx, { channelId, change: 'off', by: change.by ?? null, via: change.via, at });
      return removed;
    });
  }

  async subscriptions(): Promise<ChannelSubscription[]> {
    const db = await this.database.kysely();
    const rows = await db.selectFrom('channel_subscriptions').selectAll().orderBy('subscribed_at').orderBy('channel_id').execute();
    return rows.map((row) => toSubscription(row as SubscriptionRow));
  }

  async subscriptionChanges(limit: number): Promise<SubscriptionChange[]> {
    const db = await this.database.kysely();
    const rows = await db
      .selectFrom('notification_subscription_changes')
      .selectAll()
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(Math.max(0, Math.floor(limit)))
      .execute();
    return rows.map((row) => toSubscriptionChange(row as SubscriptionChangeRow));
  }

  private async recordChange(trx: Kysely<Tables>, c: SubscriptionChange): Promise<void> {
    await trx
      .insertInto('notification_subscription_changes')
      .values({ id: this.newId(), channel_id: c.channelId, change: c.change, actor_id: c.by, via: c.via, at: c.at })
      .execute();
  }

  async enqueue(n: { key: string; channelId: string; requestId: string; event: string; text: string; at: string }): Promise<boolean> {
    const at = toInstant(n.at, 'at');
    const db = await this.database.kysely();
    const result = await db
      .insertInto('notification_outbox')
      .values({
        id: this.newId(),
        key: n.key,
        channel_id: n.channelId,
        request_id: n.requestId,
        event: n.event,
        text: n.text,
        status: 'pending',
        attempts: 0,
        next_attempt_at: at,
        last_error: null,
        created_at: at,
        sent_at: null,
        activity_id: null,
      })
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows) === 1;
  }

  /**
   * Picks the due rows (locked on PostgreSQL, sql/claim-lock.ts; under SQLite's write lock, taken by the
   * transaction's BEGIN IMMEDIATE) and moves their nextAttemptAt to the end of the lease, in one
   * transaction. The pick is read first because the claim order is by when each was due, which the
   * UPDATE's RETURNING no longer shows (SQLite's RETURNING cannot name another table).
   */
  async claimDue(now: string, limit: number, leaseMs: number): Promise<NotificationRecord[]> {
    const at = toInstant(now, 'now');
    const leaseUntil = addMs(at, leaseMs);
    const take = Math.max(0, Math.floor(limit));
    if (take === 0) return [];
    const db = await this.database.kysely();
    return db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('notification_outbox')
        .select('id')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', at)
        .orderBy('next_attempt_at')
        .orderBy('created_at')
        .orderBy('id')
        .limit(take)
        .$call(claimLock(this.database.dialect))
        .execute();
      if (due.length === 0) return [];
      const ids = due.map((row) => row.id);
      const rows = await trx
        .updateTable('notification_outbox')
        .set({ next_attempt_at: leaseUntil })
        .where('id', 'in', ids)
        .where('status', '=', 'pending')
        .returningAll()
        .execute();
      const order = new Map(ids.map((id, i) => [id, i]));
      return rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!).map((row) => toRecord(row as OutboxRow));
    });
  }

  async markSent(id: string, at: string, activityId: string | null): Promise<void> {
    const sentAt = toInstant(at, 'at');
    const db = await this.database.kysely();
    await db
      .updateTable('notification_outbox')
      .set({ status: 'sent', sent_at: sentAt, activity_id: activityId ?? null })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .execute();
  }

  async markRetry(id: string, nextAttemptAt: string, error: string): Promise<void> {
    const next = toInstant(nextAttemptAt, 'nextAttemptAt');
    const db = await this.database.kysely();
    await db
      .updateTable('notification_outbox')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: next, last_error: error }))
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .execute();
  }

  async failing(minAttempts: number): Promise<NotificationRecord[]> {
    const db = await this.database.kysely();
    const rows = await db
      .selectFrom('notification_outbox')
      .selectAll()
      .where('status', '=', 'pending')
      .where('attempts', '>=', minAttempts)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((row) => toRecord(row as OutboxRow));
  }

  async threadOf(channelId: string, requestId: string): Promise<string | null> {
    const db = await this.database.kysely();
    const row = await db
      .selectFrom('notification_threads')
      .select('conversation_key')
      .where('channel_id', '=', channelId)
      .where('request_id', '=', requestId)
      .executeTakeFirst();
    return row?.conversation_key ?? null;
  }

  async setThread(channelId: string, requestId: string, conversationKey: string): Promise<void> {
    const db = await this.database.kysely();
    await db
      .insertInto('notification_threads')
      .values({ channel_id: channelId, request_id: requestId, conversation_key: conversationKey })
      .onConflict((oc) => oc.columns(['channel_id', 'request_id']).doUpdateSet((eb) => ({ conversation_key: eb.ref('excluded.conversation_key') })))
      .execute();
  }
}
