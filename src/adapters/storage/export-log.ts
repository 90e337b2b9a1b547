import { ExportLog, ExportRecord } from '../../ports/export-log';
import { toExportRecord } from './export-rows';
import { toInstant } from './iso-instants';
import type { StoreOptions } from './store-options';
import type { SqlDatabase } from './sql/database';

/** Who exported what from the tab, and whether every row was written (append-only). */
export class SqlExportLog implements ExportLog {
  constructor(
    private readonly database: SqlDatabase,
    readonly options: StoreOptions = {},
  ) {}

  async record(e: ExportRecord): Promise<void> {
    const at = toInstant(e.at, 'at');
    const db = await this.database.kysely();
    await db
      .insertInto('tab_exports')
      .values({ id: e.id, at, actor_id: e.actorId, format: e.format, filters: JSON.stringify(e.filters), row_count: e.rows, complete: e.complete ? 1 : 0 })
      .execute();
  }

  async recent(limit: number): Promise<ExportRecord[]> {
    const db = await this.database.kysely();
    const rows = await db.selectFrom('tab_exports').selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toExportRecord);
  }
}
