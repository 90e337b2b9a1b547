import { Client } from 'pg';
import { SchemaTooNewError } from '../../src/adapters/storage/errors';
import { MIGRATIONS, Migration, latestVersion } from '../../src/adapters/storage/migrations';
import { createPostgresStorage, openPostgresDatabase, openPostgresStorage } from '../../src/adapters/storage';
import { Clock } from '../../src/ports/clock';
import { ALL_TABLES } from './support/storage-implementations';
import { aRequestEvent, aTarget, aRequest } from '../support/builders';
import { TestPostgres, testPostgres } from '../support/postgres-server';

const fixedClock = (iso: string): Clock => ({ now: () => new Date(iso) });

describe('PostgreSQL migrations', () => {
  let server: TestPostgres;
  const databases: string[] = [];
  const fresh = async () => {
    const url = await server.createDatabase('migrations');
    databases.push(url);
    return url;
  };
  /** Runs SQL on its own connection (not through the code under test). */
  const sql = async <R = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<R[]> => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as R[];
    } finally {
      await client.end();
    }
  };
  const applied = (url: string) =>
    sql<{ version: number; name: string; applied_at: string }>(url, 'SELECT version, name, applied_at FROM schema_migrations ORDER BY version');
  const open = async (url: string, options: { migrations?: readonly Migration[]; clock?: Clock } = {}) => {
    const database = openPostgresDatabase({ url, ...options });
    try {
      return await database.migrated;
    } finally {
      await database.close();
    }
  };

  beforeAll(async () => {
    server = await testPostgres();
  });
  afterAll(async () => {
    for (const url of databases) await server.dropDatabase(url);
  });

  it('applies every migration to a fresh database and records it', async () => {
    const url = await fresh();
    expect(await open(url, { clock: fixedClock('2025-06-01T00:00:00.000Z') })).toEqual(MIGRATIONS.map((m) => m.version));
    const tables = await sql<{ table_name: string }>(
      url,
      'SELECT table_name FROM information_schema.tables WHERE table_schema = \'public\' ORDER BY table_name COLLATE "C"',
    );
    expect(tables.map((t) => t.table_name)).toEqual(ALL_TABLES);
    expect(await applied(url)).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name, applied_at: '2025-06-01T00:00:00.000Z' })));
  });

  it('compares keys and timestamps byte-wise (collation "C"), as SQLite does, in a database that collates en-US', async () => {
    const url = await fresh();
    await open(url);
    expect(await sql(url, "SELECT 'R-b' < 'R-B' AS natural_language_order")).toEqual([{ natural_language_order: true }]);
    const columns = await sql<{ c: string }>(
      url,
      `SELECT table_name || '.' || column_name AS c FROM information_schema.columns
       WHERE table_schema = 'public' AND data_type = 'text' AND collation_name IS DISTINCT FROM 'C'
       ORDER BY (table_name || '.' || column_name) COLLATE "C"`,
    );
    // Only payload columns (JSON, free text, names) keep the database collation; nothing orders by them.
    expect(columns.map((r) => r.c)).toEqual([
      'approval_delegations.created_by',
      'approval_delegations.delegate_id',
      'approval_delegations.delegate_name',
      'approval_delegations.delegator_id',
      'approval_delegations.delegator_name',
      'approval_delegations.ended_by',
      'bot_settings.updated_at',
      'bot_settings.updated_by',
      'bot_settings.value',
      'channel_subscriptions.conversation_key',
      'channel_subscriptions.source',
      'channel_subscriptions.subscribed_by',
      'conversations.kind',
      'conversations.reference',
      'conversations.team_id',
      'conversations.tenant_id',
      'jobs.kind',
      'jobs.request_id',
      'jobs.state',
      'notification_outbox.activity_id',
      'notification_outbox.channel_id',
      'notification_outbox.event',
      'notification_outbox.last_error',
      'notification_outbox.request_id',
      'notification_outbox.text',
      'notification_subscription_changes.actor_id',
      'notification_subscription_changes.change',
      'notification_subscription_changes.via',
      'notification_threads.conversation_key',
      'once_keys.claimed_at',
      'people.mri',
      'people.name',
      'people.updated_at',
      'personal_chats.conversation_key',
      'personal_chats.updated_at',
      'request_events.actor_id',
      'request_events.data',
      'request_events.type',
      'request_targets.body',
      'requests.body',
      'requests.kind',
      'requests.requester_id',
      'schema_migrations.applied_at',
      'schema_migrations.name',
      'tab_exports.actor_id',
      'tab_exports.filters',
      'tab_exports.format',
    ]);
  });

  it('moves the targets of requests stored before migration 4 into their own rows, in order', async () => {
    const url = await fresh();
    await open(url, { migrations: MIGRATIONS.filter((m) => m.version < 4) });
    const request = aRequest({ targets: [aTarget(), aTarget({ audit: { status: 'found', auditId: 'a1' } })] });
    await sql(
      url,
      `INSERT INTO requests (id, kind, status, version, created_at, expires_at, requester_id, body, updated_at)
       VALUES ($1, 'transfer', $2, 1, $3, $4, 'r', $5, $3)`,
      [request.id, request.status, request.createdAt, request.expiresAt, JSON.stringify(request)],
    );
    const storage = await openPostgresStorage({ url });
    try {
      expect(await storage.requests.get(request.id)).toEqual(request);
    } finally {
      await storage.close();
    }
    expect((await sql<{ body: string }>(url, 'SELECT body FROM requests'))[0].body).not.toContain('targets');
    expect(await sql(url, 'SELECT idx FROM request_targets ORDER BY idx')).toEqual([{ idx: 0 }, { idx: 1 }]);
  });

  it('re-opening applies nothing: the recorded versions and times stay as they were', async () => {
    const url = await fresh();
    await open(url, { clock: fixedClock('2025-06-01T00:00:00.000Z') });
    expect(await open(url, { clock: fixedClock('2030-01-01T00:00:00.000Z') })).toEqual([]);
    expect((await applied(url)).map((r) => r.applied_at)).toEqual(MIGRATIONS.map(() => '2025-06-01T00:00:00.000Z'));
  });

  it('applies only the new migrations of a newer build; the older build then refuses the database', async () => {
    const url = await fresh();
    await open(url);
    const next: Migration = { version: latestVersion() + 1, name: 'add notes', portable: 'CREATE TABLE notes (id TEXT PRIMARY KEY)' };
    expect(await open(url, { migrations: [...MIGRATIONS, next] })).toEqual([next.version]);
    expect(await sql(url, "SELECT to_regclass('notes') IS NOT NULL AS present")).toEqual([{ present: true }]);
    await expect(open(url)).rejects.toBeInstanceOf(SchemaTooNewError);
  });

  it('refuses a database that records an unknown (future) migration: openPostgresStorage rejects and lets go of the pool', async () => {
    const url = await fresh();
    await open(url);
    await sql(url, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from the future', '2030-01-01T00:00:00.000Z')");
    await expect(openPostgresStorage({ url })).rejects.toThrow(
      `the database schema is newer than this SOA Bot build: it records migration(s) 999 but this build knows migrations up to ${latestVersion()}`,
    );
    // createPostgresStorage (the synchronous form) fails every store call with the same error.
    const storage = createPostgresStorage({ url });
    await expect(storage.ready).rejects.toBeInstanceOf(SchemaTooNewError);
    await expect(storage.requests.get('R-1')).rejects.toBeInstanceOf(SchemaTooNewError);
    await storage.close();
    await storage.close();
  });

  it('rolls back every migration of a failed run', async () => {
    const url = await fresh();
    const broken: Migration = { version: latestVersion() + 1, name: 'broken', portable: 'CREATE TABLE half (a TEXT); INSERT INTO missing VALUES (1);' };
    await expect(open(url, { migrations: [...MIGRATIONS, broken] })).rejects.toThrow(/relation "missing" does not exist/);
    expect(await sql(url, "SELECT to_regclass('requests') IS NULL AS gone, to_regclass('half') IS NULL AS half_gone")).toEqual([
      { gone: true, half_gone: true },
    ]);
    expect(await open(url)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('keeps request_events append-only and tied to an existing request', async () => {
    const url = await fresh();
    await open(url);
    await sql(
      url,
      "INSERT INTO requests VALUES ('R-1', 'transfer', 'pending', 1, '2025-06-01T00:00:00.000Z', '2025-06-02T00:00:00.000Z', 'u', '{}', '2025-06-01T00:00:00.000Z')",
    );
    await sql(url, "INSERT INTO request_events VALUES ('R-1', 1, '2025-06-01T00:00:00.000Z', 'request.created', NULL, '{}')");
    await expect(sql(url, "UPDATE request_events SET type = 'x'")).rejects.toThrow(/append-only/);
    await expect(sql(url, 'DELETE FROM request_events')).rejects.toThrow(/append-only/);
    await expect(sql(url, 'TRUNCATE request_events')).rejects.toThrow(/append-only/);
    await expect(sql(url, "INSERT INTO request_events VALUES ('R-2', 1, 'x', 'x', NULL, '{}')")).rejects.toThrow(/foreign key/);
  });

  it('several instances starting together on a new database take turns: each migration is applied once', async () => {
    const url = await fresh();
    const results = await Promise.all(Array.from({ length: 6 }, () => open(url)));
    expect(results.filter((r) => r.length > 0)).toEqual([MIGRATIONS.map((m) => m.version)]);
    expect((await applied(url)).map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('rejects at once, with the pool closed, when the server cannot be reached', async () => {
    await expect(openPostgresStorage({ url: 'postgres://soa@127.0.0.1:1/soa', connectTimeoutMs: 2000 })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('stores wait for the migration: a store call made right after createPostgresStorage works', async () => {
    const url = await fresh();
    const storage = createPostgresStorage({ url });
    await storage.requests.create(aRequest(), aRequestEvent());
    expect((await storage.requests.get('R-7K3Q'))!.version).toBe(1);
    await storage.close();
    await expect(storage.requests.get('R-7K3Q')).rejects.toThrow();
  });
});
