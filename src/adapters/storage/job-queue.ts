import type { SqlDatabase } from './sql/database';
import type { StoreOptions } from './open-storage';

/** TODO(kysely): the one JobQueue implementation over SQLite and PostgreSQL. */
export class SqlJobQueue {
  constructor(
    readonly database: SqlDatabase,
    readonly options: StoreOptions = {},
  ) {}
}
