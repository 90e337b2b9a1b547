import { Clock } from '../../ports/clock';
import { ConversationStore } from '../../ports/conversation-store';
import { DelegationStore } from '../../ports/delegation-store';
import { ExportLog } from '../../ports/export-log';
import { JobQueue } from '../../ports/job-queue';
import { NotificationStore } from '../../ports/notification-store';
import { SettingsStore } from '../../ports/settings-store';
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

/** What every store may be given: the clock of its timestamps and leases, the source of new ids. */
export interface StoreOptions {
  clock?: Clock;
  /** Job, notification and subscription-change ids; random UUIDs by default. */
  newId?: () => string;
}

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
    jobs: new SqlJobQueue(database, options) as unknown as JobQueue,
    conversations: new SqlConversationStore(database, options) as unknown as ConversationStore,
    notifications: new SqlNotificationStore(database, options) as unknown as NotificationStore,
    settings: new SqlSettingsStore(database, options) as unknown as SettingsStore,
    delegations: new SqlDelegationStore(database, options) as unknown as DelegationStore,
    exports: new SqlExportLog(database, options) as unknown as ExportLog,
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
