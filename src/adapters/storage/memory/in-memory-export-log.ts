import { ExportLog, ExportRecord } from '../../../ports/export-log';
import { jsonCopy } from '../json-copy';

export class InMemoryExportLog implements ExportLog {
  private readonly entries: ExportRecord[] = [];

  async record(entry: ExportRecord): Promise<void> {
    // Append-only, as the tables' primary key makes it.
    if (this.entries.some((e) => e.id === entry.id)) throw new Error(`export ${entry.id} is already recorded`);
    this.entries.push(jsonCopy(entry));
  }

  async recent(limit: number): Promise<ExportRecord[]> {
    return jsonCopy([...this.entries].sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1)).slice(0, limit));
  }
}
