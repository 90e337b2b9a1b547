import { SettingsStore, StoredSetting } from '../../ports/settings-store';
import type { StoreOptions } from './store-options';
import type { SqlDatabase } from './sql/database';

/**
 * Named settings (e.g. the freeze switch), last write wins with who and when. On PostgreSQL every
 * instance reads the same row, so a freeze set on one applies to all.
 */
export class SqlSettingsStore implements SettingsStore {
  constructor(
    private readonly database: SqlDatabase,
    readonly options: StoreOptions = {},
  ) {}

  async get(key: string): Promise<StoredSetting | null> {
    const db = await this.database.kysely();
    const row = await db.selectFrom('bot_settings').select(['value', 'updated_at', 'updated_by']).where('key', '=', key).executeTakeFirst();
    return row ? { value: row.value, updatedAt: row.updated_at, updatedBy: row.updated_by } : null;
  }

  async set(key: string, setting: StoredSetting): Promise<void> {
    const db = await this.database.kysely();
    await db
      .insertInto('bot_settings')
      .values({ key, value: setting.value, updated_at: setting.updatedAt, updated_by: setting.updatedBy })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), updated_at: eb.ref('excluded.updated_at'), updated_by: eb.ref('excluded.updated_by') })),
      )
      .execute();
  }
}
