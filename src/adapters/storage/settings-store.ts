import type { SqlDatabase } from './sql/database';
import type { StoreOptions } from './open-storage';

/** TODO(kysely): the one SettingsStore implementation over SQLite and PostgreSQL. */
export class SqlSettingsStore {
  constructor(
    readonly database: SqlDatabase,
    readonly options: StoreOptions = {},
  ) {}
}
