import type { Selectable } from 'kysely';
import { ExportRecord } from '../../ports/export-log';
import type { TabExportsTable } from './sql/tables';

/** A tab_exports row (sql/tables.ts). */
export type ExportRow = Selectable<TabExportsTable>;

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
