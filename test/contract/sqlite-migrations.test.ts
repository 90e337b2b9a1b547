import * as fs from 'node:fs';
import * as path from 'node:path';
import { SchemaTooNewError } from '../../src/adapters/storage/errors';
import { MIGRATIONS, Migration, latestVersion, pendingMigrations } from '../../src/adapters/storage/migrations';
import { openSqliteDatabase, openSqliteStorage, type SqliteSqlDatabase } from '../../src/adapters/storage';
import { Clock } from '../../src/ports/clock';
import { ALL_TABLES, tempDir } from './support/storage-implementations';
import { aTarget, aRequest } from '../support/builders';

const fixedClock = (iso: string): Clock => ({ now: () => new Date(iso) });

/** The migrated connection, as the stores get it. */
async function migrated(options: Parameters<typeof openSqliteDatabase>[0]): Promise<SqliteSqlDatabase> {
  const database = openSqliteDatabase(options);
  try {
    await database.migrated;
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

describe('SQLite migrations', () => {
  const dir = tempDir('soa-bot-migrations-');
  let n = 0;
  const freshFile = () => path.join(dir, `m-${++n}.db`);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const applied = async (file: string) => {
    const database = await migrated({ path: file });
    const rows = database.connection.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all();
    await database.close();
    return rows as { version: number; name: string; applied_at: string }[];
  };

  it('applies every migration to a fresh database and records it', async () => {
    const file = freshFile();
    const database = await migrated({ path: file, clock: fixedClock('2025-06-01T00:00:00.000Z') });
    const db = database.connection;
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(ALL_TABLES);
    await database.close();
    expect(await applied(file)).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name, applied_at: '2025-06-01T00:00:00.000Z' })));
  });

  it('moves the targets of requests stored before migration 4 into their own rows, in order', async () => {
    const file = freshFile();
    const before = MIGRATIONS.filter((m) => m.version < 4);
    const request = aRequest({ targets: [aTarget(), aTarget({ audit: { status: 'found', auditId: 'a1' } })] });
    const old = await migrated({ path: file, migrations: before });
    old.connection
      .prepare(
        `INSERT INTO requests (id, kind, status, version, created_at, expires_at, requester_id, body, updated_at)
       VALUES (?, 'transfer', ?, 1, ?, ?, 'r', ?, ?)`,
      )
      .run(request.id, request.status, request.createdAt, request.expiresAt, JSON.stringify(request), request.createdAt);
    await old.close();
    const storage = openSqliteStorage({ path: file });
    expect(await storage.requests.get(request.id)).toEqual(request);
    await storage.close();
    const database = await migrated({ path: file });
    const db = database.connection;
    expect((db.prepare('SELECT body FROM requests').get() as { body: string }).body).not.toContain('targets');
    expect(db.prepare('SELECT idx FROM request_targets ORDER BY idx').all()).toEqual([{ idx: 0 }, { idx: 1 }]);
    await database.close();
  });

  it('re-opening applies nothing: the recorded versions and times stay as they were', async () => {
    const file = freshFile();
    await (await migrated({ path: file, clock: fixedClock('2025-06-01T00:00:00.000Z') })).close();
    const again = await migrated({ path: file, clock: fixedClock('2030-01-01T00:00:00.000Z') });
    expect(await again.migrated).toEqual([]);
    await again.close();
    expect((await applied(file)).map((r) => r.applied_at)).toEqual(MIGRATIONS.map(() => '2025-06-01T00:00:00.000Z'));
  });

  it('applies only the new migrations of a newer build', async () => {
    const file = freshFile();
    await (await migrated({ path: file })).close();
    const next: Migration = { version: latestVersion() + 1, name: 'add notes', portable: 'CREATE TABLE notes (id TEXT PRIMARY KEY)' };
    const database = await migrated({ path: file, migrations: [...MIGRATIONS, next], clock: fixedClock('2026-01-01T00:00:00.000Z') });
    expect(await database.migrated).toEqual([next.version]);
    expect(database.connection.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'notes'").get()).toEqual({ n: 1 });
    await database.close();
    // opened again by the older build, that database is now "from the future"
    await expect(migrated({ path: file })).rejects.toThrow(SchemaTooNewError);
  });

  it('refuses a database that records an unknown (future) migration, with a clear message; every store call fails the same way', async () => {
    const file = freshFile();
    const database = await migrated({ path: file });
    database.connection.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from the future', '2030-01-01T00:00:00.000Z')").run();
    await database.close();
    const storage = openSqliteStorage({ path: file });
    const message = `the database schema is newer than this SOA Bot build: it records migration(s) 999 but this build knows migrations up to ${latestVersion()}`;
    await expect(storage.ready).rejects.toThrow(message);
    await expect(storage.requests.get('R-1')).rejects.toThrow(SchemaTooNewError);
    await storage.close();
  });

  it('rolls back every migration of a failed run', async () => {
    const file = freshFile();
    const broken: Migration = { version: latestVersion() + 1, name: 'broken', portable: 'CREATE TABLE half (a TEXT); INSERT INTO missing VALUES (1);' };
    await expect(migrated({ path: file, migrations: [...MIGRATIONS, broken] })).rejects.toThrow(/no such table: missing/);
    const database = await migrated({ path: file, migrations: [] });
    const db = database.connection;
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('requests', 'half', 'schema_migrations')").all()).toEqual([]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM kysely_migration').get()).toEqual({ n: 0 });
    await database.close();
  });

  it('checks the order of the migration list', () => {
    const m = (version: number): Migration => ({ version, name: `m${version}`, portable: '' });
    expect(pendingMigrations([], [m(1), m(2)])).toEqual([m(1), m(2)]);
    expect(pendingMigrations([1], [m(1), m(2)])).toEqual([m(2)]);
    expect(() => pendingMigrations([], [m(2), m(1)])).toThrow(/increasing/);
    expect(() => pendingMigrations([], [m(1), m(1)])).toThrow(/increasing/);
    expect(() => pendingMigrations([1, 3], [m(1), m(2)])).toThrow(SchemaTooNewError);
  });

  it('opens with WAL, busy_timeout and foreign keys, and creates the parent folder', async () => {
    const file = path.join(dir, 'nested', 'deeper', 'soa-bot.db');
    const database = await migrated({ path: file, busyTimeoutMs: 1234 });
    const db = database.connection;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
    expect(fs.existsSync(file)).toBe(true);
    await database.close();
  });

  it('keeps request_events append-only and tied to an existing request', async () => {
    const database = await migrated({ path: ':memory:' });
    const db = database.connection;
    db.prepare(
      "INSERT INTO requests VALUES ('R-1', 'transfer', 'pending', 1, '2025-06-01T00:00:00.000Z', '2025-06-02T00:00:00.000Z', 'u', '{}', '2025-06-01T00:00:00.000Z')",
    ).run();
    db.prepare("INSERT INTO request_events VALUES ('R-1', 1, '2025-06-01T00:00:00.000Z', 'request.created', NULL, '{}')").run();
    expect(() => db.prepare("UPDATE request_events SET type = 'x'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM request_events').run()).toThrow(/append-only/);
    expect(() => db.prepare("INSERT INTO request_events VALUES ('R-2', 1, 'x', 'x', NULL, '{}')").run()).toThrow(/FOREIGN KEY/);
    await database.close();
  });
});
