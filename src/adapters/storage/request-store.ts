import type { SqlDatabase } from './sql/database';
import type { StoreOptions } from './store-options';

/** TODO(kysely): the one RequestStore implementation over SQLite and PostgreSQL. */
export class SqlRequestStore {
  constructor(
    readonly database: SqlDatabase,
    readonly options: StoreOptions = {},
  ) {}
}
