import * as fs from 'node:fs';
import * as path from 'node:path';
import { MIGRATIONS, latestVersion } from '../../src/adapters/storage/migrations';
import { openSqliteDatabase, openSqliteStorage } from '../../src/adapters/storage';
import { Storage } from '../../src/adapters/storage/database-stores';
import { ChannelSubscription, NotificationStore } from '../../src/ports/notification-store';
import { StorageImplementation, storageImplementations, tempDir } from './support/storage-implementations';

const T0 = '2025-06-01T10:00:00.000Z';
const at = (offsetMs: number) => new Date(Date.parse(T0) + offsetMs).toISOString();
const MIN = 60_000;
const DAY = 24 * 60 * MIN;

const subscription = (channelId: string, overrides: Partial<ChannelSubscription> = {}): ChannelSubscription => ({
  channelId,
  conversationKey: `conv-${channelId}`,
  subscribedBy: 'aad-alice',
  subscribedAt: T0,
  source: 'command',
  ...overrides,
});
const note = (requestId: string, event = 'rollback.approved', when = T0, channelId = '19:ops@thread.tacv2') => ({
  key: `${channelId}|${requestId}|${event}`,
  channelId,
  requestId,
  event,
  text: `${requestId}: ${event}`,
  at: when,
});

function notificationStoreContract(impl: StorageImplementation): void {
  describe(`NotificationStore contract: ${impl.name}`, () => {
    let storage: Storage;
    let store: NotificationStore;
    beforeEach(async () => {
      storage = await impl.open();
      store = storage.notifications;
    });
    afterAll(() => impl.cleanup());

    describe('subscriptions', () => {
      it('subscribes, lists (oldest first), upserts and unsubscribes', async () => {
        expect(await store.subscriptions()).toEqual([]);
        await store.subscribe(subscription('B', { subscribedAt: at(MIN) }));
        await store.subscribe(subscription('A', { subscribedBy: null, source: 'preset' }));
        expect(await store.subscriptions()).toEqual([
          subscription('A', { subscribedBy: null, source: 'preset' }),
          subscription('B', { subscribedAt: at(MIN) }),
        ]);

        await store.subscribe(subscription('A', { conversationKey: 'conv-A2', subscribedBy: 'aad-bob', subscribedAt: at(2 * MIN) }));
        expect(await store.subscriptions()).toEqual([
          subscription('B', { subscribedAt: at(MIN) }),
          subscription('A', { conversationKey: 'conv-A2', subscribedBy: 'aad-bob', subscribedAt: at(2 * MIN) }),
        ]);

        const off = { by: 'aad-admin', via: 'command' as const, at: at(3 * MIN) };
        expect(await store.unsubscribe('B', off)).toBe(true);
        expect(await store.unsubscribe('B', off)).toBe(false);
        expect(await store.unsubscribe('never', off)).toBe(false);
        expect((await store.subscriptions()).map((s) => s.channelId)).toEqual(['A']);
      });

      it('normalizes subscribedAt and rejects an invalid one', async () => {
        await store.subscribe(subscription('A', { subscribedAt: '2025-06-01T12:00:00+02:00' }));
        expect((await store.subscriptions())[0].subscribedAt).toBe(T0);
        await expect(store.subscribe(subscription('B', { subscribedAt: 'yesterday' }))).rejects.toThrow(/subscribedAt is not a valid/);
      });

      it('copies subscriptions in and out', async () => {
        const s = subscription('A');
        await store.subscribe(s);
        s.conversationKey = 'changed';
        const [listed] = await store.subscriptions();
        listed.conversationKey = 'changed too';
        expect((await store.subscriptions())[0].conversationKey).toBe('conv-A');
      });
    });

    describe('subscription changes', () => {
      it('records every subscribe and every actual unsubscribe (who, when, channel, on/off, how), newest first', async () => {
        expect(await store.subscriptionChanges(10)).toEqual([]);
        await store.subscribe(subscription('19:sec', { subscribedBy: null, source: 'preset' }));
        await store.subscribe(subscription('19:ops', { subscribedBy: 'aad-approver', subscribedAt: at(MIN) }));
        expect(await store.unsubscribe('19:ops', { by: 'aad-admin', via: 'command', at: at(2 * MIN) })).toBe(true);
        // Nothing was subscribed: no change, nothing recorded.
        expect(await store.unsubscribe('19:ops', { by: 'aad-admin', via: 'command', at: at(3 * MIN) })).toBe(false);
        expect(await store.unsubscribe('19:sec', { by: null, via: 'settings', at: '2025-06-01T12:04:00+02:00' })).toBe(true);

        expect(await store.subscriptionChanges(10)).toEqual([
          { channelId: '19:sec', change: 'off', by: null, via: 'settings', at: at(4 * MIN) },
          { channelId: '19:ops', change: 'off', by: 'aad-admin', via: 'command', at: at(2 * MIN) },
          { channelId: '19:ops', change: 'on', by: 'aad-approver', via: 'command', at: at(MIN) },
          { channelId: '19:sec', change: 'on', by: null, via: 'settings', at: T0 },
        ]);
        expect((await store.subscriptionChanges(2)).map((c) => [c.channelId, c.change])).toEqual([
          ['19:sec', 'off'],
          ['19:ops', 'off'],
        ]);
        expect(await store.subscriptionChanges(0)).toEqual([]);
      });

      it('rejects an invalid time for an unsubscribe and changes nothing', async () => {
        await store.subscribe(subscription('A'));
        await expect(store.unsubscribe('A', { by: 'aad-admin', via: 'command', at: 'now' })).rejects.toThrow(/at is not a valid/);
        expect((await store.subscriptions()).map((s) => s.channelId)).toEqual(['A']);
        expect((await store.subscriptionChanges(10)).map((c) => c.change)).toEqual(['on']);
      });

      if (impl.reopen) {
        it('keeps the changes across a reopen', async () => {
          await store.subscribe(subscription('A'));
          await store.unsubscribe('A', { by: 'aad-admin', via: 'command', at: at(MIN) });
          storage = await impl.reopen!(storage);
          expect((await storage.notifications.subscriptionChanges(10)).map((c) => [c.channelId, c.change, c.by])).toEqual([
            ['A', 'off', 'aad-admin'],
            ['A', 'on', 'aad-alice'],
          ]);
        });
      }
    });

    describe('outbox', () => {
      it('enqueues a pending notification that claimDue hands out with every field', async () => {
        expect(await store.enqueue(note('R-1'))).toBe(true);
        expect(await store.claimDue(T0, 10, 5 * MIN)).toEqual([
          {
            id: expect.any(String),
            key: '19:ops@thread.tacv2|R-1|rollback.approved',
            channelId: '19:ops@thread.tacv2',
            requestId: 'R-1',
            event: 'rollback.approved',
            text: 'R-1: rollback.approved',
            status: 'pending',
            attempts: 0,
            nextAttemptAt: at(5 * MIN),
            lastError: null,
            createdAt: T0,
            sentAt: null,
            activityId: null,
          },
        ]);
      });

      it('de-duplicates by key: the second enqueue returns false and changes nothing', async () => {
        expect(await store.enqueue(note('R-1'))).toBe(true);
        expect(await store.enqueue({ ...note('R-1', 'rollback.approved', at(-MIN)), text: 'other text', requestId: 'R-other' })).toBe(false);
        const claimed = await store.claimDue(at(MIN), 10, MIN);
        expect(claimed.map((n) => [n.requestId, n.text, n.createdAt])).toEqual([['R-1', 'R-1: rollback.approved', T0]]);
      });

      it('keeps de-duplicating after the notification was sent', async () => {
        await store.enqueue(note('R-1'));
        const [n] = await store.claimDue(T0, 10, MIN);
        await store.markSent(n.id, at(1000), 'activity-1');
        expect(await store.enqueue(note('R-1', 'rollback.approved', at(10 * MIN)))).toBe(false);
        expect(await store.claimDue(at(60 * MIN), 10, MIN)).toEqual([]);
        expect(await store.failing(0)).toEqual([]);
      });

      it('claims only due notifications, oldest first (nextAttemptAt, then createdAt), up to the limit', async () => {
        await store.enqueue(note('R-late', 'e', at(60 * MIN)));
        await store.enqueue(note('R-second', 'e', at(MIN)));
        await store.enqueue(note('R-first', 'e', T0));
        await store.enqueue(note('R-third', 'e', at(2 * MIN)));
        expect(await store.claimDue(at(-1), 10, MIN)).toEqual([]);
        expect(await store.claimDue(at(2 * MIN), 0, MIN)).toEqual([]);
        expect((await store.claimDue(at(2 * MIN), 2, DAY)).map((n) => n.requestId)).toEqual(['R-first', 'R-second']);
        expect((await store.claimDue(at(2 * MIN), 10, DAY)).map((n) => n.requestId)).toEqual(['R-third']);

        // a retried notification whose next attempt ties with a fresh one: the older one first
        const [late] = await store.claimDue(at(60 * MIN), 10, DAY);
        await store.markRetry(late.id, at(90 * MIN), 'boom');
        await store.enqueue(note('R-fresh', 'e', at(90 * MIN)));
        expect((await store.claimDue(at(90 * MIN), 10, MIN)).map((n) => n.requestId)).toEqual(['R-late', 'R-fresh']);
      });

      it('a claim leases the notification: hidden until the lease ends, then handed out again', async () => {
        await store.enqueue(note('R-1'));
        const [first] = await store.claimDue(T0, 10, 5 * MIN);
        expect(first.nextAttemptAt).toBe(at(5 * MIN));
        expect(await store.claimDue(at(MIN), 10, 5 * MIN)).toEqual([]);
        expect(await store.claimDue(at(5 * MIN - 1), 10, 5 * MIN)).toEqual([]);
        const [again] = await store.claimDue(at(5 * MIN), 10, 5 * MIN);
        expect(again).toEqual({ ...first, nextAttemptAt: at(10 * MIN) });
        expect(again.attempts).toBe(0); // claiming is not a failed attempt
      });

      it('markRetry counts the attempt, reschedules, records the error and keeps it pending; failing() lists it', async () => {
        await store.enqueue(note('R-1'));
        await store.enqueue(note('R-2', 'rollback.approved', at(1)));
        const [n1, n2] = await store.claimDue(at(1), 10, DAY);
        expect(await store.failing(1)).toEqual([]);

        await store.markRetry(n1.id, at(2 * MIN), 'HTTP 502');
        expect(await store.failing(1)).toEqual([{ ...n1, status: 'pending', attempts: 1, nextAttemptAt: at(2 * MIN), lastError: 'HTTP 502' }]);
        expect(await store.claimDue(at(2 * MIN - 1), 10, MIN)).toEqual([]);
        const [retried] = await store.claimDue(at(2 * MIN), 10, MIN);
        expect(retried).toMatchObject({ id: n1.id, attempts: 1, lastError: 'HTTP 502', nextAttemptAt: at(3 * MIN) });

        await store.markRetry(n1.id, at(10 * MIN), 'HTTP 403');
        await store.markRetry(n2.id, at(10 * MIN), 'timeout');
        expect((await store.failing(2)).map((n) => [n.requestId, n.attempts, n.lastError])).toEqual([['R-1', 2, 'HTTP 403']]);
        expect((await store.failing(1)).map((n) => n.requestId)).toEqual(['R-1', 'R-2']);
        expect((await store.failing(0)).map((n) => n.requestId)).toEqual(['R-1', 'R-2']);
      });

      it('markSent takes it out of the due and failing lists for good', async () => {
        await store.enqueue(note('R-1'));
        const [n] = await store.claimDue(T0, 10, MIN);
        await store.markRetry(n.id, at(MIN), 'HTTP 502');
        expect((await store.failing(1)).map((x) => x.id)).toEqual([n.id]);
        await store.markSent(n.id, at(MIN), 'activity-1');
        expect(await store.failing(0)).toEqual([]);
        expect(await store.claimDue(at(60 * MIN), 10, MIN)).toEqual([]);
        // sent is final: a late retry or second markSent does not revive it
        await store.markRetry(n.id, at(2 * MIN), 'late');
        await store.markSent(n.id, at(2 * MIN), null);
        expect(await store.failing(0)).toEqual([]);
        expect(await store.claimDue(at(60 * MIN), 10, MIN)).toEqual([]);
      });

      it('ignores markSent and markRetry for an unknown id', async () => {
        await store.markSent('nope', T0, 'a');
        await store.markRetry('nope', T0, 'e');
        expect(await store.failing(0)).toEqual([]);
      });

      it('normalizes timestamps to toISOString form and rejects invalid ones', async () => {
        await store.enqueue(note('R-1', 'e', '2025-06-01T12:00:00+02:00'));
        const [n] = await store.claimDue('2025-06-01T10:00:00Z', 10, MIN);
        expect([n.createdAt, n.nextAttemptAt]).toEqual([T0, at(MIN)]);
        await store.markRetry(n.id, '2025-06-01T12:05:00+02:00', 'e');
        expect((await store.failing(1))[0].nextAttemptAt).toBe(at(5 * MIN));
        await expect(store.enqueue(note('R-2', 'e', 'soon'))).rejects.toThrow(/at is not a valid ISO-8601 timestamp/);
        await expect(store.claimDue('nope', 1, MIN)).rejects.toThrow(/now is not a valid/);
        await expect(store.markRetry(n.id, 'later', 'e')).rejects.toThrow(/nextAttemptAt is not a valid/);
        await expect(store.markSent(n.id, 'now', null)).rejects.toThrow(/at is not a valid/);
        expect((await store.failing(1))[0]).toMatchObject({ status: 'pending', attempts: 1 });
      });

      it('copies records out', async () => {
        await store.enqueue(note('R-1'));
        const [n] = await store.claimDue(T0, 10, 0);
        n.text = 'changed';
        n.attempts = 99;
        const [again] = await store.claimDue(T0, 10, 0);
        expect([again.text, again.attempts]).toEqual(['R-1: rollback.approved', 0]);
      });
    });

    describe('threads', () => {
      it('maps (channel, request) to a conversation key, upserting', async () => {
        expect(await store.threadOf('C1', 'R-1')).toBeNull();
        await store.setThread('C1', 'R-1', 'thread-a');
        await store.setThread('C1', 'R-2', 'thread-b');
        await store.setThread('C2', 'R-1', 'thread-c');
        expect(await store.threadOf('C1', 'R-1')).toBe('thread-a');
        expect(await store.threadOf('C1', 'R-2')).toBe('thread-b');
        expect(await store.threadOf('C2', 'R-1')).toBe('thread-c');
        expect(await store.threadOf('C2', 'R-2')).toBeNull();
        await store.setThread('C1', 'R-1', 'thread-a2');
        expect(await store.threadOf('C1', 'R-1')).toBe('thread-a2');
      });

      it('does not confuse ids that contain separators', async () => {
        await store.setThread('a|b', 'c', 'one');
        expect(await store.threadOf('a', 'b|c')).toBeNull();
      });
    });

    if (impl.reopen) {
      const reopen = impl.reopen.bind(impl);
      it('keeps subscriptions, outbox state (leases, attempts, sent keys) and threads after close and reopen', async () => {
        await store.subscribe(subscription('A'));
        await store.setThread('A', 'R-1', 'thread-1');
        await store.enqueue(note('R-sent'));
        await store.enqueue(note('R-leased'));
        await store.enqueue(note('R-retry'));
        await store.enqueue(note('R-waiting', 'e', at(10 * MIN)));
        const claimed = await store.claimDue(T0, 10, 5 * MIN);
        expect(claimed).toHaveLength(3);
        const byRequest = (id: string) => claimed.find((n) => n.requestId === id)!;
        await store.markSent(byRequest('R-sent').id, at(1000), 'act-1');
        await store.markRetry(byRequest('R-retry').id, at(2 * MIN), 'HTTP 502');

        const again = (await reopen(storage)).notifications;
        expect(await again.subscriptions()).toEqual([subscription('A')]);
        expect(await again.threadOf('A', 'R-1')).toBe('thread-1');
        expect(await again.enqueue(note('R-sent'))).toBe(false);
        expect((await again.failing(1)).map((n) => [n.requestId, n.attempts, n.lastError])).toEqual([['R-retry', 1, 'HTTP 502']]);
        expect((await again.claimDue(at(2 * MIN), 10, DAY)).map((n) => n.requestId)).toEqual(['R-retry']);
        expect((await again.claimDue(at(10 * MIN), 10, MIN)).map((n) => n.requestId)).toEqual(['R-leased', 'R-waiting']);
      });
    }
  });
}

for (const impl of storageImplementations()) notificationStoreContract(impl);

describe('migration 2 (notifications) on a database created at version 1', () => {
  const dir = tempDir('soa-bot-migration-2-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('applies on open, keeps the existing data, and the notification store works', async () => {
    const file = path.join(dir, 'v1.db');
    const v1 = openSqliteDatabase({ path: file, migrations: MIGRATIONS.slice(0, 1), clock: { now: () => new Date(T0) } });
    expect(await v1.migrated).toEqual([1]);
    v1.connection.prepare("INSERT INTO once_keys (key, claimed_at) VALUES ('old-key', ?)").run(T0);
    expect(v1.connection.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'notification%' OR name = 'channel_subscriptions'").all()).toEqual([]);
    await v1.close();

    const storage = openSqliteStorage({ path: file });
    await storage.ready;
    const versions = storage.database.connection.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[];
    expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(latestVersion()).toBeGreaterThanOrEqual(2);
    expect(await storage.conversations.claimOnce('old-key', at(MIN))).toBe(false);

    await storage.notifications.subscribe(subscription('A'));
    expect(await storage.notifications.enqueue(note('R-1'))).toBe(true);
    expect((await storage.notifications.claimDue(T0, 10, MIN)).map((n) => n.requestId)).toEqual(['R-1']);
    await storage.notifications.setThread('A', 'R-1', 't');
    expect(await storage.notifications.threadOf('A', 'R-1')).toBe('t');
    await storage.close();
  });

  it('creates the outbox without a foreign key to requests, with the due index', async () => {
    const storage = openSqliteStorage({ path: ':memory:' });
    await storage.ready;
    expect(storage.database.connection.prepare('PRAGMA foreign_key_list(notification_outbox)').all()).toEqual([]);
    const index = storage.database.connection.prepare('PRAGMA index_info(notification_outbox_due)').all() as { name: string }[];
    expect(index.map((c) => c.name)).toEqual(['status', 'next_attempt_at']);
    void storage.close();
  });
});

describe('migration 5 (subscription changes)', () => {
  it('keeps the record of subscription changes append-only in SQLite', async () => {
    const storage = openSqliteStorage({ path: ':memory:' });
    await storage.notifications.subscribe(subscription('A'));
    expect(() => storage.database.connection.prepare("UPDATE notification_subscription_changes SET change = 'off'").run()).toThrow(/append-only/);
    expect(() => storage.database.connection.prepare('DELETE FROM notification_subscription_changes').run()).toThrow(/append-only/);
    expect((await storage.notifications.subscriptionChanges(10)).map((c) => c.change)).toEqual(['on']);
    await storage.close();
  });
});
