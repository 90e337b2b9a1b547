import { PostgresExportLog } from './postgres-export-log';
import { Clock, systemClock } from '../../../ports/clock';
import { Storage } from '../database-stores';
import { PostgresDatabase } from './database';
import { PostgresConversationStore } from './postgres-conversation-store';
import { PostgresJobQueue } from './postgres-job-queue';
import { PostgresNotificationStore } from './postgres-notification-store';
import { PostgresRequestStore } from './postgres-request-store';
import { PostgresSettingsStore } from './postgres-settings-store';
import { PostgresDelegationStore } from './postgres-delegation-store';

export interface PostgresStorageOptions {
  /** postgres://user:password@host:5432/db (or postgresql://...); node-postgres connection-string options apply (sslmode, ...). */
  url: string;
  clock?: Clock;
  /** Job and notification ids; random UUIDs by default. */
  newId?: () => string;
  /** Most connections this instance opens (default 10). */
  poolSize?: number;
  /** How long opening a connection may take (default 10 s). */
  connectTimeoutMs?: number;
  /** An idle pooled connection failed (see PostgresDatabaseOptions.onPoolError). */
  onPoolError?: (error: Error) => void;
}

export interface PostgresStorage extends Storage {
  requests: PostgresRequestStore;
  jobs: PostgresJobQueue;
  conversations: PostgresConversationStore;
  notifications: PostgresNotificationStore;
  settings: PostgresSettingsStore;
  /** The pool and its migration state, for diagnostics and tests. */
  db: PostgresDatabase;
  /** Resolves once the schema is up to date; rejects with the migration error (e.g. SchemaTooNewError). */
  ready: Promise<void>;
}

/**
 * Builds the stores at once and migrates in the background: every store call waits for the migration,
 * and fails with its error if it failed. For callers that must stay synchronous (compose); await `ready`
 * before serving. Prefer openPostgresStorage.
 */
export function createPostgresStorage(options: PostgresStorageOptions): PostgresStorage {
  const clock = options.clock ?? systemClock;
  const db = new PostgresDatabase({
    url: options.url,
    clock,
    poolSize: options.poolSize,
    connectTimeoutMs: options.connectTimeoutMs,
    onPoolError: options.onPoolError,
  });
  const ready = db.ready.then(() => undefined);
  ready.catch(() => undefined);
  return {
    db,
    ready,
    requests: new PostgresRequestStore(db, { clock }),
    jobs: new PostgresJobQueue(db, { clock, newId: options.newId }),
    conversations: new PostgresConversationStore(db),
    notifications: new PostgresNotificationStore(db, { newId: options.newId }),
    settings: new PostgresSettingsStore(db),
    delegations: new PostgresDelegationStore(db),
    exports: new PostgresExportLog(db),
    close: () => db.close(),
  };
}

/**
 * Connects, brings the schema up to date (the same numbered migrations as SQLite, under an advisory lock
 * so instances starting together take turns) and builds the stores on one pool. Rejects, with the pool
 * closed, when the database cannot be reached or migrated.
 */
export async function openPostgresStorage(options: PostgresStorageOptions): Promise<PostgresStorage> {
  const storage = createPostgresStorage(options);
  try {
    await storage.ready;
  } catch (error) {
    await storage.close().catch(() => undefined);
    throw error;
  }
  return storage;
}
