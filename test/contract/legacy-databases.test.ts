import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { MIGRATIONS, latestVersion } from '../../src/adapters/storage/migrations';
import { SqlRequestStore } from '../../src/adapters/storage/request-store';
import { SqlDatabase, openPostgresDatabase, openSqliteDatabase } from '../../src/adapters/storage/sql/database';
import { aDecision, aPreflightResult, aRequest, aRequestEvent, aTarget } from '../support/builders';
import { testPostgres } from '../support/postgres-server';
import { tempDir } from './support/storage-implementations';

/**
 * Databases written by the hand-written stores SOA Bot had before its stores moved to Kysely
 * (fixtures/README.md) must open with today's code without losing a row: existing deployments migrate
 * in place.
 */
const FIXTURES = path.join(__dirname, 'fixtures');
const LEGACY_VERSION = 10;

async function expectLegacyContentReadable(database: SqlDatabase): Promise<void> {
  const db = await database.kysely();
  const requests = await db.selectFrom('requests').select(['id', 'status', 'version']).orderBy('id').execute();
  expect(requests.map((r) => r.id)).toEqual(['legacy-1', 'legacy-2']);
  const targets = await db.selectFrom('request_targets').select(['request_id', 'idx']).where('request_id', '=', 'legacy-1').orderBy('idx').execute();
  expect(targets.map((t) => Number(t.idx))).toEqual([0, 1]);
  const events = await db.selectFrom('request_events').select(['type']).where('request_id', '=', 'legacy-1').orderBy('seq').execute();
  expect(events.map((e) => e.type)).toEqual(['request.created', 'graph.call']);
  const deciders = await db.selectFrom('request_deciders').select('request_id').execute();
  expect(deciders.map((d) => d.request_id)).toEqual(['legacy-1']);
  const jobs = await db.selectFrom('jobs').select(['key', 'run_at']).execute();
  expect(jobs).toEqual([{ key: 'execute:legacy-1', run_at: '2026-11-02T09:02:00.000Z' }]);
  const setting = await db.selectFrom('bot_settings').select(['value', 'updated_by']).where('key', '=', 'freeze').executeTakeFirst();
  expect(setting).toEqual({ value: 'on', updated_by: 'admin' });
  const versions = await db.selectFrom('schema_migrations').select('version').orderBy('version').execute();
  expect(versions.map((v) => Number(v.version))).toEqual(MIGRATIONS.map((m) => m.version));
}

/** The legacy requests through the one RequestStore: whole, listed (with the filters' indexes), and their events. */
async function expectLegacyRequestsReadable(database: SqlDatabase): Promise<void> {
  const store = new SqlRequestStore(database);
  // As make-legacy-databases.js wrote it.
  expect(await store.get('legacy-1')).toEqual(
    aRequest({
      id: 'legacy-1',
      createdAt: '2026-11-02T09:00:00.000Z',
      targets: [aTarget(), aTarget({ preflight: aPreflightResult({ userId: '33333333-3333-3333-3333-333333333333', upn: 'bob@contoso.com' }) })],
      status: 'approved',
      decisions: [aDecision()],
    }),
  );
  const ids = async (query: Partial<Parameters<SqlRequestStore['listPage']>[0]>) =>
    (await store.listPage({ order: 'newest-first', limit: 10, ...query })).requests.map((r) => `${r.id}:${r.targetCount}`);
  expect(await ids({})).toEqual(['legacy-2:1', 'legacy-1:2']);
  expect(await ids({ targetUpn: 'BOB@contoso.com' })).toEqual(['legacy-1:2']);
  expect(await ids({ decidedBy: 'bob approver' })).toEqual(['legacy-1:2']);
  expect(await ids({ statuses: ['pending'], kinds: ['rollback'] })).toEqual(['legacy-2:1']);
  expect((await store.events('legacy-1')).map((e) => e.type)).toEqual(['request.created', 'graph.call']);
  expect((await store.events('legacy-1', { excludeTypes: ['graph.call'] })).map((e) => e.type)).toEqual(['request.created']);
  // Sequence numbers continue after the legacy ones.
  await store.appendEvents([aRequestEvent({ requestId: 'legacy-1', type: 'card.posted' })]);
  expect((await store.events('legacy-1')).map((e) => e.type)).toEqual(['request.created', 'graph.call', 'card.posted']);
}

/** Opens the legacy database twice: the first start applies only the newer migrations and loses nothing, the second applies none. */
async function expectMigratesInPlace(open: () => SqlDatabase): Promise<void> {
  const database = open();
  try {
    expect(await database.migrated).toEqual(MIGRATIONS.filter((m) => m.version > LEGACY_VERSION).map((m) => m.version));
    await expectLegacyContentReadable(database);
    await expectLegacyRequestsReadable(database);
  } finally {
    await database.close();
  }
  const again = open();
  try {
    expect(await again.migrated).toEqual([]);
  } finally {
    await again.close();
  }
}

describe('databases made before the stores moved to Kysely', () => {
  const dir = tempDir('soa-bot-legacy-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the fixtures are at schema version 10, the last the hand-written stores knew', () => {
    expect(LEGACY_VERSION).toBeLessThanOrEqual(latestVersion());
  });

  it('SQLite: opens a version-10 file in place, re-runs no migration, and keeps every row', async () => {
    const file = path.join(dir, 'legacy.sqlite');
    fs.copyFileSync(path.join(FIXTURES, 'legacy-v10.sqlite'), file);
    await expectMigratesInPlace(() => openSqliteDatabase({ path: file }));
  });

  it('PostgreSQL: opens a database restored from a version-10 dump in place, and keeps every row', async () => {
    const server = await testPostgres();
    const url = await server.createDatabase('legacy');
    try {
      const client = new Client({ connectionString: url });
      await client.connect();
      await client.query(fs.readFileSync(path.join(FIXTURES, 'legacy-v10.postgres.sql'), 'utf8')).finally(() => client.end());
      await expectMigratesInPlace(() => openPostgresDatabase({ url, poolSize: 2 }));
    } finally {
      await server.dropDatabase(url);
    }
  });
});
