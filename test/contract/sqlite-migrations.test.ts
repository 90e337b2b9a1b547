import * as fs from 'node:fs';
import * as path from 'node:path';
import { SchemaTooNewError } from '../../src/adapters/storage/errors';
import { MIGRATIONS, Migration, latestVersion, pendingMigrations } from '../../src/adapters/storage/migrations';
import { openSqliteDatabase, openSqliteStorage } from '../../src/adapters/storage/sqlite';
import { Clock } from '../../src/ports/clock';
import { tempDir } from './support/storage-implementations';
import { aTarget, aRequest } from '../support/builders';

const fixedClock = (iso: string): Clock => ({ now: () => new Date(iso) });

describe('SQLite migrations', () => {
  const dir = tempDir('soa-bot-migrations-');
  let n = 0;
  const freshFile = () => path.join(dir, `m-${++n}.db`);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const applied = (file: string) => {
    const db = openSqliteDatabase({ path: file });
    const rows = db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all();
    db.close();
    return rows as { version: number; name: string; applied_at: string }[];
  };

  it('applies every migration to a fresh database and records it', () => {
    const file = freshFile();
    const db = openSqliteDatabase({ path: file, clock: fixedClock('2025-06-01T00:00:00.000Z') });
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual([
      'approval_delegations',
      'bot_settings',
      'channel_subscriptions',
      'conversations',
      'jobs',
      'notification_outbox',
      'notification_subscription_changes',
      'notification_threads',
      'once_keys',
      'people',
      'personal_chats',
      'request_deciders',
      'request_events',
      'request_targets',
      'requests',
      'schema_migrations',
      'tab_exports',
    ]);
    db.close();
    expect(applied(file)).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name, applied_at: '2025-06-01T00:00:00.000Z' })));
  });

  it('moves the targets of requests stored before migration 4 into their own rows, in order', async () => {
    const file = freshFile();
    const before = MIGRATIONS.filter((m) => m.version < 4);
    const request = aRequest({ targets: [aTarget(), aTarget({ audit: { status: 'found', auditId: 'a1' } })] });
    const old = openSqliteDatabase({ path: file, migrations: before });
    old
      .prepare(
        `INSERT INTO requests (id, kind, status, version, created_at, expires_at, requester_id, body, updated_at)
       VALUES (?, 'transfer', ?, 1, ?, ?, 'r', ?, ?)`,
      )
      .run(request.id, request.status, request.createdAt, request.expiresAt, JSON.stringify(request), request.createdAt);
    old.close();
    const storage = openSqliteStorage({ path: file });
    expect(await storage.requests.get(request.id)).toEqual(request);
    await storage.close();
    const db = openSqliteDatabase({ path: file });
    expect((db.prepare('SELECT body FROM requests').get() as { body: string }).body).not.toContain('targets');
    expect(db.prepare('SELECT idx FROM request_targets ORDER BY idx').all()).toEqual([{ idx: 0 }, { idx: 1 }]);
    db.close();
  });

  it('re-opening applies nothing: the recorded versions and times stay as they were', () => {
    const file = freshFile();
    openSqliteDatabase({ path: file, clock: fixedClock('2025-06-01T00:00:00.000Z') }).close();
    openSqliteDatabase({ path: file, clock: fixedClock('2030-01-01T00:00:00.000Z') }).close();
    expect(applied(file).map((r) => r.applied_at)).toEqual(MIGRATIONS.map(() => '2025-06-01T00:00:00.000Z'));
  });

  it('applies only the new migrations of a newer build', () => {
    const file = freshFile();
    openSqliteDatabase({ path: file }).close();
    const next: Migration = { version: latestVersion() + 1, name: 'add notes', portable: 'CREATE TABLE notes (id TEXT PRIMARY KEY)' };
    const db = openSqliteDatabase({ path: file, migrations: [...MIGRATIONS, next], clock: fixedClock('2026-01-01T00:00:00.000Z') });
    expect(db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'notes'").get()).toEqual({ n: 1 });
    db.close();
    // opened again by the older build, that database is now "from the future"
    expect(() => openSqliteDatabase({ path: file })).toThrow(SchemaTooNewError);
  });

  it('refuses a database that records an unknown (future) migration, with a clear message', () => {
    const file = freshFile();
    const db = openSqliteDatabase({ path: file });
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from the future', '2030-01-01T00:00:00.000Z')").run();
    db.close();
    expect(() => openSqliteStorage({ path: file })).toThrow(
      `the database schema is newer than this SOA Bot build: it records migration(s) 999 but this build knows migrations up to ${latestVersion()}`,
    );
    expect(() => openSqliteDatabase({ path: file })).toThrow(SchemaTooNewError);
  });

  it('rolls back every migration of a failed run', () => {
    const file = freshFile();
    const broken: Migration = { version: latestVersion() + 1, name: 'broken', portable: 'CREATE TABLE half (a TEXT); INSERT INTO missing VALUES (1);' };
    expect(() => openSqliteDatabase({ path: file, migrations: [...MIGRATIONS, broken] })).toThrow(/no such table: missing/);
    const db = openSqliteDatabase({ path: file, migrations: [] });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('requests', 'half')").all()).toEqual([]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toEqual({ n: 0 });
    db.close();
  });

  it('checks the order of the migration list', () => {
    const m = (version: number): Migration => ({ version, name: `m${version}`, portable: '' });
    expect(pendingMigrations([], [m(1), m(2)])).toEqual([m(1), m(2)]);
    expect(pendingMigrations([1], [m(1), m(2)])).toEqual([m(2)]);
    expect(() => pendingMigrations([], [m(2), m(1)])).toThrow(/increasing/);
    expect(() => pendingMigrations([], [m(1), m(1)])).toThrow(/increasing/);
    expect(() => pendingMigrations([1, 3], [m(1), m(2)])).toThrow(SchemaTooNewError);
  });

  it('opens with WAL, busy_timeout and foreign keys, and creates the parent folder', () => {
    const file = path.join(dir, 'nested', 'deeper', 'soa-bot.db');
    const db = openSqliteDatabase({ path: file, busyTimeoutMs: 1234 });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
    expect(fs.existsSync(file)).toBe(true);
    db.close();
  });

  it('keeps request_events append-only and tied to an existing request', () => {
    const db = openSqliteDatabase({ path: ':memory:' });
    db.prepare(
      "INSERT INTO requests VALUES ('R-1', 'transfer', 'pending', 1, '2025-06-01T00:00:00.000Z', '2025-06-02T00:00:00.000Z', 'u', '{}', '2025-06-01T00:00:00.000Z')",
    ).run();
    db.prepare("INSERT INTO request_events VALUES ('R-1', 1, '2025-06-01T00:00:00.000Z', 'request.created', NULL, '{}')").run();
    expect(() => db.prepare("UPDATE request_events SET type = 'x'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM request_events').run()).toThrow(/append-only/);
    expect(() => db.prepare("INSERT INTO request_events VALUES ('R-2', 1, 'x', 'x', NULL, '{}')").run()).toThrow(/FOREIGN KEY/);
    db.close();
  });
});
