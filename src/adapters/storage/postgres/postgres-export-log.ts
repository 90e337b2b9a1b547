import { ExportLog, ExportRecord } from '../../../ports/export-log';
import { ExportRow, INSERT_EXPORT_COLUMNS, toExportRecord } from '../export-rows';
import { toInstant } from '../iso-instants';
import { PostgresDatabase } from './database';

export class PostgresExportLog implements ExportLog {
  constructor(private readonly db: PostgresDatabase) {}

  async record(e: ExportRecord): Promise<void> {
    await this.db.query(`INSERT INTO tab_exports (${INSERT_EXPORT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      e.id,
      toInstant(e.at, 'at'),
      e.actorId,
      e.format,
      JSON.stringify(e.filters),
      e.rows,
      e.complete ? 1 : 0,
    ]);
  }

  async recent(limit: number): Promise<ExportRecord[]> {
    const { rows } = await this.db.query<ExportRow>(`SELECT ${INSERT_EXPORT_COLUMNS} FROM tab_exports ORDER BY at DESC, id DESC LIMIT $1`, [limit]);
    return rows.map(toExportRecord);
  }
}
