import { ExportRecord } from '../../ports/export-log';

/** A row of tab_exports, the same in SQLite and PostgreSQL. */
export interface ExportRow {
  id: string;
  at: string;
  actor_id: string;
  format: string;
  filters: string;
  row_count: number | string;
  complete: number | string;
}

export const INSERT_EXPORT_COLUMNS = 'id, at, actor_id, format, filters, row_count, complete';

export function toExportRecord(row: ExportRow): ExportRecord {
  return {
    id: row.id,
    at: row.at,
    actorId: row.actor_id,
    format: row.format === 'json' ? 'json' : 'csv',
    filters: JSON.parse(row.filters) as Record<string, string>,
    rows: Number(row.row_count),
    complete: Number(row.complete) === 1,
  };
}
