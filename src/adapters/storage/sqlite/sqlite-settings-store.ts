import { SettingsStore, StoredSetting } from '../../../ports/settings-store';
import { SqliteDatabase } from './database';

export class SqliteSettingsStore implements SettingsStore {
  constructor(private readonly db: SqliteDatabase) {}

  async get(key: string): Promise<StoredSetting | null> {
    const row = this.db.prepare('SELECT value, updated_at, updated_by FROM bot_settings WHERE key = ?').get(key) as
      { value: string; updated_at: string; updated_by: string | null } | undefined;
    return row ? { value: row.value, updatedAt: row.updated_at, updatedBy: row.updated_by } : null;
  }

  async set(key: string, setting: StoredSetting): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO bot_settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      )
      .run(key, setting.value, setting.updatedAt, setting.updatedBy);
  }
}
