import type { SqlDatabase } from './sql/database';
import type { StoreOptions } from './open-storage';

/** TODO(kysely): the one DelegationStore implementation over SQLite and PostgreSQL. */
export class SqlDelegationStore {
  constructor(
    readonly database: SqlDatabase,
    readonly options: StoreOptions = {},
  ) {}
}
