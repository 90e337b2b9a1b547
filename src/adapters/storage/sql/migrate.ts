import { Kysely, Migration as KyselyMigration, Migrator, sql } from 'kysely';
import { Clock } from '../../../ports/clock';
import { Migration, SCHEMA_MIGRATIONS_TABLE, pendingMigrations } from '../migrations';
import type { SqlDialect } from './database';
import { Tables } from './tables';

/** Runs a migration's SQL text (several statements) inside the migration's transaction. */
export type ExecSql = (trx: Kysely<unknown>, text: string) => Promise<void>;

/**
 * Brings the schema up to date with Kysely's Migrator: all pending migrations in one transaction, one
 * process at a time (PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE). Returns the versions
 * applied now.
 *
 * Databases made before the stores moved to Kysely record their migrations in `schema_migrations`
 * (version, name, applied_at) only. Every migration still records itself there too, and skips its SQL
 * when the version is already recorded: an existing database migrates in place (Kysely's own table
 * catches up on the first start), and an older SOA Bot opening a newer database still refuses it
 * (SchemaTooNewError), as this one does.
 */
export async function migrateToLatest(
  db: Kysely<Tables>,
  dialect: SqlDialect,
  migrations: readonly Migration[],
  clock: Clock,
  exec: ExecSql,
): Promise<number[]> {
  pendingMigrations(await recordedVersions(db), migrations); // throws SchemaTooNewError
  const applied: number[] = [];
  const migrator = new Migrator({
    db,
    migrationTableSchema: dialect === 'postgres' ? await currentSchema(db) : undefined,
    provider: {
      getMigrations: async () => Object.fromEntries(migrations.map((m) => [migrationName(m), step(m, dialect, clock, exec, applied)])),
    },
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return applied;
}

/** Kysely orders migrations by name: the zero-padded version keeps them in version order. */
function migrationName(m: Migration): string {
  return String(m.version).padStart(4, '0');
}

function step(m: Migration, dialect: SqlDialect, clock: Clock, exec: ExecSql, applied: number[]): KyselyMigration {
  return {
    async up(trx: Kysely<unknown>) {
      await exec(trx, SCHEMA_MIGRATIONS_TABLE);
      const recorded = await sql<{ version: number }>`SELECT version FROM schema_migrations WHERE version = ${m.version}`.execute(trx);
      if (recorded.rows.length > 0) return;
      await exec(trx, m.portable);
      const own = dialect === 'sqlite' ? m.sqlite : m.postgres;
      if (own) await exec(trx, own);
      await sql`INSERT INTO schema_migrations (version, name, applied_at) VALUES (${m.version}, ${m.name}, ${clock.now().toISOString()})`.execute(trx);
      applied.push(m.version);
    },
  };
}

/**
 * Kysely's own tables go in the schema ours are in. Without a schema the Migrator looks for them in every
 * schema of the database, finds another deployment's (or another schema's) and never creates its own:
 * the migration then fails on "kysely_migration_lock does not exist".
 */
async function currentSchema(db: Kysely<Tables>): Promise<string | undefined> {
  const { rows } = await sql<{ schema: string | null }>`SELECT current_schema() AS schema`.execute(db);
  return rows[0]?.schema ?? undefined;
}

/** The versions an existing database records; none for a new one. */
async function recordedVersions(db: Kysely<Tables>): Promise<number[]> {
  try {
    const rows = await db.selectFrom('schema_migrations').select('version').execute();
    return rows.map((r) => Number(r.version));
  } catch {
    return []; // no schema_migrations table yet: a new database
  }
}
