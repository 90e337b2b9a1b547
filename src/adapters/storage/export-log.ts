import type { SqlDatabase } from './sql/database';
import type { StoreOptions } from './open-storage';

/** TODO(kysely): the one ExportLog implementation over SQLite and PostgreSQL. */
export class SqlExportLog {
  constructor(
    readonly database: SqlDatabase,
    readonly options: StoreOptions = {},
  ) {}
}
