import { SqliteExportLog } from './sqlite-export-log';
import { Clock, systemClock } from '../../../ports/clock';
import { Storage } from '../database-stores';
import { SqliteDatabase, openSqliteDatabase } from './database';
import { SqliteConversationStore } from './sqlite-conversation-store';
import { SqliteJobQueue } from './sqlite-job-queue';
import { SqliteNotificationStore } from './sqlite-notification-store';
import { SqliteRequestStore } from './sqlite-request-store';
import { SqliteSettingsStore } from './sqlite-settings-store';
import { SqliteDelegationStore } from './sqlite-delegation-store';

export interface SqliteStorageOptions {
  /** File path (parent folder created when missing) or ':memory:'. */
  path: string;
  clock?: Clock;
  /** Job and notification ids; random UUIDs by default. */
  newId?: () => string;
  busyTimeoutMs?: number;
}

export interface SqliteStorage extends Storage {
  requests: SqliteRequestStore;
  jobs: SqliteJobQueue;
  conversations: SqliteConversationStore;
  notifications: SqliteNotificationStore;
  /** The connection, for diagnostics and tests. */
  db: SqliteDatabase;
}

/** Opens (and migrates) the database and builds the stores on one connection. */
export function openSqliteStorage(options: SqliteStorageOptions): SqliteStorage {
  const clock = options.clock ?? systemClock;
  const db = openSqliteDatabase({ path: options.path, clock, busyTimeoutMs: options.busyTimeoutMs });
  return {
    db,
    requests: new SqliteRequestStore(db, { clock }),
    jobs: new SqliteJobQueue(db, { clock, newId: options.newId }),
    conversations: new SqliteConversationStore(db),
    notifications: new SqliteNotificationStore(db, { newId: options.newId }),
    settings: new SqliteSettingsStore(db),
    delegations: new SqliteDelegationStore(db),
    exports: new SqliteExportLog(db),
    async close() {
      if (db.open) db.close();
    },
  };
}
