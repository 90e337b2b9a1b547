import { StoreOptions } from './store-options';
import { SqlConversationStore } from './conversation-store';
import { Storage } from './database-stores';
import { SqlDelegationStore } from './delegation-store';
import { SqlExportLog } from './export-log';
import { SqlJobQueue } from './job-queue';
import { SqlNotificationStore } from './notification-store';
import { SqlRequestStore } from './request-store';
import { SqlSettingsStore } from './settings-store';
import {
  OpenPostgresOptions,
  OpenSqliteOptions,
  PostgresSqlDatabase,
  SqlDatabase,
  SqliteSqlDatabase,
  openPostgresDatabase,
  openSqliteDatabase,
} from './sql/database';

export type { StoreOptions };

/** The stores of one database; `ready` resolves once its schema is up to date (rejects with why not). */
export interface SqlStorage<D extends SqlDatabase = SqlDatabase> extends Storage {
  database: D;
  ready: Promise<void>;
}

export type SqliteStorage = SqlStorage<SqliteSqlDatabase>;
export type PostgresStorage = SqlStorage<PostgresSqlDatabase>;

/** Every store over one database: one implementation each, whichever the database. */
export function storageOn<D extends SqlDatabase>(database: D, options: StoreOptions = {}): SqlStorage<D> {
  const ready = database.migrated.then(() => undefined);
  ready.catch(() => undefined);
  return {
    database,
    ready,
    requests: new SqlRequestStore(database, options),
    jobs: new SqlJobQueue(database, options),
    conversations: new SqlConversationStore(database, options),
    notifications: new SqlNotificationStore(database, options),
    settings: new SqlSettingsStore(database, options),
    delegations: new SqlDelegationStore(database, options),
    exports: new SqlExportLog(database, options),
    close: () => database.close(),
  };
}

/** A SQLite file (or ':memory:'); its stores wait for the migration, which starts at once. */
export function openSqliteStorage(options: OpenSqliteOptions & StoreOptions): SqliteStorage {
  return storageOn(openSqliteDatabase(options), options);
}

/**
 * Non-durable storage for tests and dev mode: SQLite in memory, so it is the same code (and the same SQL)
 * as production, not a look-alike.
 */
export function openMemoryStorage(options: StoreOptions = {}): SqliteStorage {
  return openSqliteStorage({ ...options, path: ':memory:' });
}

/**
 * Builds the stores at once and migrates in the background: every store call waits for the migration,
 * and fails with its error if it failed. For callers that must stay synchronous (compose); await `ready`
 * before serving. Prefer openPostgresStorage.
 */
export function createPostgresStorage(options: OpenPostgresOptions & StoreOptions): PostgresStorage {
  return storageOn(openPostgresDatabase(options), options);
}

/**
 * Connects, brings the schema up to date (under an advisory lock, so instances starting together take
 * turns) and builds the stores on one pool. Rejects, with the pool closed, when the database cannot be
 * reached or migrated.
 */
export async function openPostgresStorage(options: OpenPostgresOptions & StoreOptions): Promise<PostgresStorage> {
  const storage = createPostgresStorage(options);
  try {
    await storage.ready;
  } catch (error) {
    await storage.close().catch(() => undefined);
    throw error;
  }
  return storage;
}
