import type { SqlDatabase } from './sql/database';
import type { StoreOptions } from './open-storage';

/** TODO(kysely): the one ConversationStore implementation over SQLite and PostgreSQL. */
export class SqlConversationStore {
  constructor(
    readonly database: SqlDatabase,
    readonly options: StoreOptions = {},
  ) {}
}
