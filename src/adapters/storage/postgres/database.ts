import { Pool, QueryResult, QueryResultRow } from 'pg';
import { Clock, systemClock } from '../../../ports/clock';
import { MIGRATIONS, Migration, SCHEMA_MIGRATIONS_TABLE, pendingMigrations } from '../migrations';

/** What a store needs to run SQL: the pool, or one client inside a transaction. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
}

export interface PostgresDatabaseOptions {
  /** postgres://user:password@host:5432/db (or postgresql://...). */
  url: string;
  clock?: Clock;
  /** Most connections this instance opens (default 10). */
  poolSize?: number;
  /** How long opening a connection may take before the query fails (default 10 s; 0 = wait for the OS). */
  connectTimeoutMs?: number;
  /** For tests of the migration runner; defaults to MIGRATIONS. */
  migrations?: readonly Migration[];
  /**
   * An idle pooled connection failed (e.g. the server restarted). The pool drops it and the next query
   * opens another; without a listener node-postgres would crash the process.
   */
  onPoolError?: (error: Error) => void;
}

/**
 * Any two instances of SOA Bot migrating one database take this transaction-level advisory lock first,
 * so they apply migrations one after the other (the second then finds nothing to do).
 * The value is arbitrary but fixed: ASCII "SOA-MIGR".
 */
export const MIGRATION_LOCK_KEY = '6003088491134142290';

/**
 * A node-postgres pool whose schema is brought up to date once, before any store query runs: every
 * query and transaction waits for `ready`, so the stores can be built synchronously.
 */
export class PostgresDatabase implements Queryable {
  readonly pool: Pool;
  /** Resolves with the versions this start applied; rejects if migrating failed (every query then fails the same way). */
  readonly ready: Promise<number[]>;
  private closed: Promise<void> | null = null;

  constructor(options: PostgresDatabaseOptions) {
    this.pool = new Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    });
    this.pool.on('error', options.onPoolError ?? (() => undefined));
    this.ready = migrate(this.pool, options.migrations ?? MIGRATIONS, options.clock ?? systemClock);
    // Marked as handled here; whoever awaits `ready` (or runs a query) still sees the failure.
    this.ready.catch(() => undefined);
  }

  async query<R extends QueryResultRow = QueryResultRow>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    await this.ready;
    return this.pool.query<R>(sql, params);
  }

  /** Runs `work` in one transaction (READ COMMITTED) on one connection: COMMIT if it resolves, ROLLBACK if it throws. */
  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    await this.ready;
    return inTransaction(this.pool, work);
  }

  /** Idempotent: waits for queries in flight, then closes every connection. */
  close(): Promise<void> {
    if (!this.closed) this.closed = this.ready.then(noop, noop).then(() => this.pool.end());
    return this.closed;
  }
}

async function inTransaction<T>(pool: Pool, work: (tx: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (e) {
      broken = e as Error; // the connection is unusable: release(error) destroys it instead of pooling it
    }
    throw error;
  } finally {
    client.release(broken);
  }
}

/**
 * Applies pending migrations in one transaction, under the advisory lock: all or nothing, one
 * instance at a time. Runs each migration's `portable` SQL, then its `postgres` SQL.
 */
export async function migrate(pool: Pool, migrations: readonly Migration[], clock: Clock): Promise<number[]> {
  return inTransaction(pool, async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await tx.query(SCHEMA_MIGRATIONS_TABLE);
    const applied = (await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version);
    const pending = pendingMigrations(applied, migrations);
    for (const m of pending) {
      await tx.query(m.portable);
      if (m.postgres) await tx.query(m.postgres);
      await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, clock.now().toISOString()]);
    }
    return pending.map((m) => m.version);
  });
}

function noop(): void {}
