import * as fs from 'node:fs';
import * as path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  DatabaseConnection,
  DialectAdapter,
  Driver,
  Kysely,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';
import { Pool } from 'pg';
import { Clock, systemClock } from '../../../ports/clock';
import { MIGRATIONS, Migration } from '../migrations';
import { migrateToLatest } from './migrate';
import { Tables } from './tables';

import { SqlDialect } from './dialect';

export type { SqlDialect };

/**
 * One database, SQLite or PostgreSQL, behind one Kysely query builder: every store is written once
 * against it. The schema is brought up to date once, before any store query runs: `kysely()` waits for
 * that, so storage can be built synchronously and fails every call the same way if migrating failed.
 */
export interface SqlDatabase {
  readonly dialect: SqlDialect;
  /** The query builder, once the schema is up to date. Rejects with the migration's error. */
  kysely(): Promise<Kysely<Tables>>;
  /** Resolves with the migration versions this start applied. */
  readonly migrated: Promise<number[]>;
  /** Idempotent: waits for the migration, then closes the connection(s). */
  close(): Promise<void>;
}

export interface SqliteSqlDatabase extends SqlDatabase {
  readonly dialect: 'sqlite';
  /** The better-sqlite3 connection, for diagnostics and tests that look at the file directly. */
  readonly connection: BetterSqlite3.Database;
}

export interface PostgresSqlDatabase extends SqlDatabase {
  readonly dialect: 'postgres';
  /** The node-postgres pool, for diagnostics and tests. */
  readonly pool: Pool;
}

export interface OpenSqliteOptions {
  /** File path (parent folder created when missing), or ':memory:'. */
  path: string;
  clock?: Clock;
  /** How long a writer waits for another connection's lock before failing (ms). */
  busyTimeoutMs?: number;
  /** For tests of the migrations; defaults to MIGRATIONS. */
  migrations?: readonly Migration[];
}

export interface OpenPostgresOptions {
  /** postgres://user:password@host:5432/db (or postgresql://...); node-postgres connection-string options apply (sslmode, ...). */
  url: string;
  clock?: Clock;
  /** Most connections this instance opens (default 10). */
  poolSize?: number;
  /** How long opening a connection may take before the query fails (default 10 s; 0 = wait for the OS). */
  connectTimeoutMs?: number;
  /** For tests of the migrations; defaults to MIGRATIONS. */
  migrations?: readonly Migration[];
  /**
   * An idle pooled connection failed (e.g. the server restarted). The pool drops it and the next query
   * opens another; without a listener node-postgres would crash the process.
   */
  onPoolError?: (error: Error) => void;
}

/** Opens a connection with WAL, busy_timeout and foreign keys; the schema is migrated in the background. */
export function openSqliteDatabase(options: OpenSqliteOptions): SqliteSqlDatabase {
  if (options.path !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(options.path)), { recursive: true });
  const connection = new BetterSqlite3(options.path);
  try {
    connection.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    connection.pragma('journal_mode = WAL');
    connection.pragma('synchronous = NORMAL');
    connection.pragma('foreign_keys = ON');
    cacheStatements(connection);
  } catch (e) {
    connection.close();
    throw e;
  }
  const fileLock = options.path === ':memory:' ? null : lockOfFile(path.resolve(options.path));
  const db = new Kysely<Tables>({ dialect: new ImmediateSqliteDialect({ database: connection }, fileLock) });
  // SQLite runs a migration's several statements with exec(); Kysely holds the one connection meanwhile.
  const exec = async (_trx: Kysely<unknown>, text: string) => void connection.exec(text);
  return {
    dialect: 'sqlite',
    connection,
    ...lifecycle(db, migrateToLatest(db, 'sqlite', options.migrations ?? MIGRATIONS, options.clock ?? systemClock, exec)),
  };
}

/** A node-postgres pool; the schema is migrated in the background, under Kysely's advisory lock. */
export function openPostgresDatabase(options: OpenPostgresOptions): PostgresSqlDatabase {
  const pool = new Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
  });
  pool.on('error', options.onPoolError ?? (() => undefined));
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  // Without parameters node-postgres sends the simple query protocol, which runs several statements.
  const exec = async (trx: Kysely<unknown>, text: string) => void (await trx.executeQuery(CompiledQuery.raw(text)));
  return {
    dialect: 'postgres',
    pool,
    ...lifecycle(db, migrateToLatest(db, 'postgres', options.migrations ?? MIGRATIONS, options.clock ?? systemClock, exec)),
  };
}

function lifecycle(db: Kysely<Tables>, migrated: Promise<number[]>): Pick<SqlDatabase, 'kysely' | 'migrated' | 'close'> {
  // Marked as handled here; whoever awaits `migrated` (or runs a query) still sees the failure.
  migrated.catch(() => undefined);
  const ready = migrated.then(() => db);
  ready.catch(() => undefined);
  let closed: Promise<void> | null = null;
  return {
    kysely: () => ready,
    migrated,
    close: () => (closed ??= migrated.then(noop, noop).then(() => db.destroy())),
  };
}

/**
 * SQLite's default BEGIN is DEFERRED: a transaction that reads and then writes can find another process
 * took the write lock in between, and fails at once with SQLITE_BUSY (busy_timeout does not help an
 * upgrade). BEGIN IMMEDIATE takes the write lock first, waiting up to busy_timeout, so store transactions
 * (and the migration) queue behind each other instead.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(
    private readonly settings: SqliteDialectConfig,
    private readonly fileLock: FileLock | null,
  ) {
    super(settings);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings, this.fileLock);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

/**
 * SQLite runs DDL inside transactions; Kysely's adapter says it does not, and its Migrator would then
 * commit each migration alone. Saying so keeps a failed run all-or-nothing, and makes the Migrator's
 * transaction (BEGIN IMMEDIATE) the lock between processes starting on one file.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  private releaseFile: (() => void) | null = null;

  constructor(
    config: SqliteDialectConfig,
    private readonly fileLock: FileLock | null,
  ) {
    super(config);
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    const release = this.fileLock ? await this.fileLock.acquire() : null;
    const connection = await super.acquireConnection();
    this.releaseFile = release;
    return connection;
  }

  override async releaseConnection(): Promise<void> {
    const release = this.releaseFile;
    this.releaseFile = null;
    await super.releaseConnection();
    release?.();
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * better-sqlite3 waits for another connection's write lock by blocking the thread (busy_timeout). Two
 * connections to one file in ONE process would then deadlock: the second blocks the event loop while
 * the first holds its transaction across an await, so the first can never commit. Connections to the
 * same file in this process therefore take turns (another process simply waits, as SQLite intends).
 * Production opens one connection per process; tests and tools sometimes open a second.
 */
interface FileLock {
  /** Resolves, once the file is free, with the function that frees it again. */
  acquire(): Promise<() => void>;
}

const fileLocks = new Map<string, FileLock>();

function lockOfFile(file: string): FileLock {
  let lock = fileLocks.get(file);
  if (!lock) {
    let tail: Promise<void> = Promise.resolve();
    lock = {
      acquire() {
        let free!: () => void;
        const turn = new Promise<void>((resolve) => (free = resolve));
        const ready = tail.then(() => free);
        tail = tail.then(() => turn);
        return ready;
      },
    };
    fileLocks.set(file, lock);
  }
  return lock;
}

/**
 * Kysely prepares each query's SQL where it runs it; compiling the same statement again on each call cost
 * about as much as running it (measured on the chat path: one INSERT per message). The connection keeps
 * each distinct SQL text's statement instead (no store uses per-statement modes such as pluck or raw).
 */
function cacheStatements(connection: BetterSqlite3.Database): void {
  const prepare = connection.prepare.bind(connection);
  const statements = new Map<string, BetterSqlite3.Statement>();
  connection.prepare = ((text: string) => {
    let statement = statements.get(text);
    if (!statement) {
      statement = prepare(text);
      if (statements.size < MAX_CACHED_STATEMENTS) statements.set(text, statement);
    }
    return statement;
  }) as BetterSqlite3.Database['prepare'];
}

const MAX_CACHED_STATEMENTS = 500;

function noop(): void {}
