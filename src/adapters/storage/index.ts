export type { Storage } from './database-stores';
export { RequestAlreadyExistsError, RequestNotFoundError, SchemaTooNewError } from './errors';
export { MIGRATIONS, latestVersion, pendingMigrations } from './migrations';
export type { Migration } from './migrations';
export { parseDatabaseUrl, describeDatabaseLocation, redactDatabaseUrl, DEFAULT_SQLITE_PATH, ACCEPTED_DATABASE_URL_FORMS } from './database-url';
export type { DatabaseLocation } from './database-url';
export * from './sqlite';
export * from './memory';
export * from './postgres';
