import type { SelectQueryBuilder } from 'kysely';
import type { SqlDialect } from './dialect';

/**
 * The lock of a claim's SELECT (due jobs, due notifications). On PostgreSQL several instances claim at
 * once: `FOR UPDATE SKIP LOCKED` locks the rows one claim takes and lets the others pass over them, so a
 * row is handed to one claimer. SQLite has no row locks and needs none: a write statement (or a BEGIN
 * IMMEDIATE transaction, sql/database.ts) holds the database's one write lock while it reads.
 */
export function claimLock(dialect: SqlDialect) {
  return <DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O> =>
    dialect === 'postgres' ? query.forUpdate().skipLocked() : query;
}
