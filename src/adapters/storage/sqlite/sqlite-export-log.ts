import { ExportLog, ExportRecord } from '../../../ports/export-log';
import { ExportRow, INSERT_EXPORT_COLUMNS, toExportRecord } from '../export-rows';
import { toInstant } from '../iso-instants';
import { SqliteDatabase } from './database';

export class SqliteExportLog implements ExportLog {
  constructor(private readonly db: SqliteDatabase) {}

  async record(e: ExportRecord): Promise<void> {
    this.db
      .prepare(`INSERT INTO tab_exports (${INSERT_EXPORT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(e.id, toInstant(e.at, 'at'), e.actorId, e.format, JSON.stringify(e.filters), e.rows, e.complete ? 1 : 0);
  }

  async recent(limit: number): Promise<ExportRecord[]> {
    const rows = this.db.prepare(`SELECT ${INSERT_EXPORT_COLUMNS} FROM tab_exports ORDER BY at DESC, id DESC LIMIT ?`).all(limit) as ExportRow[];
    return rows.map(toExportRecord);
  }
}
