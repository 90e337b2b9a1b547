export { openSqliteDatabase, migrate } from './database';
export type { SqliteDatabase, OpenSqliteDatabaseOptions } from './database';
export { openSqliteStorage } from './open-sqlite-storage';
export type { SqliteStorage, SqliteStorageOptions } from './open-sqlite-storage';
export { SqliteRequestStore } from './sqlite-request-store';
export { SqliteJobQueue } from './sqlite-job-queue';
export type { JobQueueOptions } from './sqlite-job-queue';
export { SqliteConversationStore } from './sqlite-conversation-store';
export { SqliteNotificationStore } from './sqlite-notification-store';
