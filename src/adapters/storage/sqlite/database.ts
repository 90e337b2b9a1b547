import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { Clock, systemClock } from '../../../ports/clock';
import { MIGRATIONS, Migration, SCHEMA_MIGRATIONS_TABLE, pendingMigrations } from '../migrations';

export type SqliteDatabase = Database.Database;

export interface OpenSqliteDatabaseOptions {
  /** File path, or ':memory:'. The parent folder is created when missing. */
  path: string;
  clock?: Clock;
  /** How long a writer waits for another connection's lock before failing (ms). */
  busyTimeoutMs?: number;
  /** For tests of the migration runner; defaults to MIGRATIONS. */
  migrations?: readonly Migration[];
}

/** Opens a connection with WAL, busy_timeout and foreign keys, and brings the schema up to date. */
export function openSqliteDatabase(options: OpenSqliteDatabaseOptions): SqliteDatabase {
  if (options.path !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(options.path)), { recursive: true });
  const db = new Database(options.path);
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, options.migrations ?? MIGRATIONS, options.clock ?? systemClock);
    cacheStatements(db);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/**
 * Every store prepares its SQL where it runs it; compiling the same statement again on each call cost
 * about as much as running it (measured on the chat path: one INSERT per message). The connection keeps
 * each distinct SQL text's statement instead (no store uses per-statement modes such as pluck or raw).
 */
function cacheStatements(db: SqliteDatabase): void {
  const prepare = db.prepare.bind(db);
  const statements = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = prepare(sql);
      if (statements.size < MAX_CACHED_STATEMENTS) statements.set(sql, statement);
    }
    return statement;
  }) as SqliteDatabase['prepare'];
}

const MAX_CACHED_STATEMENTS = 500;

/** Applies pending migrations in one IMMEDIATE transaction: all or nothing, one process at a time. */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[], clock: Clock): number[] {
  const run = db.transaction(() => {
    db.exec(SCHEMA_MIGRATIONS_TABLE);
    const applied = (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version);
    const pending = pendingMigrations(applied, migrations);
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of pending) {
      db.exec(m.portable);
      if (m.sqlite) db.exec(m.sqlite);
      record.run(m.version, m.name, clock.now().toISOString());
    }
    return pending.map((m) => m.version);
  });
  return run.immediate();
}
