import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { Storage } from '../../../src/adapters/storage/database-stores';
import { openSqliteStorage } from '../../../src/adapters/storage/sqlite';
import { createInMemoryStorage } from '../../../src/adapters/storage/memory';
import { openPostgresStorage } from '../../../src/adapters/storage/postgres';
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
      return storage;
    },
    async reopen(storage) {
      const file = paths.get(storage);
      if (!file) throw new Error('not opened by this implementation');
      await storage.close();
      const again = openSqliteStorage({ path: file });
      paths.set(again, file);
      return again;
    },
    async cleanup() {
      for (const storage of paths.keys()) await storage.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function inMemory(): StorageImplementation {
  return { name: 'in-memory', open: async () => createInMemoryStorage(), cleanup: async () => {} };
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
