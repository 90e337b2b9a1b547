import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Storage } from '../../../src/adapters/storage/storage';
import { openSqliteStorage } from '../../../src/adapters/storage/sqlite';
import { createInMemoryStorage } from '../../../src/adapters/storage/memory';

/** Every implementation of the storage ports; each contract suite runs against all of them. */
export interface StorageImplementation {
  name: string;
  /** Fresh, empty storage. */
  open(): Storage;
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
    open() {
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
  return { name: 'in-memory', open: () => createInMemoryStorage(), cleanup: async () => {} };
}

export function storageImplementations(): StorageImplementation[] {
  return [sqliteFile(), inMemory()];
}
