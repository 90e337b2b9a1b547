import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { Storage } from '../../../src/adapters/storage/database-stores';
import { openMemoryStorage, openPostgresStorage, openSqliteStorage } from '../../../src/adapters/storage';
import { testPostgres } from '../../support/postgres-server';

/** Every implementation of the storage ports; each contract suite runs against all of them. */
export interface StorageImplementation {
  name: string;
  /** Fresh, empty storage. */
  open(): Promise<Storage>;
  /** Durable implementations only: closes `storage` and opens the same data on a new connection. */
  reopen?(storage: Storage): Promise<Storage>;
  /** Releases everything opened by this implementation (call in afterAll). */
  cleanup(): Promise<void>;
}

/** Every table a fully migrated database has (ours and Kysely's migration bookkeeping), by name. */
export const ALL_TABLES = [
  'approval_delegations',
  'bot_settings',
  'channel_subscriptions',
  'conversations',
  'jobs',
  'kysely_migration',
  'kysely_migration_lock',
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
];

export function tempDir(prefix = 'soa-bot-contract-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function sqliteFile(): StorageImplementation {
  const dir = tempDir();
  const paths = new Map<Storage, string>();
  let n = 0;
  return {
    name: 'SQLite (temp file)',
    async open() {
      const file = path.join(dir, `db-${++n}.db`);
      const storage = openSqliteStorage({ path: file });
      paths.set(storage, file);
      await storage.ready;
      return storage;
    },
    async reopen(storage) {
      const file = paths.get(storage);
      if (!file) throw new Error('not opened by this implementation');
      await storage.close();
      const again = openSqliteStorage({ path: file });
      paths.set(again, file);
      await again.ready;
      return again;
    },
    async cleanup() {
      for (const storage of paths.keys()) await storage.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** SQLite in memory: what unit tests and dev mode use. */
function inMemory(): StorageImplementation {
  const opened: Storage[] = [];
  return {
    name: 'SQLite (in memory)',
    async open() {
      const storage = openMemoryStorage();
      opened.push(storage);
      await storage.ready;
      return storage;
    },
    async cleanup() {
      for (const storage of opened.splice(0)) await storage.close();
    },
  };
}

/**
 * One database on the test server per suite, and a new schema in it (selected through the connection's
 * search_path) for every open(): as empty as a new database, ten times faster to make. The server is
 * started on first use (test/support/postgres-server.ts); if it cannot be, every PostgreSQL test fails
 * with the reason.
 */
export function postgres(): StorageImplementation {
  const urls = new Map<Storage, string>();
  let database: Promise<string> | undefined;
  let n = 0;
  const databaseUrl = () => (database ??= testPostgres().then((server) => server.createDatabase('contract')));
  return {
    name: 'PostgreSQL',
    async open() {
      const base = await databaseUrl();
      const schema = `contract_${++n}`;
      const admin = new Client({ connectionString: base });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`).finally(() => admin.end());
      const url = new URL(base);
      url.searchParams.set('options', `-c search_path=${schema}`);
      const storage = await openPostgresStorage({ url: url.toString(), poolSize: 4 });
      urls.set(storage, url.toString());
      return storage;
    },
    async reopen(storage) {
      const url = urls.get(storage);
      if (!url) throw new Error('not opened by this implementation');
      await storage.close();
      const again = await openPostgresStorage({ url, poolSize: 4 });
      urls.set(again, url);
      return again;
    },
    async cleanup() {
      for (const storage of urls.keys()) await storage.close();
      urls.clear();
      if (database) await (await testPostgres()).dropDatabase(await database);
      database = undefined;
    },
  };
}

export function storageImplementations(): StorageImplementation[] {
  return [sqliteFile(), inMemory(), postgres()];
}
